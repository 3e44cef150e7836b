import type { EvaluationRecord, EvaluationStats, EvaluationStore } from '../../learning/evaluation-store.js';
import type { SqliteDatabase } from './database.js';

export type { EvaluationRecord } from '../../learning/evaluation-store.js';

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

/** The EvaluationStore port on the `evaluations` table (migration 300). */
export class SqliteEvaluationStore implements EvaluationStore {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      upsert: db.prepare(
        `INSERT INTO evaluations (run_id, tenant_id, session_id, user_id, question, answer, auto_score, judge_reason, judge_model,
           quality, low_confidence, flagged, flag_reason, judged_at, rechecked_at)
         VALUES (@runId, @tenantId, @sessionId, @userId, @question, @answer, @autoScore, @judgeReason, @judgeModel,
           @quality, @low, @flagged, @flagReason, @judgedAt, @recheckedAt)
         ON CONFLICT (run_id) DO UPDATE SET auto_score = excluded.auto_score, judge_reason = excluded.judge_reason,
           judge_model = excluded.judge_model, quality = excluded.quality, low_confidence = excluded.low_confidence,
           flagged = excluded.flagged, flag_reason = excluded.flag_reason, rechecked_at = excluded.rechecked_at`,
      ),
      get: db.prepare('SELECT * FROM evaluations WHERE run_id = ?'),
      recheck: db.prepare(`SELECT * FROM evaluations WHERE judged_at >= ? AND flagged = 0 AND (low_confidence = 1 OR auto_score IS NULL) ORDER BY judged_at LIMIT CAST(? AS INTEGER)`),
      flagged: db.prepare('SELECT * FROM evaluations WHERE tenant_id = ? AND flagged = 1 ORDER BY judged_at DESC LIMIT CAST(? AS INTEGER)'),
      stats: db.prepare(
        `SELECT count(auto_score) AS scored, sum(auto_score IS NULL) AS unscored, sum(low_confidence) AS low, sum(flagged) AS flagged, avg(quality) AS mean
         FROM evaluations WHERE (? IS NULL OR tenant_id = ?)`,
      ),
      quality: db.prepare('SELECT quality, judged_at FROM evaluations WHERE tenant_id = ? AND judged_at >= ? AND quality IS NOT NULL'),
    };
  }

  async upsert(p: { evaluation: EvaluationRecord }): Promise<void> {
    const e = p.evaluation;
    this.q.upsert.run({ ...e, low: e.lowConfidence ? 1 : 0, flagged: e.flagged ? 1 : 0, flagReason: e.flagReason ?? null, recheckedAt: e.recheckedAt ?? null });
  }

  async get(p: { runId: string }): Promise<EvaluationRecord | null> {
    const r = this.q.get.get(p.runId) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  async candidatesForRecheck(p: { since: number; limit?: number }): Promise<EvaluationRecord[]> {
    return (this.q.recheck.all(p.since, p.limit ?? 500) as Row[]).map(toRecord);
  }

  async listFlagged(p: { tenantId: string; limit?: number }): Promise<EvaluationRecord[]> {
    return (this.q.flagged.all(p.tenantId, p.limit ?? 100) as Row[]).map(toRecord);
  }

  async stats(p: { tenantId?: string } = {}): Promise<EvaluationStats> {
    const t = p.tenantId ?? null;
    const r = this.q.stats.get(t, t) as { scored: number; unscored: number | null; low: number | null; flagged: number | null; mean: number | null };
    return { scored: r.scored, unscored: r.unscored ?? 0, low: r.low ?? 0, flagged: r.flagged ?? 0, meanQuality: r.mean };
  }

  async qualitySince(p: { tenantId: string; since: number }): Promise<Array<{ quality: number; judgedAt: number }>> {
    return (this.q.quality.all(p.tenantId, p.since) as Array<{ quality: number; judged_at: number }>).map((r) => ({ quality: r.quality, judgedAt: r.judged_at }));
  }
}
