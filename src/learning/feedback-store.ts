/**
 * The feedback port: what people said about a run, in one store with two ways in.
 * - A rating (POST /feedback, thumbs up/down): one per user per run; rating again replaces it.
 * - A chat message classified as feedback ("that was wrong"): recorded by the workflow's feedback
 *   step with a sentiment, about the session's previous run; idempotent per feedback run.
 * The evaluator folds both into a run's quality. Consistency promised by every adapter: `put` is
 * an upsert keyed (tenant, run, user) and `recordFeedback` is idempotent per `runId`, so retries
 * and re-runs never double-count; reads see every acknowledged write.
 */

/** A thumbs up/down on a run. */
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

/** Feedback typed into the chat, with the run it was about. */
export interface FeedbackRecord {
  feedbackId: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  /** The run that carried the feedback message (unique: a re-run records it once). */
  runId: string;
  /** The session's latest earlier run, which the feedback is about. */
  targetRunId: string | null;
  message: string;
  sentiment: 'positive' | 'negative' | 'neutral';
  createdAt: number;
}

export interface FeedbackStore extends FeedbackReads {
  /** Insert, or replace this user's earlier rating of the run; `created` tells which. */
  put(params: { tenantId: string; runId: string; userId: string; rating: 'up' | 'down'; comment?: string }): Promise<{ feedback: Feedback; created: boolean }>;
  /** Ratings, newest first; `since` (epoch ms, on updatedAt) lets a nightly job read only what is new. */
  list(params: { tenantId?: string; runId?: string; since?: number; limit?: number }): Promise<Feedback[]>;
  /** Idempotent per feedback run. */
  recordFeedback(params: { feedback: FeedbackRecord }): Promise<void>;
  listFeedback(params: { tenantId: string; targetRunId?: string; limit?: number }): Promise<FeedbackRecord[]>;
}

/** What the evaluator reads back from the feedback store to merge thumbs into quality. */
export interface FeedbackReads {
  /**
   * Thumbs about a run, as counts: ratings of it plus chat feedback whose target it is
   * (positive = up, negative = down, neutral counts as neither).
   */
  thumbs(params: { tenantId: string; runId: string }): Promise<{ up: number; down: number }>;
  /** The run a chat-feedback run was about, if any. */
  feedbackTarget(params: { runId: string }): Promise<string | null>;
  /** Runs whose feedback changed since `since` (ratings by update, chat feedback by creation). */
  runsWithFeedbackSince(params: { since: number }): Promise<string[]>;
}
