import { describe, expect, it } from 'vitest';
import { bestFact } from './answer.js';
import type { ContextFact } from './context.js';
import { stripMarkers } from './facts.js';
import { detectLearnings } from './learn.js';
import { contradicts, decideMemory } from './memory.js';
import { namedReplacement } from './replace.js';
import { keywords, stem } from './text.js';

const decide = (fact: string, existing: string, question?: string) =>
  JSON.parse(decideMemory(`${question ? `Conversation before the new fact:\nUser: ${question}\n` : ''}New fact: ${fact}\nExisting facts (JSON lines):\n${JSON.stringify({ id: 'c1', text: existing })}`)) as { event: string; id?: string; text?: string };

const fact = (sentence: string, extra: Partial<ContextFact> = {}): ContextFact => ({ sentence, source: 'docs/x.md', rank: 0, learned: false, superseded: false, ...extra });

describe('offline model, round 4: corrections that name the old value', () => {
  it('reads "is no longer X, it is Y", arrows, "went down from X to Y", "X is wrong" and a leading "not X -"', () => {
    expect(namedReplacement("The domestic per diem is no longer 45 EUR, it's 52 EUR")).toEqual({ old: '45', new: '52' });
    expect(namedReplacement("The kickoff isn't in room Orion anymore - it's in room Vega")).toEqual({ old: 'Orion', new: 'Vega' });
    expect(namedReplacement('escalation queue OPS-L2 -> OPS-L3')).toEqual({ old: 'OPS-L2', new: 'OPS-L3' });
    expect(namedReplacement('search timeout went down from 800 ms to 500 ms')).toEqual({ old: '800', new: '500' });
    expect(namedReplacement('20:00 is wrong, it closes at 21:00')).toEqual({ old: '20:00', new: '21:00' });
    expect(namedReplacement('Not 9:30 - the first lecture starts at 10:00')).toEqual({ old: '9:30', new: '10:00' });
  });

  it('moves a whole multi-word name, and keeps it in the rewritten sentence', () => {
    expect(namedReplacement('We swapped BrightClean for Sparkle Services as our cleaning contractor')).toEqual({ old: 'BrightClean', new: 'Sparkle Services' });
    expect(decide('We swapped BrightClean for Sparkle Services as our cleaning contractor.', 'The cleaning contractor is BrightClean.').text).toBe('The cleaning contractor is Sparkle Services.');
    // An address after a preposition moves whole, though the verb differs ("go to" / "shipped to").
    expect(decide('Returns now go to 48 Canal Street, Leith instead.', 'Returns should be shipped to 12 Harbour Road, Leith.').text).toBe('Returns should be shipped to 48 Canal Street, Leith.');
  });
});

describe('offline model, round 4: what a change looks like', () => {
  it('takes the clause a question presupposes as a statement, not the question', () => {
    const quota = ['Each mailbox has a quota of 50 GB.'];
    expect(detectLearnings('Since the mailbox quota is now 100 GB, can we stop archiving old mail?', (f) => contradicts(f, quota))).toEqual(['The mailbox quota is now 100 GB.']);
    expect(detectLearnings('Since when does the office close at 16:00 on Fridays?', () => true)).toEqual([]);
    expect(detectLearnings('Since you mentioned storage, how big is the archive?', () => false)).toEqual([]);
  });

  it('learns a short "its 5.4 now" only right after a question', () => {
    expect(detectLearnings('its 5.4 now', undefined, true)).toEqual(["It's 5.4 now."]);
    expect(detectLearnings('its 5.4 now', undefined, false)).toEqual([]);
    expect(detectLearnings("it's fine now", undefined, true)).toEqual([]);
  });

  it('reads "X is our new Y" and "X has a new Y: Z" as changes, an opinion about something new not', () => {
    expect(detectLearnings('medicor is our new health insurer')).toEqual(['Medicor is our new health insurer.']);
    expect(detectLearnings('The support team has a new lead: Pedro Alves.')).toEqual(['The support team lead is Pedro Alves now.']);
    expect(detectLearnings('The new travel policy is great.')).toEqual([]);
  });

  it('splits ", and the X is Y" into two statements, but not a list of names', () => {
    expect(detectLearnings('Quick update: the board room moved to floor 7, and the training room is on floor 1 now.')).toEqual(['The board room moved to floor 7.', 'The training room is on floor 1 now.']);
    expect(decide('Sam Ortiz left, so the first aiders on floor 2 are Amy Lee and Joe Park now.', 'The first aiders on floor 2 are Amy Lee and Sam Ortiz.').event).toBe('UPDATE');
  });

  it('hears "we\'ve gone from X to Y", keeps "no more" as a negation and forgives a typo in the subject', () => {
    expect(detectLearnings("We've gone from Java 17 to Java 21 on the order service.")).toHaveLength(1);
    expect(decide("We've gone from Java 17 to Java 21 on the order service.", 'The order service runs on Java 17.').text).toBe('The order service runs on Java 21.');
    expect(stripMarkers('no more fresh fruit on Mondays').text).toBe('no more fresh fruit on Mondays');
    expect(decide('custmer invoices are sent on teh 3rd of the month now', 'Customer invoices are sent on the 1st of the month.').text).toBe('Customer invoices are sent on the 3rd of the month.');
    expect(decide('Cedar was swapped out for room Maple for onsite interviews.', 'Onsite interviews take place in room Cedar.').text).toBe('Onsite interviews take place in room Maple.');
  });

  it('strips reminders and asides like other markers', () => {
    expect(stripMarkers('Just a reminder, the parking garage closes at 22:00.').text).toBe('the parking garage closes at 22:00.');
    expect(stripMarkers('Friendly reminder: the all-staff call is on Wednesdays.').text).toBe('the all-staff call is on Wednesdays.');
    expect(stripMarkers('Sorry, I mean 10 days ahead.').text).toBe('10 days ahead.');
    expect(decide('Just a reminder, the parking garage closes at 22:00.', 'The parking garage closes at 22:00.').event).toBe('NOOP');
  });
});

