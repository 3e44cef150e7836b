import { describe, expect, it } from 'vitest';
import type { SearchHit } from './knowledge-store.js';
import { fitToBudget, planRetrieval, questionComplexity } from './retrieval-plan.js';
import { estimateTokens } from '../util/tokens.js';

const hit = (i: number, words: number): SearchHit => ({
  docId: `d${i}`,
  chunkId: `c${i}`,
  sourceUri: `doc://${i}`,
  kind: 'document',
  text: Array.from({ length: words }, (_, w) => `word${i}x${w}`).join(' '),
  score: 1 - i / 100,
  rawScore: 1,
});

describe('adaptive retrieval plan', () => {
  it('a simple lookup keeps the configured top-k and lets a chunk use the whole budget', () => {
    expect(questionComplexity('What is the refund window?')).toBe(0);
    expect(planRetrieval('What is the refund window?', { topK: 5, contextTokens: 3000 })).toEqual({ topK: 5, budgetTokens: 3000, perChunkTokens: 3000, complexity: 0 });
  });

  it('multi-hop questions take more, smaller chunks within the same budget', () => {
    expect(questionComplexity('Which ships faster, Acme or Globex, and what does each charge?')).toBe(3);
    expect(questionComplexity('Compare the refund policy of Acme with that of Globex')).toBe(2);
    const plan = planRetrieval('Which ships faster, Acme or Globex, and what does each charge?', { topK: 4, contextTokens: 1200 });
    expect(plan.topK).toBe(10);
    expect(plan.perChunkTokens).toBe(120);
    const simple = planRetrieval('What is the refund window?', { topK: 4, contextTokens: 1200 });
    expect(plan.topK).toBeGreaterThan(simple.topK);
    expect(plan.perChunkTokens).toBeLessThan(simple.perChunkTokens);
    expect(planRetrieval('a and b or c vs d? e? compare Acme Globex', { topK: 50, contextTokens: 0 }).topK).toBe(50);
  });

  it('fitToBudget keeps rank order, trims to the per-chunk share and never exceeds the budget', () => {
    const hits = Array.from({ length: 10 }, (_, i) => hit(i, 200));
    const plan = planRetrieval('Compare Acme and Globex', { topK: 4, contextTokens: 600 });
    const fitted = fitToBudget(hits, plan);
    expect(fitted.map((h) => h.chunkId)).toEqual(hits.slice(0, fitted.length).map((h) => h.chunkId));
    expect(fitted.length).toBeGreaterThan(1);
    const total = fitted.reduce((n, h) => n + estimateTokens(h.text), 0);
    expect(total).toBeLessThanOrEqual(600);
    for (const h of fitted) expect(estimateTokens(h.text)).toBeLessThanOrEqual(plan.perChunkTokens);
    expect(fitted[0]!.text.endsWith(' …')).toBe(true);
  });

  it('an unbounded budget returns the hits untouched; a tiny budget still keeps the best hit', () => {
    const hits = [hit(0, 50), hit(1, 50)];
    expect(fitToBudget(hits, { budgetTokens: 0, perChunkTokens: 0 })).toBe(hits);
    const tiny = fitToBudget(hits, { budgetTokens: 10, perChunkTokens: 10 });
    expect(tiny.map((h) => h.chunkId)).toEqual(['c0']);
  });
});
