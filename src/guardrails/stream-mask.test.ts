import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PII_CASES } from './corpus/pii.js';
import { maskPii, PiiStreamMasker } from './stream-mask.js';

function streamed(text: string, cuts: number[]): string {
  const m = new PiiStreamMasker();
  let out = '';
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out += m.push(text.slice(at, c));
    at = c;
  }
  return out + m.push(text.slice(at)) + m.flush();
}

describe('PiiStreamMasker', () => {
  const answer = PII_CASES.slice(0, 40).map((c) => c.text).join(' Also, ') + ' That is all.';

  it('never releases a PII string split across deltas', () => {
    const out = streamed(answer, Array.from({ length: 200 }, (_, i) => (i * 37) % answer.length));
    for (const c of PII_CASES.slice(0, 40)) for (const p of c.pii) expect(out).not.toContain(p);
  });

  it('adds up to the whole-answer masking for any split of the stream (200 random splits)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: answer.length }), { maxLength: 60 }), (cuts) => {
        expect(streamed(answer, cuts)).toBe(maskPii(answer));
      }),
      { numRuns: 200 },
    );
  });
});
