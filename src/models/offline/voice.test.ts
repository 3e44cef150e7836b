import { describe, expect, it } from 'vitest';
import { renderSessionSummary, renderUserMemory } from '../../memory/memory-context.js';
import { contextFacts } from './context.js';
import { isUserVoice, toSecondPerson } from './voice.js';

describe('a user-voiced fact said back to the user', () => {
  it.each([
    ["I'm based in Porto.", "You're based in Porto."],
    ['My time zone is CET.', 'Your time zone is CET.'],
    ['I prefer email for invoice questions.', 'You prefer email for invoice questions.'],
    ['Best way to reach me is Slack.', 'Best way to reach you is Slack.'],
    ['The blue car is mine.', 'The blue car is yours.'],
    ['I was told the ME region is closed.', 'You were told the ME region is closed.'],
    ["We're on the premium plan and our account manager is Priya.", "You're on the premium plan and your account manager is Priya."],
    ['Send it to us in the US.', 'Send it to you in the US.'],
  ])('%j → %j', (from, to) => {
    expect(toSecondPerson(from)).toBe(to);
  });

  it('leaves sentences without first-person words alone', () => {
    expect(toSecondPerson('The courier for parcel 3 is DHL.')).toBe('The courier for parcel 3 is DHL.');
  });

  it('knows which sources are in the user’s voice, as the runtime labels them', () => {
    // The labels come from the renderers themselves, so a renamed header fails here, not in a demo.
    const summary = { tenantId: 't', sessionId: 's', userId: 'u', text: 'My desk is 4.12.', coveredThrough: 1, coveredTurns: 9, createdAt: 1, updatedAt: 1, expiresAt: 2 };
    const fact = { id: 'f', tenantId: 't', userId: 'u', text: 'I am based in Porto.', createdAt: 1, updatedAt: 1, expiresAt: 2 };
    const system = `${renderUserMemory({ facts: [fact], past: [summary] })}\n${renderSessionSummary(summary)}`;
    const sources = new Set(contextFacts({ system: [{ text: system }], messages: [{ role: 'user', content: [{ text: 'I work nights.' }] }, { role: 'user', content: [{ text: 'q?' }] }] }).map((f) => f.source));
    expect(sources.size).toBe(4);
    for (const source of sources) expect(isUserVoice(source)).toBe(true);
    expect(isUserVoice('docs/refunds.md')).toBe(false);
    expect(isUserVoice('learnings/default/A/lrn_1.md')).toBe(false);
  });
});
