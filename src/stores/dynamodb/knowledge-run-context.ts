import type { RunContextChunk } from '../../memory/knowledge-store.js';
import type { KnowledgeDb } from './knowledge-db.js';
import { pk } from './knowledge-items.js';

/**
 * Run context on DynamoDB: one item per (run, document) that reached the run's prompt, with the
 * chunks and their scores, in the order the documents were first recorded (`ord`).
 */
interface RunItem {
  pk: string;
  sk: string;
  ord: number;
  chunks: RunContextChunk[];
}

/** Idempotent per (run, document) and per (chunk, via). A run is written by one worker at a time. */
export async function writeRunContext(db: KnowledgeDb, p: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): Promise<void> {
  if (p.docIds.length === 0 && !p.chunks?.length) return;
  const key = pk.run(p.tenantId, p.runId);
  const existing = new Map((await db.query<RunItem>(key)).map((r) => [r.sk, r]));
  let ord = Math.max(0, ...[...existing.values()].map((r) => r.ord));
  const writes: RunItem[] = [];
  for (const docId of new Set([...p.docIds, ...(p.chunks ?? []).map((c) => c.docId)])) {
    const row = existing.get(docId) ?? { pk: key, sk: docId, ord: ++ord, chunks: [] };
    const add = (p.chunks ?? []).filter((c) => c.docId === docId);
    if (existing.has(docId) && add.length === 0) continue;
    // Keyed by (chunk, via): the same chunk from BuildContext and from search_knowledge is two facts.
    const kept = row.chunks.filter((o) => !add.some((c) => c.chunkId === o.chunkId && c.via === o.via));
    writes.push({ ...row, chunks: [...kept, ...add.map((c) => ({ ...c }))] });
  }
  await db.batch(writes as unknown as Array<Record<string, unknown>>);
}

export async function readRunContext(db: KnowledgeDb, p: { tenantId: string; runId: string }): Promise<string[]> {
  return (await db.query<RunItem>(pk.run(p.tenantId, p.runId))).sort((a, b) => a.ord - b.ord).map((r) => r.sk);
}

/** BuildContext's chunks first, in prompt order, then search_knowledge's by their rank. */
export async function readRunContextChunks(db: KnowledgeDb, p: { tenantId: string; runId: string }): Promise<RunContextChunk[]> {
  const rows = (await db.query<RunItem>(pk.run(p.tenantId, p.runId))).sort((a, b) => a.ord - b.ord);
  const out = rows.flatMap((r) => r.chunks.map((c) => ({ docId: r.sk, chunkId: c.chunkId, score: c.score, rawScore: c.rawScore, via: c.via, ...(c.rank ? { rank: c.rank } : {}) })));
  return out.sort((a, b) => (a.via === b.via ? (a.rank ?? 0) - (b.rank ?? 0) : a.via === 'context' ? -1 : 1));
}
