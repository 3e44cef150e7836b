import { describe, expect, it } from 'vitest';
import { firstPassDepth, rerank, rerankDepth, RERANK_WEIGHTS } from '../../src/memory/lexical/rerank-stage.js';
import { Bm25Index, bm25QueryTerms, tokenize } from '../../src/stores/dynamodb/knowledge-bm25.js';
import type { KnowledgeDb } from '../../src/stores/dynamodb/knowledge-db.js';
import { KnowledgeIndex, type TenantIndex } from '../../src/stores/dynamodb/knowledge-index.js';
import type { ChunkItem, DocItem } from '../../src/stores/dynamodb/knowledge-items.js';

/**
 * The DynamoDB (and Bedrock KB) knowledge search re-ranks with the two-stage stage the SQLite
 * store uses: neighbours and document evidence over the first-pass top firstPassDepth, proximity
 * over the top rerankDepth of that. Checked on a tenant index built in memory (the ranking reads
 * nothing from the table); the adapter's reads are covered by the contract suites.
 */
function tenant(docs: Array<{ id: string; paragraphs: string[] }>): TenantIndex {
  const ix: TenantIndex = { version: 1, docs: new Map(), chunks: new Map(), bm25: new Bm25Index<string>(), sups: new Map() };
  for (const d of docs) {
    const chunkIds = d.paragraphs.map((_, i) => `${d.id}#${i}`);
    ix.docs.set(d.id, { id: d.id, sourceUri: `kb://${d.id}`, kind: 'document', status: 'active', text: d.paragraphs.join('\n\n'), chunkIds } as unknown as DocItem);
    d.paragraphs.forEach((text, idx) => {
      ix.chunks.set(chunkIds[idx]!, { sk: chunkIds[idx]!, docId: d.id, idx, text } as ChunkItem);
      ix.bm25.add(chunkIds[idx]!, text);
    });
  }
  return ix;
}

const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 37} note${i % 11}`).join(' ');

describe('DynamoDB knowledge search: the two-stage re-rank', () => {
  // 150 short "staging" chunks outrank the target's second paragraph (one "staging" in a long
  // text), which lands below the proximity depth; 300 unrelated chunks keep the idf positive.
  const docs = [
    { id: 'target', paragraphs: ['orion', `${filler(80)} staging ${filler(80)}`] },
    ...Array.from({ length: 150 }, (_, i) => ({ id: `f${i}`, paragraphs: [`staging host ${i}`] })),
    ...Array.from({ length: 300 }, (_, i) => ({ id: `u${i}`, paragraphs: [`unrelated text ${i} ${filler(5)}`] })),
  ];
  const ix = tenant(docs);
  const index = new KnowledgeIndex({} as KnowledgeDb);
  const terms = bm25QueryTerms('orion staging');
  const topK = 5;

  it('lets a neighbour below the proximity depth (but within the first pass) lend its score', () => {
    const candidates = index.candidates(ix, terms, null, undefined, undefined, firstPassDepth(topK));
    const second = candidates.findIndex((c) => c.chunkId === 'target#1');
    expect(second).toBeGreaterThanOrEqual(rerankDepth(topK)); // beyond the one-stage pool
    const ranked = index.rerank(ix, candidates, terms, topK);
    const top = ranked[0]!;
    expect(top.chunkId).toBe('target#0');
    expect(top.parts!.neighbour).toBeCloseTo(RERANK_WEIGHTS.neighbours * candidates[second]!.raw, 9);
    // The one-stage pool (top rerankDepth) would have lent nothing.
    const oneStage = index.rerank(ix, candidates.slice(0, rerankDepth(topK)), terms, topK);
    expect(oneStage.find((c) => c.chunkId === 'target#0')!.parts!.neighbour).toBe(0);
  });

  it('equals the stage applied the plain way: cheap scores over every candidate, proximity for their top rerankDepth', () => {
    for (const query of ['orion staging', 'staging host', 'unrelated text note3', 'word5 note2 staging']) {
      const t = bm25QueryTerms(query);
      const candidates = index.candidates(ix, t, null, undefined, undefined, firstPassDepth(topK));
      const qi = [...new Set(t)].map((term) => ({ term, idf: ix.bm25.idf(term) }));
      const base = candidates.map((c) => ({ score: c.raw, group: c.doc.id, order: ix.chunks.get(c.chunkId)!.idx }));
      const cheap = rerank(base, qi, { ...RERANK_WEIGHTS, proximity: 0 });
      const near = new Set(cheap.order.slice(0, rerankDepth(topK)));
      const expected = rerank(base.map((b, i) => ({ ...b, terms: near.has(i) ? tokenize(candidates[i]!.text) : [] })), qi);
      const got = index.rerank(ix, candidates, t, topK);
      expect(got.map((c) => c.chunkId)).toEqual(expected.order.map((i) => candidates[i]!.chunkId));
      got.forEach((c, r) => expect(c.raw).toBeCloseTo(expected.parts[expected.order[r]!]!.score, 9));
    }
  });
});
