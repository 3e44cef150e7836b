import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceBm25, type IdfFlavour } from './bm25.js';
import { InvertedIndex } from './inverted-index.js';

// A small vocabulary with a skewed draw: many ties, terms in most documents (idf floored) and
// rare ones, so MaxScore's pruning paths all run.
const VOCAB = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
const term = fc.nat({ max: 99 }).map((x) => VOCAB[Math.floor(Math.sqrt(x) * 1.2)]!);
const doc = fc.array(term, { minLength: 0, maxLength: 30 });
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key: fc.nat({ max: 80 }), terms: doc }),
  fc.record({ kind: fc.constant('remove' as const), key: fc.nat({ max: 80 }) }),
);
const query = fc.uniqueArray(fc.record({ term: fc.constantFrom(...VOCAB, 'zz'), weight: fc.constantFrom(1, 1, 0.5, 2, 0.3) }), {
  minLength: 1, maxLength: 8, selector: (q) => q.term,
});

/** Brute-force reference over the live documents in insertion order (the index's tie order). */
function reference(ops: Array<{ kind: 'add'; key: number; terms: string[] } | { kind: 'remove'; key: number }>) {
  const live = new Map<number, string[]>();
  for (const o of ops) {
    live.delete(o.key); // a re-add moves the key to the end, as the index numbers it anew
    if (o.kind === 'add') live.set(o.key, o.terms);
  }
  return { keys: [...live.keys()], docs: [...live.values()] };
}

describe('InvertedIndex (MaxScore) against brute-force BM25', () => {
  it.each<IdfFlavour>(['fts5', 'lucene'])('returns exactly the brute-force top k (%s idf): same scores rank by rank, same documents except among equal scores', (flavour) => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), query, fc.integer({ min: 1, max: 25 }), (ops, q, k) => {
        const index = new InvertedIndex(flavour);
        for (const o of ops) (o.kind === 'add' ? index.add(o.key, o.terms) : index.remove(o.key));
        const ref = reference(ops);
        const want = bruteForceBm25(ref.docs, q, k, flavour).map((r) => ({ key: ref.keys[r.doc]!, score: r.score }));
        const got = index.search(q, k);
        expect(index.size).toBe(ref.keys.length);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          expect(g.score).toBeCloseTo(want[i]!.score, 9);
          // A different document at the same rank is only allowed when the two tie.
          if (g.key !== want[i]!.key) expect(Math.abs(g.score - want[i]!.score)).toBeLessThan(1e-9);
        });
        const kth = want.at(-1)?.score ?? 0;
        const strictlyBetter = want.filter((w) => w.score > kth + 1e-9).map((w) => w.key).sort();
        expect(got.filter((g) => g.score > kth + 1e-9).map((g) => g.key).sort()).toEqual(strictlyBetter);
      }),
      { numRuns: 400 },
    );
  });

  it('applies the accept filter before ranking (the k best accepted, not the accepted among the k best)', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 60 }), query, fc.integer({ min: 1, max: 10 }), (docs, q, k) => {
        const index = new InvertedIndex();
        docs.forEach((d, i) => index.add(i, d));
        const even = (key: number) => key % 2 === 0;
        const all = bruteForceBm25(docs, q, docs.length);
        const want = all.filter((r) => even(r.doc)).slice(0, k);
        const got = index.search(q, k, even);
        expect(got.map((g) => g.score)).toEqual(want.map((w) => expect.closeTo(w.score, 9)));
        expect(got.every((g) => even(g.key))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps statistics exact through removals and compaction', () => {
    const index = new InvertedIndex();
    const docs: string[][] = [];
    for (let i = 0; i < 30_000; i++) {
      const d = [`t${i % 7}`, `u${i % 13}`, i % 2 ? 'odd' : 'even'];
      docs.push(d);
      index.add(i, d);
    }
    // Remove two thirds: dead postings outnumber live ones, so the index compacts.
    for (let i = 0; i < 30_000; i++) if (i % 3 !== 0) index.remove(i);
    const keys = docs.map((_, i) => i).filter((i) => i % 3 === 0);
    expect(index.size).toBe(keys.length);
    expect(index.df('odd')).toBe(keys.filter((i) => i % 2).length);
    const q = [{ term: 't3', weight: 1 }, { term: 'odd', weight: 1 }, { term: 'u5', weight: 1 }];
    const want = bruteForceBm25(keys.map((i) => docs[i]!), q, 20).map((r) => ({ key: keys[r.doc]!, score: r.score }));
    const got = index.search(q, 20);
    expect(got.map((g) => g.score)).toEqual(want.map((w) => expect.closeTo(w.score, 9)));
  });

  it('explains a hit as the sum of its terms', () => {
    const index = new InvertedIndex();
    [['cat', 'sat'], ['dog', 'sat', 'sat'], ['bird']].forEach((d, i) => index.add(i, d));
    const q = [{ term: 'sat', weight: 1 }, { term: 'dog', weight: 1 }];
    const [top] = index.search(q, 1);
    const parts = index.explain(q, top!.key);
    expect(top!.key).toBe(1);
    expect(parts.map((p) => p.term)).toEqual(['sat', 'dog']);
    expect(parts.reduce((s, p) => s + p.score, 0)).toBeCloseTo(top!.score, 12);
  });
});
