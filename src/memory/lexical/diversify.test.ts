import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crowdByDocument, type DiversifyCandidate, mmrByDocument, xquadByTerms } from './diversify.js';

const c = (score: number, group: string, covers: string[] = []): DiversifyCandidate => ({ score, group, covers: new Set(covers) });
const cands = fc.array(fc.record({ score: fc.double({ min: 0, max: 20, noNaN: true }), group: fc.constantFrom('a', 'b', 'c'), covers: fc.uniqueArray(fc.constantFrom('p', 'q', 'r'), { maxLength: 3 }).map((x) => new Set(x)) }), { maxLength: 25 });
const aspects = [{ term: 'p', idf: 2 }, { term: 'q', idf: 1 }, { term: 'r', idf: 0.5 }];

describe('diversification (screened by the bench, not used by the stores)', () => {
  it('re-orders, never drops: each function returns a permutation of the candidates', () => {
    fc.assert(
      fc.property(cands, fc.integer({ min: 0, max: 30 }), (cs, k) => {
        for (const order of [mmrByDocument(cs, k), xquadByTerms(cs, aspects, k), crowdByDocument(cs, k)]) expect([...order].sort((x, y) => x - y)).toEqual(cs.map((_, i) => i));
      }),
      { numRuns: 200 },
    );
  });

  it('MMR with same-document similarity takes the best of another document before a second of the first', () => {
    expect(mmrByDocument([c(10, 'a'), c(9, 'a'), c(6, 'b')], 3)).toEqual([0, 2, 1]);
    // λ 0.5: any passage of another document comes before a second of the same one; λ 0.9 lets relevance win
    expect(mmrByDocument([c(10, 'a'), c(9, 'a'), c(4, 'b')], 2)).toEqual([0, 2, 1]);
    expect(mmrByDocument([c(10, 'a'), c(9, 'a'), c(4, 'b')], 2, 0.9)).toEqual([0, 1, 2]);
  });

  it('xQuAD prefers a unit covering a query term not covered yet, weighted by idf', () => {
    // After the best (covers p), q is the uncovered term: the unit holding it beats a higher-scored p unit.
    expect(xquadByTerms([c(10, 'a', ['p']), c(9, 'b', ['p']), c(8, 'c', ['q'])], aspects, 3)).toEqual([0, 2, 1]);
    // With λ 0 it is the input order.
    expect(xquadByTerms([c(10, 'a', ['p']), c(9, 'b', ['p']), c(8, 'c', ['q'])], aspects, 3, 0)).toEqual([0, 1, 2]);
  });

  it('host crowding keeps at most perGroup of one document in the top k, the rest after in order', () => {
    expect(crowdByDocument([c(9, 'a'), c(8, 'a'), c(7, 'a'), c(6, 'b'), c(5, 'a')], 3)).toEqual([0, 1, 3, 2, 4]);
  });
});
