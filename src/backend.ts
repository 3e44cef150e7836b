import type { UsageLedger } from './learning/budget.js';
import type { EvaluationStore } from './learning/evaluation-store.js';
import type { FeedbackStore } from './learning/feedback-store.js';
import type { Queue } from './jobs/queue.js';
import type { Embedder } from './memory/embedder.js';
import type { KnowledgeStore } from './memory/knowledge-store.js';
import type { MemoryStore } from './memory/memory-store.js';
import type { SessionStore } from './memory/session-store.js';
import type { StorageHealth, StorageHealthOptions } from './storage-faults.js';
import type { StatsSource } from './telemetry/stats-source.js';
import type { ApprovalStore } from './workflow/approval-store.js';
import type { EffectLedger } from './workflow/effect-ledger.js';
import type { RunStore } from './workflow/run-store.js';

/**
 * The storage port bundle: one backend (SQLite on one machine, DynamoDB + SQS on AWS) hands the
 * service every store it needs. Nothing outside src/stores/ constructs an adapter; the service is
 * assembled from a Backend (src/server.ts), so switching backends is one config value (LORE_STORE).
 * The consistency each port promises is written on the port and in docs/decisions.md.
 */
export interface Backend {
  /** 'sqlite', 'dynamodb', …: for logs and /health. */
  readonly kind: string;
  sessions: SessionStore;
  memory: MemoryStore;
  knowledge: KnowledgeStore;
  runs: RunStore;
  approvals: ApprovalStore;
  effects: EffectLedger;
  feedback: FeedbackStore;
  evaluations: EvaluationStore;
  /** Token usage for budgets (read from the runs' recorded results). */
  usage: UsageLedger;
  /** Raw figures for `lore stats` and the console's charts. */
  stats: StatsSource;
  /** A named queue (at-least-once, visibility timeout, DLQ after maxReceiveCount receives). */
  queue<T>(options: QueueOptions<T>): Queue<T>;
  /**
   * Sessions gone quiet whose turns are still live and whose summary does not cover their last
   * turn yet (the scheduler gives them a final summary). Optional: a backend without it skips that job.
   */
  idleSessions?(params: { now: number; idleSeconds: number; limit?: number }): Promise<Array<{ tenantId: string; sessionId: string; userId: string }>>;
  /**
   * Retention: delete up to `limit` runs that COMPLETED or FAILED and were created before
   * `createdBefore`, with their steps, progress, effects, decided approvals and context records
   * (turns, feedback and evaluations have their own lifetimes). Returns how many runs went; the
   * caller repeats while it equals `limit`. Optional: a backend without it keeps runs forever.
   */
  purgeFinishedRuns?(params: { createdBefore: number; limit: number }): Promise<number>;
  /**
   * Erase one user's data across every store (GDPR; README "Governance"): turns, runs, feedback,
   * evaluations, memory, their learnings. Optional: a backend without it answers erasure requests
   * with a CONFIG error.
   */
  eraseUser?(params: {
    tenantId: string;
    userId: string;
    requestedBy: string;
    now?: number;
    /** SQLite: also rewrite the database file (VACUUM), so no stale page copy keeps the erased bytes. Slow on a big file; blocks writers meanwhile. */
    compact?: boolean;
  }): Promise<ErasureReport>;
  /**
   * The storage's fault state behind /healthz and /readyz, fed by the errors requests meet and a
   * rate-limited write probe (check() is synchronous: it answers from the last probe when one is
   * under way). Optional: without it the service reports storage as up and relies on health().
   */
  storageHealth?(options: StorageHealthOptions): StorageHealth;
  /** A cheap probe of the backing storage: can it be read and written now? */
  health(): Promise<BackendHealth>;
  /** Flush pending writes and release connections; the bundle is unusable afterwards. */
  close(): Promise<void>;
}

export interface QueueOptions<T> {
  name: string;
  /** Deliveries before a message is dead-lettered; default 3 (DEFAULT_MAX_RECEIVE_COUNT). */
  maxReceiveCount?: number;
  /** Check a parsed body (e.g. a zod parse); a throw dead-letters that message alone. */
  decode?: (value: unknown) => T;
}

export type BackendHealth = { ok: true; kind: string; checkedAt: number } | { ok: false; kind: string; checkedAt: number; reason: string; details?: Record<string, unknown> };

/** What every backend factory takes, whatever the backend (its own connection settings come beside these). */
export interface BackendOptions {
  /** Lifetime of session turns (config memory.sessionTtlSeconds). */
  sessionTtlSeconds: number;
  /** Knowledge chunking (config memory.chunkTokens / chunkOverlap). */
  chunkTokens?: number;
  chunkOverlap?: number;
  /** Embedder for hybrid search; BM25 / keyword search alone without one. */
  embedder?: Embedder;
  /** Clock for stores that stamp times themselves (tests step through TTLs and visibility timeouts). */
  now?: () => number;
  /** Told about degraded-but-working conditions (e.g. a vector index that cannot load). */
  onWarning?: (message: string, error?: unknown) => void;
}

/** What a GDPR erasure removed (counts per table or item kind), recorded with the subject only as a hash. */
export interface ErasureReport {
  erasureId: string;
  tenantId: string;
  at: number;
  counts: Record<string, number>;
  /**
   * SQLite: whether the erased bytes also left the database files — the rows were deleted with
   * secure_delete and the WAL was checkpointed empty (false: another process held the WAL back).
   */
  scrubbed?: boolean;
  /** SQLite: the file was rewritten (VACUUM), so not even a stale page copy of the erased rows remains. */
  compacted?: boolean;
}
