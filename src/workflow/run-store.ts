import type { TurnInput } from '../agent/turn.js';
import type { ErrorCode } from '../errors.js';
import type { Intent, PendingApproval, RunRecord, RunResult, RunStatus, StepRecord } from './types.js';

/**
 * The RunStore port: durable workflow state. SQLite is the embedded adapter; at scale Step
 * Functions keeps the execution history and DynamoDB holds approvals, the effect ledger and feedback.
 * Every write a crash could interrupt is one transaction, so a reader sees a run before or after a
 * checkpoint, never half of one.
 */

export interface NewRun extends TurnInput {
  currentState: string;
  createdAt: number;
  /** Create the run already leased to this engine, so it can execute it without a separate claim. */
  lease?: { owner: string; until: number };
}

export interface RunPatch {
  status?: RunStatus;
  currentState?: string;
  intent?: Intent;
  /** null clears a previous error. */
  error?: { code: ErrorCode; message: string } | null;
  /** null clears it (a paused run that resumes has no result yet). */
  result?: RunResult | null;
  attemptsDelta?: number;
  errorCountDelta?: number;
  /** Give the lease up in the same transaction (the run's last checkpoint before it parks or ends). */
  release?: boolean;
}

export interface RunLease {
  owner: string;
  until: number;
}

/** The effect ledger: one row per mutating tool call, keyed `runId:step:toolUseId`. */
export interface EffectRecord {
  key: string;
  runId: string;
  step: string;
  toolUseId: string;
  tool: string;
  status: 'started' | 'completed';
  /** The ToolOutcome (without the call), once completed. */
  result?: unknown;
  startedAt: number;
  completedAt?: number;
}

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

export interface RunStore {
  /** Insert a new run; false when the run id already exists (the caller decides what that means). */
  createRun(run: NewRun): Promise<boolean>;
  /** The run with its step records, oldest first. `tenantId` scopes the lookup when given. */
  getRun(params: { runId: string; tenantId?: string }): Promise<RunRecord | null>;
  getLease(params: { runId: string }): Promise<RunLease | null>;
  /**
   * Take the run's lease when it is free, ours, expired, or held by `takeOverFrom` (a holder the
   * caller proved dead). Returns the current holder when the claim fails.
   */
  claim(params: { runId: string; owner: string; now: number; until: number; takeOverFrom?: string }): Promise<{ claimed: boolean; holder?: RunLease }>;
  release(params: { runId: string; owner: string }): Promise<void>;
  /**
   * The checkpoint: append a step record (if any) and patch the run atomically, renewing the
   * lease. Throws CONFLICT when `owner` no longer holds the lease (a zombie must not write).
   *
   * Ordering: the engine issues a run's checkpoints (and its saveProgress calls) WITHOUT waiting
   * for the previous one to settle, and waits only at its durable points. An adapter must apply
   * one run's writes in call order, so what a crash leaves is always a prefix of them (SQLite: one
   * in-process write queue; a networked store: chain a run's writes, or batch them in order).
   */
  checkpoint(params: { runId: string; owner: string; step?: StepRecord; patch: RunPatch; now: number; leaseUntil: number }): Promise<void>;
  /** Run ids in the given statuses, oldest first (for recovery). */
  listRunIds(params: { statuses: RunStatus[]; limit?: number }): Promise<string[]>;
  /** The newest run of a session other than `excludeRunId`, or null. */
  latestRun(params: { tenantId: string; sessionId: string; excludeRunId?: string }): Promise<RunRecord | null>;
  /** A tenant's runs, newest first, optionally one user's or one session's; without their steps. */
  listRuns(params: { tenantId: string; userId?: string; sessionId?: string; limit: number }): Promise<RunRecord[]>;

  /** Mid-step progress (the Reason loop's history), so a resumed step continues, not restarts. */
  getProgress<T>(params: { runId: string; step: string }): Promise<T | null>;
  saveProgress(params: { runId: string; step: string; data: unknown; now: number }): Promise<void>;

  /** Insert approvals; rows whose (runId, toolUseId) already exist are kept as they are. */
  createApprovals(params: { approvals: PendingApproval[] }): Promise<void>;
  getApproval(params: { approvalId: string; tenantId?: string }): Promise<PendingApproval | null>;
  listApprovals(params: { tenantId?: string; userId?: string; status?: PendingApproval['status']; runId?: string; limit?: number }): Promise<PendingApproval[]>;
  /** Settle a pending approval; false when it was no longer pending (someone else decided first). */
  decideApproval(params: { approvalId: string; status: Exclude<PendingApproval['status'], 'pending'>; decidedBy: string; decisionReason?: string; decidedAt: number }): Promise<boolean>;
  /** Mark pending approvals past their expiry as expired; returns the rows changed. */
  expireApprovals(params: { now: number }): Promise<PendingApproval[]>;

  getEffect(params: { key: string }): Promise<EffectRecord | null>;
  /** Record "started" before running the call; false when a row for the key already exists. */
  beginEffect(params: { effect: Omit<EffectRecord, 'status' | 'result' | 'completedAt'> }): Promise<boolean>;
  completeEffect(params: { key: string; result: unknown; completedAt: number }): Promise<void>;

  /** Idempotent per feedback run. */
  recordFeedback(params: { feedback: FeedbackRecord }): Promise<void>;
  listFeedback(params: { tenantId: string; targetRunId?: string; limit?: number }): Promise<FeedbackRecord[]>;
}
