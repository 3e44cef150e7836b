import type { Feedback, FeedbackRecord, FeedbackStore } from '../../learning/feedback-store.js';
import { newId } from '../../util/ids.js';
import type { SqliteDatabase } from './database.js';

interface Row {
  id: string;
  kind: 'rating' | 'message';
  tenant_id: string;
  user_id: string;
  run_id: string;
  target_run_id: string | null;
  session_id: string | null;
  rating: 'up' | 'down' | null;
  sentiment: FeedbackRecord['sentiment'] | null;
  comment: string | null;
  created_at: number;
  updated_at: number;
}

const ratingOf = (r: Row): Feedback => ({
  id: r.id,
  tenantId: r.tenant_id,
  runId: r.run_id,
  userId: r.user_id,
  rating: r.rating!,
  ...(r.comment !== null ? { comment: r.comment } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const messageOf = (r: Row): FeedbackRecord => ({
  feedbackId: r.id,
  tenantId: r.tenant_id,
  sessionId: r.session_id ?? '',
  userId: r.user_id,
  runId: r.run_id,
  targetRunId: r.target_run_id,
  message: r.comment ?? '',
  sentiment: r.sentiment ?? 'neutral',
  createdAt: r.created_at,
});

const THUMB = { positive: 'up', negative: 'down', neutral: null } as const;

/** The FeedbackStore port on the one `feedback` table (migration 900): ratings and chat feedback. */
export class SqliteFeedbackStore implements FeedbackStore {
  private readonly q;

  constructor(db: SqliteDatabase, private readonly now: () => number = Date.now) {
    this.q = {
      upsert: db.prepare(`INSERT INTO feedback (id, kind, tenant_id, user_id, run_id, target_run_id, rating, comment, created_at, updated_at)
        VALUES (@id, 'rating', @tenant, @user, @run, @run, @rating, @comment, @now, @now)
        ON CONFLICT (tenant_id, run_id, user_id) WHERE kind = 'rating'
        DO UPDATE SET rating = excluded.rating, comment = excluded.comment, updated_at = excluded.updated_at
        RETURNING *`),
      list: db.prepare(`SELECT * FROM feedback
        WHERE kind = 'rating' AND (@tenant IS NULL OR tenant_id = @tenant) AND (@run IS NULL OR run_id = @run) AND updated_at >= @since
        ORDER BY updated_at DESC, id DESC LIMIT CAST(@limit AS INTEGER)`),
      // ON CONFLICT DO NOTHING: a re-run of the feedback step records its message once.
      record: db.prepare(`INSERT INTO feedback (id, kind, tenant_id, user_id, run_id, target_run_id, session_id, rating, sentiment, comment, created_at, updated_at)
        VALUES (@id, 'message', @tenant, @user, @run, @target, @session, @rating, @sentiment, @message, @at, @at)
        ON CONFLICT DO NOTHING`),
      listMessages: db.prepare(`SELECT * FROM feedback WHERE kind = 'message' AND tenant_id = @tenant AND (@target IS NULL OR target_run_id = @target)
        ORDER BY created_at DESC, id DESC LIMIT CAST(@limit AS INTEGER)`),
      thumbs: db.prepare(`SELECT sum(rating = 'up') AS up, sum(rating = 'down') AS down FROM feedback WHERE tenant_id = @tenant AND target_run_id = @run`),
      target: db.prepare(`SELECT target_run_id FROM feedback WHERE kind = 'message' AND run_id = ?`).pluck(),
      since: db.prepare(`SELECT DISTINCT target_run_id FROM feedback WHERE updated_at >= ? AND target_run_id IS NOT NULL`).pluck(),
    };
  }

  async put(p: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }> {
    const id = newId('fb');
    const row = this.q.upsert.get({ id, tenant: p.tenantId, run: p.runId, user: p.userId, rating: p.rating, comment: p.comment ?? null, now: this.now() }) as Row;
    return { feedback: ratingOf(row), created: row.id === id };
  }

  async list(p: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]> {
    const rows = this.q.list.all({
      tenant: p.tenantId ?? null,
      run: p.runId ?? null,
      since: p.since ?? 0,
      limit: Math.max(1, Math.min(Math.floor(p.limit ?? 1000), 10_000)),
    }) as Row[];
    return rows.map(ratingOf);
  }

  async recordFeedback(p: { feedback: FeedbackRecord }): Promise<void> {
    const f = p.feedback;
    this.q.record.run({
      id: f.feedbackId,
      tenant: f.tenantId,
      user: f.userId,
      run: f.runId,
      target: f.targetRunId,
      session: f.sessionId,
      rating: THUMB[f.sentiment],
      sentiment: f.sentiment,
      message: f.message,
      at: f.createdAt,
    });
  }

  async listFeedback(p: { tenantId: string; targetRunId?: string; limit?: number }): Promise<FeedbackRecord[]> {
    return (this.q.listMessages.all({ tenant: p.tenantId, target: p.targetRunId ?? null, limit: p.limit ?? 100 }) as Row[]).map(messageOf);
  }

  async thumbs(p: { tenantId: string; runId: string }): Promise<{ up: number; down: number }> {
    const r = this.q.thumbs.get({ tenant: p.tenantId, run: p.runId }) as { up: number | null; down: number | null };
    return { up: r.up ?? 0, down: r.down ?? 0 };
  }

  async feedbackTarget(p: { runId: string }): Promise<string | null> {
    return (this.q.target.get(p.runId) as string | null | undefined) ?? null;
  }

  async runsWithFeedbackSince(p: { since: number }): Promise<string[]> {
    return this.q.since.all(p.since) as string[];
  }
}
