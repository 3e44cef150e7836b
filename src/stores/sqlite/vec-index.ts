import type { SqliteDatabase } from './database.js';

/**
 * Nearest chunks through a sqlite-vec `vec0` index (exact KNN in C over float32, cosine) instead
 * of decoding every vector in JavaScript. One index per database, for one embedder (model + size,
 * in vec_meta): a change of model or size rebuilds it from the stored vectors. Rows are keyed by
 * chunk seq; the tenant/status/viewer/kind filters are applied after the KNN on a widened k, so
 * what a viewer may see is decided by the same SQL as everywhere else.
 */

/** sqlite-vec caps k per KNN query. Past it the caller falls back to the exact JS scan. */
const MAX_K = 4096;

export interface VecScope {
  tenant: string;
  kinds: string | null;
  viewer: string | null;
}

export class VecIndex {
  private constructor(
    private readonly db: SqliteDatabase,
    private readonly model: string,
    private readonly dims: number,
    private readonly inScope: (seqs: number[], scope: VecScope) => Map<number, string>,
  ) {}

  /** Loads the extension into this connection; null when it cannot (unsupported platform, missing binary). */
  static async open(db: SqliteDatabase, model: string, dims: number, inScope: (seqs: number[], scope: VecScope) => Map<number, string>): Promise<VecIndex> {
    const vec = await import('sqlite-vec');
    vec.load(db as unknown as Parameters<typeof vec.load>[0]);
    const index = new VecIndex(db, model, dims, inScope);
    index.sync();
    return index;
  }

  /** Brings the index up to date: rebuild on a model/size change, else apply the noted changes. */
  sync(): void {
    const db = this.db;
    const p = { model: this.model, bytes: this.dims * 4 };
    const meta = db.prepare('SELECT model, dims FROM vec_meta WHERE id = 1').get() as { model: string; dims: number } | undefined;
    if (!meta || meta.model !== this.model || meta.dims !== this.dims) {
      db.transaction(() => {
        db.exec('DROP TABLE IF EXISTS vec_chunks');
        db.exec(`CREATE VIRTUAL TABLE vec_chunks USING vec0(embedding float[${this.dims}] distance_metric=cosine)`);
        db.prepare('INSERT OR REPLACE INTO vec_meta (id, model, dims) VALUES (1, ?, ?)').run(this.model, this.dims);
        db.exec('DELETE FROM vec_pending');
        db.prepare('INSERT INTO vec_chunks (rowid, embedding) SELECT seq, embedding FROM chunks WHERE embedding_model = @model AND length(embedding) = @bytes').run(p);
      }).immediate();
      return;
    }
    if (!db.prepare('SELECT EXISTS (SELECT 1 FROM vec_pending)').pluck().get()) return;
    db.transaction(() => {
      const seqs = db.prepare('SELECT seq FROM vec_pending').pluck().all() as number[];
      const del = db.prepare('DELETE FROM vec_chunks WHERE rowid = ?');
      for (const s of seqs) del.run(BigInt(s));
      db.prepare(`INSERT INTO vec_chunks (rowid, embedding) SELECT c.seq, c.embedding FROM vec_pending v JOIN chunks c ON c.seq = v.seq
        WHERE c.embedding_model = @model AND length(c.embedding) = @bytes`).run(p);
      db.exec('DELETE FROM vec_pending');
    }).immediate();
  }

  /**
   * Up to `pool` chunk ids in scope by descending cosine similarity (> 0, like the JS scan), or
   * null when the widest allowed k still leaves the pool short while more vectors exist.
   */
  nearest(q: Float32Array, scope: VecScope, pool: number): string[] | null {
    this.sync();
    const total = this.db.prepare('SELECT count(*) FROM vec_chunks').pluck().get() as number;
    const knn = this.db.prepare('SELECT rowid AS seq, distance FROM vec_chunks WHERE embedding MATCH ? AND k = ?');
    for (let k = Math.min(Math.max(pool * 4, 64), MAX_K); ; k = Math.min(k * 4, MAX_K)) {
      const rows = knn.all(q, Math.min(k, Math.max(total, 1))) as Array<{ seq: number; distance: number }>;
      const ok = this.inScope(rows.map((r) => r.seq), scope);
      const out: string[] = [];
      for (const r of rows) {
        if (1 - r.distance <= 0) break; // sorted by distance: the rest are no closer
        const id = ok.get(r.seq);
        if (id) out.push(id);
        if (out.length >= pool) return out;
      }
      if (rows.length >= total || (rows.length > 0 && 1 - rows.at(-1)!.distance <= 0)) return out;
      if (k >= MAX_K) return null;
    }
  }
}
