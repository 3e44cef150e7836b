import { describe, expect, it } from 'vitest';
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

  it('knows which sources are in the user’s voice', () => {
    expect(isUserVoice('what the user told you about themself')).toBe(true);
    expect(isUserVoice('earlier in this conversation (46 turns, summarised)')).toBe(true);
    expect(isUserVoice("summary of the user's session of 2026-11-02")).toBe(true);
    expect(isUserVoice('docs/refunds.md')).toBe(false);
    expect(isUserVoice('learnings/default/A/lrn_1.md')).toBe(false);
  });
});
