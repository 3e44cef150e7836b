import type { SqliteDatabase } from './database.js';

export interface EvaluationRecord {
  runId: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  question: string;
  answer: string;
  autoScore: number | null;
  judgeReason: string;
  judgeModel: string;
  quality: number | null;
  lowConfidence: boolean;
  flagged: boolean;
  flagReason?: string;
  judgedAt: number;
  recheckedAt?: number;
}

interface Row {
  run_id: string;
  tenant_id: string;
  session_id: string;
  user_id: string;
  question: string;
  answer: string;
  auto_score: number | null;
  judge_reason: string;
  judge_model: string;
  quality: number | null;
  low_confidence: number;
  flagged: number;
  flag_reason: string | null;
  judged_at: number;
  rechecked_at: number | null;
}

const toRecord = (r: Row): EvaluationRecord => ({
  runId: r.run_id,
  tenantId: r.tenant_id,
  sessionId: r.session_id,
  userId: r.user_id,
  question: r.question,
  answer: r.answer,
  autoScore: r.auto_score,
  judgeReason: r.judge_reason,
  judgeModel: r.judge_model,
  quality: r.quality,
  lowConfidence: r.low_confidence === 1,
  flagged: r.flagged === 1,
  ...(r.flag_reason ? { flagReason: r.flag_reason } : {}),
  judgedAt: r.judged_at,
  ...(r.rechecked_at ? { recheckedAt: r.rechecked_at } : {}),
});

/** Judge scores and review flags per run, plus the thumbs from the feedback table. */
export class SqliteEvaluationStore {
  constructor(private readonly db: SqliteDatabase) {}

  upsert(e: EvaluationRecord): void {
    this.db
      .prepare(
        `INSERT INTO evaluations (run_id, tenant_id, session_id, user_id, question, answer, auto_score, judge_reason, judge_model,
           quality, low_confidence, flagged, flag_reason, judged_at, rechecked_at)
         VALUES (@runId, @tenantId, @sessionId, @userId, @question, @answer, @autoScore, @judgeReason, @judgeModel,
           @quality, @low, @flagged, @flagReason, @judgedAt, @recheckedAt)
         ON CONFLICT (run_id) DO UPDATE SET auto_score = excluded.auto_score, judge_reason = excluded.judge_reason,
           judge_model = excluded.judge_model, quality = excluded.quality, low_confidence = excluded.low_confidence,
           flagged = excluded.flagged, flag_reason = excluded.flag_reason, rechecked_at = excluded.rechecked_at`,
      )
      .run({ ...e, low: e.lowConfidence ? 1 : 0, flagged: e.flagged ? 1 : 0, flagReason: e.flagReason ?? null, recheckedAt: e.recheckedAt ?? null });
  }

  get(runId: string): EvaluationRecord | null {
    const r = this.db.prepare('SELECT * FROM evaluations WHERE run_id = ?').get(runId) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /**
   * Thumbs for a run, as counts: explicit ratings (POST /feedback) plus feedback the user typed
   * into the chat ("that was wrong"), which the workflow's feedback path stores with a sentiment.
   */
  thumbs(tenantId: string, runId: string): { up: number; down: number } {
    const r = this.db
      .prepare(
        `SELECT sum(rating = 'up') AS up, sum(rating = 'down') AS down FROM (
           SELECT rating FROM feedback WHERE tenant_id = @t AND run_id = @r
           UNION ALL
           SELECT CASE sentiment WHEN 'positive' THEN 'up' WHEN 'negative' THEN 'down' END
             FROM workflow_feedback WHERE tenant_id = @t AND target_run_id = @r)`,
      )
      .get({ t: tenantId, r: runId }) as { up: number | null; down: number | null };
    return { up: r.up ?? 0, down: r.down ?? 0 };
  }

  /** Evaluations the nightly job should re-check: low quality or unscored, judged since `since`. */
  candidatesForRecheck(since: number, limit = 500): EvaluationRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM evaluations WHERE judged_at >= ? AND flagged = 0 AND (low_confidence = 1 OR auto_score IS NULL) ORDER BY judged_at LIMIT ?`)
        .all(since, limit) as Row[]
    ).map(toRecord);
  }

  /** The run a chat-feedback run was about, if any. */
  feedbackTarget(feedbackRunId: string): string | null {
    const r = this.db.prepare('SELECT target_run_id FROM workflow_feedback WHERE run_id = ?').get(feedbackRunId) as { target_run_id: string | null } | undefined;
    return r?.target_run_id ?? null;
  }

  /** Runs with feedback that changed since `since`, for re-merging quality. */
  runsWithFeedbackSince(since: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT run_id FROM feedback WHERE updated_at >= @s
           UNION SELECT target_run_id FROM workflow_feedback WHERE created_at >= @s AND target_run_id IS NOT NULL`,
        )
        .all({ s: since }) as Array<{ run_id: string }>
    ).map((r) => r.run_id);
  }

  listFlagged(tenantId: string, limit = 100): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations WHERE tenant_id = ? AND flagged = 1 ORDER BY judged_at DESC LIMIT ?').all(tenantId, limit) as Row[]).map(toRecord);
  }

  stats(tenantId?: string): { scored: number; unscored: number; low: number; flagged: number; meanQuality: number | null } {
    const r = this.db
      .prepare(
        `SELECT count(auto_score) AS scored, sum(auto_score IS NULL) AS unscored, sum(low_confidence) AS low, sum(flagged) AS flagged, avg(quality) AS mean
         FROM evaluations WHERE (? IS NULL OR tenant_id = ?)`,
      )
      .get(tenantId ?? null, tenantId ?? null) as { scored: number; unscored: number | null; low: number | null; flagged: number | null; mean: number | null };
    return { scored: r.scored, unscored: r.unscored ?? 0, low: r.low ?? 0, flagged: r.flagged ?? 0, meanQuality: r.mean };
  }
}
