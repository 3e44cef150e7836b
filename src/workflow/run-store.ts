import type { TurnInput } from '../agent/turn.js';
import type { ErrorCode } from '../errors.js';
import type { Intent, RunRecord, RunResult, RunStatus, StepRecord } from './types.js';

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

// Moved to their own ports; re-exported so existing imports keep working.
export type { EffectRecord } from './effect-ledger.js';
export type { FeedbackRecord } from '../learning/feedback-store.js';
export type { ApprovalStore } from './approval-store.js';
export type { EffectLedger } from './effect-ledger.js';
export type { WorkflowStore } from './workflow-store.js';

/**
 * Runs, their leases, mid-step progress and the checkpoint. Approvals, the effect ledger and
 * feedback are separate ports (approval-store.ts, effect-ledger.ts, learning/feedback-store.ts):
 * an adapter may implement several, and the engine takes them as one `WorkflowStore`.
 */
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
}
