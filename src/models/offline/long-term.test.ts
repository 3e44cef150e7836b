import { describe, expect, it } from 'vitest';
import { contextFacts } from './context.js';
import { summarise } from './long-term.js';

const task = (turns: string[]) =>
  summarise(`PREVIOUS SUMMARY:\n(none)\n\nNEW TURNS:\n${turns.join('\n')}`, 'Write at most 150 words. PREVIOUS SUMMARY … NEW TURNS … {"summary": …}');

describe('the offline extractive summary keeps what the user told, not what they asked or wished', () => {
  it('drops questions, requests, wishes and guesses; keeps statements and decisions', () => {
    const out = JSON.parse(
      task([
        'user: Look up order A-7 please',
        'assistant: I could not find it.',
        'user: Translate good morning into Spanish',
        'user: It would be great if lunch were served until 15:00.',
        'user: I think the audit is next Tuesday.',
        'user: Invoice INV-88 is paid in two parts.',
        'user: We decided to move the launch to March 3.',
        'user: Did the courier come?',
      ]),
    ).summary as string;
    expect(out).toContain('INV-88');
    expect(out).toContain('launch to March 3');
    for (const gone of ['A-7', 'good morning', '15:00', 'audit', 'courier']) expect(out).not.toContain(gone);
  });
});

describe("this conversation's facts", () => {
  it('are what the user stated earlier, not their requests or wishes', () => {
    const facts = contextFacts({
      messages: [
        { role: 'user', content: [{ text: 'Check the status of ticket 4411. It would be nice if support opened at 7.' }] },
        { role: 'assistant', content: [{ text: 'Sure.' }] },
        { role: 'user', content: [{ text: 'My desk is on floor 3.' }] },
        { role: 'assistant', content: [{ text: 'Noted.' }] },
        { role: 'user', content: [{ text: 'Where is my desk?' }] },
      ],
    });
    expect(facts.map((f) => f.sentence)).toEqual(['My desk is on floor 3.']);
  });
});
