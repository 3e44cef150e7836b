import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boostByGroup, proximityBonus, smoothWithNeighbours } from './rerank.js';
import { CHEAP_DEPTH, firstPassDepth, rerank, type RerankCandidate, RERANK_WEIGHTS, rerankDepth } from './rerank-stage.js';

const OFF = { neighbours: 0, document: 0, proximity: 0, window: 3 };
const c = (score: number, group: string, order: number, terms = 'x'): RerankCandidate => ({ score, group, order, terms: terms.split(' ') });

describe('the re-rank stage (neighbours, document evidence, proximity)', () => {
  it('lends a unit NEIGHBOUR_WEIGHT of its better adjacent unit of the same document, and nothing across documents', () => {
    const cands = [c(10, 'a', 1), c(2, 'a', 2), c(2, 'b', 2), c(2, 'a', 4)];
    const { parts } = rerank(cands, [], { ...OFF, neighbours: 0.3 });
    expect(parts.map((p) => p.neighbour)).toEqual([0.3 * 2, 0.3 * 10, 0, 0]);
    // a:2 (next to the strong a:1) now outranks the equal b:2 and a:4.
    const { order } = rerank(cands, [], { ...OFF, neighbours: 0.3 });
    expect(order).toEqual([0, 1, 2, 3]);
    expect(rerank([c(2, 'b', 2), c(2, 'a', 4), c(10, 'a', 1), c(2, 'a', 2)], [], { ...OFF, neighbours: 0.3 }).order).toEqual([2, 3, 0, 1]);
  });

  it("adds DOCUMENT_WEIGHT of the document's best candidate, so passages of the best-matching document rise together", () => {
    const cands = [c(5, 'a', 1), c(3, 'b', 1), c(2.5, 'a', 7)];
    const { parts, order } = rerank(cands, [], { ...OFF, document: 0.3 });
    [1.5, 0.9, 1.5].forEach((v, i) => expect(parts[i]!.document).toBeCloseTo(v, 12));
    expect(order).toEqual([0, 2, 1]); // 6.5, 4.0 (a:7 lifted above b:1), 3.9
  });

  it('gives a proximity bonus for query-term pairs within the window, worth the rarer idf × weight', () => {
    const q = [{ term: 'refund', idf: 2 }, { term: 'window', idf: 1 }];
    const near = c(1, 'a', 0, 'the refund window is thirty days');
    const far = c(1, 'b', 0, 'refund requests are handled in a separate window');
    const { parts, order } = rerank([far, near], q, { ...OFF, proximity: 0.5 });
    expect(parts.map((p) => p.proximity)).toEqual([0, 0.5]);
    expect(order).toEqual([1, 0]);
  });

  it('equals the bench composition: proximity, then neighbour smoothing, then document boost', () => {
    const cand = fc.record({ score: fc.double({ min: 0, max: 20, noNaN: true }), group: fc.constantFrom('a', 'b', 'c'), order: fc.integer({ min: 0, max: 6 }), terms: fc.array(fc.constantFrom('p', 'q', 'r', 's'), { maxLength: 12 }) });
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (x) => `${x.group}/${x.order}`, maxLength: 20 }), (cands) => {
        const q = [{ term: 'p', idf: 1.5 }, { term: 'q', idf: 0.7 }, { term: 's', idf: 2.1 }];
        const w = RERANK_WEIGHTS;
        const s1 = new Map(cands.map((x, i) => [i, x.score + proximityBonus(x.terms, q, w.window, w.proximity)]));
        const s2 = smoothWithNeighbours(s1, (i) => cands.flatMap((y, j) => (y.group === cands[i]!.group && Math.abs(y.order - cands[i]!.order) === 1 ? [j] : [])), w.neighbours);
        const s3 = boostByGroup(s2, (i) => cands[i]!.group, w.document);
        const { parts } = rerank(cands, q);
        parts.forEach((p, i) => expect(p.score).toBeCloseTo(s3.get(i)!, 9));
        parts.forEach((p) => expect(p.bm25 + p.proximity + p.neighbour + p.document).toBeCloseTo(p.score, 9));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: ties keep the first-pass order, the same input gives the same order, scores descend', () => {
    const cands = [c(1, 'a', 0), c(1, 'b', 0), c(1, 'c', 0)];
    expect(rerank(cands, []).order).toEqual([0, 1, 2]);
    const many = Array.from({ length: 30 }, (_, i) => c((i * 7) % 11, `g${i % 5}`, i % 4 === 0 ? i : i + 100, 'p q'));
    const once = rerank(many, [{ term: 'p', idf: 1 }, { term: 'q', idf: 1 }]);
    const twice = rerank(many, [{ term: 'p', idf: 1 }, { term: 'q', idf: 1 }]);
    expect(twice).toEqual(once);
    const scores = once.order.map((i) => once.parts[i]!.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('re-ranks at least the bench depth (100), or 4 × topK, with proximity; the cheap signals see the top 1,000', () => {
    expect(rerankDepth(5)).toBe(100);
    expect(rerankDepth(50)).toBe(200);
    expect(CHEAP_DEPTH).toBe(1000);
    expect(firstPassDepth(10)).toBe(1000);
    expect(firstPassDepth(100)).toBe(1000);
  });
});

describe('the two-stage re-rank (cheap signals deep, proximity over the top)', () => {
  const cand = fc.record({ score: fc.double({ min: 0, max: 20, noNaN: true }), group: fc.constantFrom('a', 'b', 'c', 'd'), order: fc.integer({ min: 0, max: 8 }), terms: fc.array(fc.constantFrom('p', 'q', 'r', 's'), { maxLength: 12 }) });
  const cands = fc.uniqueArray(cand, { selector: (x) => `${x.group}/${x.order}`, maxLength: 30 });
  const q = [{ term: 'p', idf: 1.5 }, { term: 'q', idf: 0.7 }, { term: 's', idf: 2.1 }];

  it('equals the one-stage formula when proximity reaches every candidate', () => {
    fc.assert(
      fc.property(cands, fc.integer({ min: 0, max: 10 }), (cs, extra) => {
        expect(rerank(cs, q, RERANK_WEIGHTS, { proximityDepth: cs.length + extra })).toEqual(rerank(cs, q));
      }),
      { numRuns: 200 },
    );
  });

  it('is the one-stage formula with proximity kept only for the top `proximityDepth` by the cheap score, and reads no other words', () => {
    fc.assert(
      fc.property(cands, fc.integer({ min: 0, max: 12 }), (cs, depth) => {
        const cheap = rerank(cs, q, { ...RERANK_WEIGHTS, proximity: 0 });
        const top = new Set(cheap.order.slice(0, depth));
        const expected = rerank(cs.map((c, i) => ({ ...c, terms: top.has(i) ? c.terms : [] })), q);
        const asked: number[] = [];
        const bare = cs.map(({ terms: _, ...c }) => c);
        const got = rerank(bare, q, RERANK_WEIGHTS, { proximityDepth: depth, proximityOf: (i) => (asked.push(i), { terms: cs[i]!.terms }) });
        expect(got.order).toEqual(expected.order);
        got.parts.forEach((p, i) => {
          expect(p.score).toBeCloseTo(expected.parts[i]!.score, 9);
          expect(p.bm25 + p.proximity + p.neighbour + p.document).toBeCloseTo(p.score, 9);
          if (!top.has(i)) expect(p.proximity).toBe(0);
        });
        expect(asked.length).toBeLessThanOrEqual(depth);
        expect(new Set(asked).size).toBe(asked.length);
        for (const i of asked) expect(top.has(i)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('lets a candidate below the proximity depth still lend to its neighbour and its document', () => {
    // Cheap scores: a:5 6.5, c:0 5.85, b:2 5.59, b:1 3.49; proximity for the top 2 only.
    const cs = [c(5, 'a', 5, 'p q'), c(4, 'b', 2, 'r'), c(1, 'b', 1, 'p q'), c(4.5, 'c', 0, 'r')];
    const { parts, order } = rerank(cs, q, RERANK_WEIGHTS, { proximityDepth: 2 });
    expect(parts[2]!.proximity).toBe(0); // b:1 holds the pair but is below the depth
    expect(parts[0]!.proximity).toBeCloseTo(0.5 * 0.7, 12);
    expect(parts[1]!.neighbour).toBeCloseTo(0.3 * 1, 12); // lent by b:1
    expect(parts[2]!.document).toBeCloseTo(0.3 * 4.3, 12);
    expect(order).toEqual([0, 3, 1, 2]);
  });
});
