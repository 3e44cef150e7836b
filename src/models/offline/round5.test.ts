import { describe, expect, it } from 'vitest';
import { bestFact } from './answer.js';
import type { ContextFact } from './context.js';
import { tokens } from './facts.js';
import { detectLearnings } from './learn.js';
import { decideMemory } from './memory.js';
import { namedReplacement } from './replace.js';
import { sentences } from './text.js';
import { frequencySwap, instanceOf } from './values.js';

const decide = (fact: string, existing: string) =>
  JSON.parse(decideMemory(`New fact: ${fact}\nExisting facts (JSON lines):\n${JSON.stringify({ id: 'c1', text: existing })}`)) as { event: string; text?: string };

const fact = (sentence: string, extra: Partial<ContextFact> = {}): ContextFact => ({ sentence, source: 'docs/x.md', rank: 0, learned: false, superseded: false, ...extra });

describe('offline model, round 5: names', () => {
  it('ends no sentence at a title and keeps the name after it a value', () => {
    expect(sentences('The lab is run by Dr. Ana Ruiz. Visits need a badge.')).toEqual(['The lab is run by Dr. Ana Ruiz.', 'Visits need a badge.']);
    expect(tokens('headed by Prof. Novak').find((t) => t.raw === 'Novak')?.value).toBe(true);
    expect(decide('Ward 3 is now overseen by Dr. Samuel Osei.', 'Ward 3 is overseen by Dr. Helen Marsh.').text).toBe('Ward 3 is overseen by Dr. Samuel Osei.');
    expect(detectLearnings('Note that the ethics board is chaired by Prof. Amara Diallo.')).toEqual(['The ethics board is chaired by Prof. Amara Diallo.']);
  });

  it('moves whole names in "no longer X, it\'s Y" and in all-lowercase renames', () => {
    expect(namedReplacement("The fire warden is no longer Paul Grant, it's Nadia Bell")).toEqual({ old: 'Paul Grant', new: 'Nadia Bell' });
    expect(decide('Lukas was replaced by sofia reyes as apprentice mentor', 'Apprentices are mentored by Lukas Brandt.').text).toBe('Apprentices are mentored by Sofia Reyes.');
    // A lowercase tool keeps its own spelling and takes no extra word.
    expect(decide('jira was replaced by linear last month', 'Tickets are tracked in Jira.').text).toBe('Tickets are tracked in Linear.');
  });

  it('keeps a multi-word name whole though one of its words is a subject word', () => {
    expect(decide('We now use Adobe Sign for signing contracts.', 'Contracts are signed electronically with DocuSign.').text).toBe('Contracts are signed electronically with Adobe Sign.');
  });
});

describe('offline model, round 5: values', () => {
  it('swaps a whole frequency phrase, unit included', () => {
    expect(frequencySwap('Team retrospectives are held every week.', 'team retrospectives are every other week now')).toBe('Team retrospectives are held every other week.');
    expect(decide('TLS certificates are renewed every 90 days since the new policy.', 'TLS certificates are renewed every 12 months.').text).toBe('TLS certificates are renewed every 90 days.');
    expect(frequencySwap('Backups run daily.', 'Backups run daily at 02:00.')).toBeNull();
  });

  it('changes the unit with the number in a duration', () => {
    expect(decide('The free trial lasts 30 days now.', 'The free trial lasts 6 weeks.').text).toBe('The free trial lasts 30 days.');
  });

  it('reads 5,000 and 5000 as one number', () => {
    expect(decide('FYI the export limit is 5000 rows.', 'The export limit is 5,000 rows.').event).toBe('NOOP');
    expect(decide('The export limit is 8,000 rows now.', 'The export limit is 5000 rows.').event).toBe('UPDATE');
  });

  it('keeps a date after a weekday with it', () => {
    expect(decide('The external audit got pushed to Wednesday, May 20.', 'The external audit starts on Monday, May 11.').text).toContain('May 20');
    expect(decide('The board meeting is on Friday, March 6 now.', 'The board meeting is on March 2.').text).toBe('The board meeting is on Friday, March 6.');
  });

  it('swaps a plain-word value with the complement it had', () => {
    expect(decide('Payroll moved in-house last quarter, the bureau is gone.', 'Payroll is outsourced to an external bureau.').text).toBe('Payroll is in-house.');
    expect(decide('The support team works remote now.', 'The support team works on-site.').text).toBe('The support team works remote.');
  });
});

describe('offline model, round 5: what is a fact', () => {
  it('takes a remark after an answer for no fact', () => {
    expect(detectLearnings("it's fine now, thanks", undefined, true)).toEqual([]);
    expect(detectLearnings("that's great, thanks a lot", undefined, true)).toEqual([]);
    // A value after the pronoun is still an answer: "it's 250 now" after a question says something.
    expect(detectLearnings("it's 250 now", undefined, true)).toEqual(["It's 250 now."]);
  });

  it('stores a numbered instance as its own fact, never as the rule\'s new value', () => {
    expect(detectLearnings('Order 88412 ships tomorrow.')).toEqual(['Order 88412 ships tomorrow.']);
    expect(detectLearnings('Order 3 pizzas for the meeting.')).toEqual([]);
    expect(instanceOf('Order 88412 ships tomorrow.', 'Orders ship within 2 business days.')).toBe(true);
    expect(decide('Order 88412 ships tomorrow.', 'Orders ship within 2 business days.').event).toBe('ADD');
    expect(decide('Order 88412 ships on Friday now.', 'Order 88412 ships tomorrow.').event).toBe('UPDATE');
    const facts = [fact('Order 88412 ships tomorrow.', { learned: true }), fact('Orders ship within 2 business days.', { rank: 1 })];
    expect(bestFact('How fast do orders ship?', facts)?.sentence).toBe('Orders ship within 2 business days.');
    expect(bestFact('When does order 88412 ship?', facts)?.sentence).toBe('Order 88412 ships tomorrow.');
  });
});
