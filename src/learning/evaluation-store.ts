/**
 * The evaluation port: the judge's score, the merged quality and the review flag of each judged
 * run. Consistency promised by every adapter: one record per run (upsert keyed by runId, the
 * first `judgedAt` is kept by the caller), and a read after an acknowledged write sees it.
 * Thumbs are read from the FeedbackStore, not here.
 */
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

export interface EvaluationStats {
  scored: number;
  unscored: number;
  low: number;
  flagged: number;
  meanQuality: number | null;
}

export interface EvaluationStore {
  /** Insert or replace the run's record (the judge's fields, quality, flag and recheck time). */
  upsert(params: { evaluation: EvaluationRecord }): Promise<void>;
  get(params: { runId: string }): Promise<EvaluationRecord | null>;
  /** Unflagged records judged since `since` that are low-confidence or unscored, oldest first. */
  candidatesForRecheck(params: { since: number; limit?: number }): Promise<EvaluationRecord[]>;
  /** A tenant's flagged records, newest first. */
  listFlagged(params: { tenantId: string; limit?: number }): Promise<EvaluationRecord[]>;
  /** Counts over a tenant's records (all tenants without one). */
  stats(params: { tenantId?: string }): Promise<EvaluationStats>;
  /** Quality of a tenant's records judged since `since` (the console's time series). */
  qualitySince(params: { tenantId: string; since: number }): Promise<Array<{ quality: number; judgedAt: number }>>;
}
