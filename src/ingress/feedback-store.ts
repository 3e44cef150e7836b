import { newId } from '../util/ids.js';
import type { SqliteDatabase } from '../stores/sqlite/database.js';

/**
 * Thumbs up/down on a run, written by POST /feedback and read by the evaluator, which merges it
 * with the judge's score. One rating per user per run; rating again replaces it.
 */
export interface Feedback {
  id: string;
  tenantId: string;
  runId: string;
  userId: string;
  rating: 'up' | 'down';
  comment?: string;
  createdAt: number;
  updatedAt: number;
}

export interface FeedbackStore {
  /** Insert, or replace this user's earlier rating of the run; `created` tells which. */
  put(params: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }>;
  /** Newest first; `since` (epoch ms, on updatedAt) lets a nightly job read only what is new. */
  list(params: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]>;
}

interface Row {
  id: string;
  tenant_id: string;
  run_id: string;
  user_id: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: number;
  updated_at: number;
}

const toFeedback = (r: Row): Feedback => ({
  id: r.id,
  tenantId: r.tenant_id,
  runId: r.run_id,
  userId: r.user_id,
  rating: r.rating,
  ...(r.comment !== null ? { comment: r.comment } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * SQLite adapter over the `feedback` table (migration 201). It lives beside the port rather than
 * in stores/sqlite/ only because of who owns which files; it imports nothing else of ingress.
 */
export class SqliteFeedbackStore implements FeedbackStore {
  private readonly q;

  constructor(db: SqliteDatabase, private readonly now: () => number = Date.now) {
    this.q = {
      upsert: db.prepare(`INSERT INTO feedback (id, tenant_id, run_id, user_id, rating, comment, created_at, updated_at)
        VALUES (@id, @tenant, @run, @user, @rating, @comment, @now, @now)
        ON CONFLICT (tenant_id, run_id, user_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, updated_at = excluded.updated_at
        RETURNING *`),
      list: db.prepare(`SELECT * FROM feedback
        WHERE (@tenant IS NULL OR tenant_id = @tenant) AND (@run IS NULL OR run_id = @run) AND updated_at >= @since
        ORDER BY updated_at DESC, id DESC LIMIT @limit`),
    };
  }

  async put(p: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }> {
    const id = newId('fb');
    const row = this.q.upsert.get({ id, tenant: p.tenantId, run: p.runId, user: p.userId, rating: p.rating, comment: p.comment ?? null, now: this.now() }) as Row;
    return { feedback: toFeedback(row), created: row.id === id };
  }

  async list(p: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]> {
    const rows = this.q.list.all({
      tenant: p.tenantId ?? null,
      run: p.runId ?? null,
      since: p.since ?? 0,
      limit: Math.max(1, Math.min(Math.floor(p.limit ?? 1000), 10_000)),
    }) as Row[];
    return rows.map(toFeedback);
  }
}
