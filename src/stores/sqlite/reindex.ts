import { LoreError } from '../../errors.js';
import type { Embedder } from '../../memory/embedder.js';
import type { SqliteDatabase } from './database.js';
import { encodeVector } from './vectors.js';

/** Searchable chunks (active, or pending for their owner) whose vector is missing, from another model, or of another size. */
const STALE = `FROM chunks c JOIN documents d ON d.id = c.doc_id
  WHERE d.status IN ('active', 'pending')
    AND (c.embedding IS NULL OR c.embedding_model IS NOT @model OR length(c.embedding) != @bytes)`;

export interface ReindexProgress {
  done: number;
  total: number;
}

export interface ReindexResult {
  embedded: number;
  /** Searchable chunks in the index, and how many now carry a vector of the current model. */
  chunks: number;
  current: number;
}

/** How many searchable chunks lack a vector of this embedder (model and size), of how many. */
export function vectorCoverage(db: SqliteDatabase, embedder: Embedder): { chunks: number; stale: number } {
  const p = { model: embedder.modelId, bytes: embedder.dimensions * 4 };
  const chunks = db.prepare(`SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.status IN ('active', 'pending')`).pluck().get() as number;
  return { chunks, stale: db.prepare(`SELECT count(*) ${STALE}`).pluck().get(p) as number };
}

/**
 * Embeds every searchable chunk lacking a vector of the configured embedder, `batch` texts per
 * call, committing each batch: an interrupted run loses at most one batch and the next run picks
 * up where it stopped (it selects what is still missing). `all` first drops this model's vectors,
 * so a model whose output changed under the same name is redone; until the run finishes, chunks
 * without a vector are found by BM25 alone.
 */
export async function reindexVectors(
  db: SqliteDatabase,
  embedder: Embedder,
  opts: { batch?: number; all?: boolean; signal?: AbortSignal; onProgress?: (p: ReindexProgress) => void } = {},
): Promise<ReindexResult> {
  const batch = Math.max(1, Math.min(opts.batch ?? 32, 2048));
  const p = { model: embedder.modelId, bytes: embedder.dimensions * 4 };
  if (opts.all) db.prepare('UPDATE chunks SET embedding = NULL, embedding_model = NULL WHERE embedding_model = ?').run(embedder.modelId);
  const total = db.prepare(`SELECT count(*) ${STALE}`).pluck().get(p) as number;
  const next = db.prepare(`SELECT c.seq, c.text ${STALE} AND c.seq > @after ORDER BY c.seq LIMIT CAST(@limit AS INTEGER)`);
  const write = db.prepare('UPDATE chunks SET embedding = ?, embedding_model = ? WHERE seq = ?');
  let done = 0;
  let after = 0;
  opts.onProgress?.({ done, total });
  for (;;) {
    if (opts.signal?.aborted) throw new LoreError('ABORTED', `reindex interrupted after ${done} of ${total} chunks; run it again to continue`);
    const rows = next.all({ ...p, after, limit: batch }) as Array<{ seq: number; text: string }>;
    if (rows.length === 0) break;
    const vectors = await embedder.embed(rows.map((r) => r.text), opts.signal ? { signal: opts.signal } : undefined);
    if (vectors.length !== rows.length || vectors.some((v) => v.length !== embedder.dimensions)) {
      throw new LoreError('MODEL_BAD_RESPONSE', `embedder ${embedder.modelId} returned ${vectors.length} vectors of ${vectors[0]?.length ?? 0} dimensions for ${rows.length} texts; expected ${embedder.dimensions} (check memory.embedderDimensions)`);
    }
    db.transaction(() => rows.forEach((r, i) => write.run(encodeVector(vectors[i]!), embedder.modelId, r.seq)))();
    done += rows.length;
    after = rows.at(-1)!.seq;
    opts.onProgress?.({ done, total });
  }
  const cov = vectorCoverage(db, embedder);
  return { embedded: done, chunks: cov.chunks, current: cov.chunks - cov.stale };
}
