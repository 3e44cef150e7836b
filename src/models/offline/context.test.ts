import { describe, expect, it } from 'vitest';
import { contextFacts } from './context.js';

const request = (memory: string) => ({ system: [{ text: `<semantic_memory>\n${memory}\n</semantic_memory>` }], messages: [{ role: 'user' as const, content: [{ text: 'q?' }] }] });

describe('a superseded chunk with several facts', () => {
  it('marks stale only the sentences the newer learning is about', () => {
    const facts = contextFacts(
      request('[Source: docs/office.md | score: 0.90 | SUPERSEDED by newer learning: "The cafeteria closes at 15:00."]\nThe cafeteria closes at 14:00.\nMeeting room B is called Kilimanjaro.'),
    );
    expect(facts.map((f) => [f.sentence, f.superseded, f.newer ?? null])).toEqual([
      ['The cafeteria closes at 14:00.', true, 'The cafeteria closes at 15:00.'],
      ['Meeting room B is called Kilimanjaro.', false, null],
    ]);
  });

  it('keeps the whole block stale when the newer learning shares no word with it, or none is quoted', () => {
    const renamed = contextFacts(request('[Source: docs/ui.md | score: 0.90 | SUPERSEDED by newer learning: "Acme-design replaced it."]\nThe design system lives in ui-kit.\nIt has 40 components.'));
    expect(renamed.every((f) => f.superseded)).toBe(true);
    const bare = contextFacts(request('[Source: docs/a.md | score: 0.90 | SUPERSEDED]\nA is 1.\nB is 2.'));
    expect(bare.every((f) => f.superseded)).toBe(true);
  });
});
