import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, positionsOf, stem, wantedPositions, words } from './analyze.js';

describe('positionsOf (proximity positions without stemming every word)', () => {
  it("Porter never changes a word's first letter (what the shortcut relies on)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,16}$/), (w) => {
        expect(stem(w)[0]).toBe(w[0]);
      }),
      { numRuns: 20_000 },
    );
    // Words whose stem changes a later letter or is a single letter still keep the first one.
    for (const w of ['eyed', 'ayed', 'aing', 'ties', 'ies', 'oed', 'relational', 'sensibility', 'skies', 'yes', 'ying']) expect(stem(w)[0]).toBe(w[0]);
  });

  it('equals analyze() with the terms not wanted blanked, position for position', () => {
    const vocab = ['hiking', 'hiked', 'hikes', 'the', 'lake', 'lakes', 'ties', 'tie', 'ies', 'a', 'I', 'Ünïcode', 'x2', 'oed', 'eyed', 'eye', 'aing', 'relational', 'relate', 'go', 'goes', 'going', 'sky', 'skies'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocab), { maxLength: 40 }), fc.uniqueArray(fc.constantFrom(...vocab), { minLength: 1, maxLength: 4 }), (words, query) => {
        const text = words.join(' ');
        const wanted = new Set(query.flatMap((q) => analyze(q)));
        expect(positionsOf(text, wanted)).toEqual(analyze(text).map((t) => (wanted.has(t) ? t : '')));
      }),
      { numRuns: 500 },
    );
  });
});

describe('wantedPositions (positionsOf grouped by term, by char code)', () => {
  const expected = (text: string, wanted: Set<string>) => {
    const at = new Map<string, number[]>();
    analyze(text).forEach((t, i) => {
      if (wanted.has(t)) at.set(t, [...(at.get(t) ?? []), i]);
    });
    return at;
  };
  it('equals the positions of the wanted terms in analyze(text), over words, case, punctuation, long runs and Unicode', () => {
    const vocab = ['Hiking', 'hiked', 'HIKES', 'the', 'lake', 'lakes', 'ties', 'ies', 'a', 'I', 'Ünïcode', 'x2', '2x', 'eyed', 'go', 'Goes', 'sky', 'skies', 'z'.repeat(64), 'y'.repeat(65), 'café', '—', '...', "don't", '\n\n'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...vocab), fc.string({ unit: 'binary-ascii', maxLength: 8 })), { maxLength: 60 }), fc.uniqueArray(fc.constantFrom(...vocab), { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '', '-'), (ws, query, sep) => {
        const text = ws.join(sep);
        const wanted = new Set(query.flatMap((q) => analyze(q)));
        expect(wantedPositions(text, wanted)).toEqual(expected(text, wanted));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('words', () => {
  it('takes an ASCII fast path with the same result as the Unicode one', () => {
    const unicode = (text: string) => (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length <= 64);
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (text) => {
        expect(words(text)).toEqual(unicode(text));
      }),
      { numRuns: 2_000 },
    );
    expect(words('Ünïcode ﬁle Ⅻ and ASCII')).toEqual(unicode('Ünïcode ﬁle Ⅻ and ASCII'));
  });
});