describe('offline model, round 4: the memory decision', () => {
  it('treats a denied word or an "only" that drops values as a change, not a restatement', () => {
    expect(decide('We no longer offer phone support; customer service is email only now.', 'Customer service is available by phone and email.').event).toBe('UPDATE');
    expect(decide('Yoga classes are only on Mondays now.', 'Yoga classes are on Mondays and Thursdays.').event).toBe('UPDATE');
    expect(decide("We don't do same-day delivery in Munich anymore, only Berlin.", 'We offer same-day delivery in Berlin and Munich.')).toMatchObject({ event: 'UPDATE', text: "We don't do same-day delivery in Munich, only Berlin." });
  });

  it('corrects one clause of a compound sentence and keeps the other', () => {
    expect(decide('The pharmacy opens at 8:30 now.', 'The clinic opens at 8:00 and the pharmacy opens at 9:00.').text).toBe('The clinic opens at 8:00 and the pharmacy opens at 8:30.');
    expect(decide('The pharmacy opens at 9:00.', 'The clinic opens at 8:00 and the pharmacy opens at 9:00.').event).toBe('NOOP');
  });

  it('keeps a qualified value whole ("every second Tuesday") and not a contrast after it', () => {
    expect(decide('Recycling is collected every second Tuesday now.', 'Recycling is collected every Tuesday.').text).toBe('Recycling is collected every second Tuesday.');
    expect(decide('That should be 21%, not 19%.', 'The VAT rate on consulting services is 19%.', 'What is the VAT rate on consulting services?').text).toBe('The VAT rate on consulting services is 21%.');
  });
});

describe('offline model, round 4: choosing the answer', () => {
  it('meets a question through everyday synonyms and word forms', () => {
    const facts = [fact('The retention period for invoices is 10 years.'), fact('Contracts are archived on expiry.')];
    expect(bestFact('How long do we keep invoices?', facts)?.sentence).toBe('The retention period for invoices is 10 years.');
    expect(bestFact('What is the loan period for books?', [fact('Books can be borrowed for 4 weeks.'), fact('Renewals are online.')])?.sentence).toBe('Books can be borrowed for 4 weeks.');
    expect(stem('visitors')).toBe(stem('visiting'));
    expect(stem('reimbursement')).toBe(stem('reimbursed'));
    expect(stem('close')).toBe(stem('closed'));
  });

  it('prefers a duration for "how long", never a heading or a FAQ question line', () => {
    const desk = [fact('The front desk opens at 7:30.'), fact('Parcels are held for 5 days.')];
    expect(bestFact('How long are parcels held at the front desk?', desk)?.sentence).toBe('Parcels are held for 5 days.');
    expect(bestFact('How can customers reach customer service?', [fact('Customer service'), fact('Customer service is available by phone and email.')])?.sentence).toBe('Customer service is available by phone and email.');
    expect(bestFact('How long does a refund take?', [fact('How long does a refund take?'), fact('Refunds take 5 business days.')])?.sentence).toBe('Refunds take 5 business days.');
  });

  it('reads capitalised acronyms as words', () => {
    expect(keywords('The IT team sits on the 3rd floor.').has('it')).toBe(true);
    expect(keywords('It is on the 3rd floor.').has('it')).toBe(false);
  });
});
