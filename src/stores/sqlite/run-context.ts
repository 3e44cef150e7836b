import type { RunContextChunk } from '../../memory/knowledge-store.js';
import type { KnowledgeStatements } from './knowledge-statements.js';

/**
 * run_context: one row per (run, document) that reached the run's prompt (the trust model lowers
 * those learnings on a thumbs-down), with the chunks and their scores as a compact JSON list.
 */

/** Compact JSON form of a RunContextChunk inside run_context.chunks. */
interface StoredChunk {
  c: string;
  s: number;
  r: number;
  v: RunContextChunk['via'];
  k?: number;
}

/** Call inside a write transaction. Idempotent per (chunk, via). */
export function writeRunContext(q: KnowledgeStatements, p: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): void {
  for (const id of new Set([...p.docIds, ...(p.chunks ?? []).map((c) => c.docId)])) q.insertRunContext.run(p.tenantId, p.runId, id);
  if (!p.chunks?.length) return;
  const rows = q.runContextChunks.all(p.tenantId, p.runId) as Array<{ docId: string; chunks: string }>;
  for (const row of rows) {
    const add = p.chunks.filter((c) => c.docId === row.docId);
    if (add.length === 0) continue;
    // Keyed by (chunk, via): the same chunk from BuildContext and from search_knowledge is two facts.
    const kept = (JSON.parse(row.chunks) as StoredChunk[]).filter((o) => !add.some((c) => c.chunkId === o.c && c.via === o.v));
    const next = [...kept, ...add.map((c): StoredChunk => ({ c: c.chunkId, s: c.score, r: c.rawScore, v: c.via, ...(c.rank ? { k: c.rank } : {}) }))];
    q.setRunContextChunks.run(JSON.stringify(next), p.tenantId, p.runId, row.docId);
  }
}

/** BuildContext's chunks first, in prompt order, then search_knowledge's by their rank. */
export function readRunContextChunks(q: KnowledgeStatements, p: { tenantId: string; runId: string }): RunContextChunk[] {
  const rows = q.runContextChunks.all(p.tenantId, p.runId) as Array<{ docId: string; chunks: string }>;
  const out = rows.flatMap((row) =>
    (JSON.parse(row.chunks) as StoredChunk[]).map((c): RunContextChunk => ({ docId: row.docId, chunkId: c.c, score: c.s, rawScore: c.r, via: c.v, ...(c.k ? { rank: c.k } : {}) })),
  );
  return out.sort((a, b) => (a.via === b.via ? (a.rank ?? 0) - (b.rank ?? 0) : a.via === 'context' ? -1 : 1));
}
