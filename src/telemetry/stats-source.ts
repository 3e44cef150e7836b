import type { Usage } from '../models/types.js';

/** The parts of a stored run result the operator figures read. */
export interface StoredRunResult {
  usage?: Usage;
  iterations?: number;
  learnings?: Array<{ event: string }>;
  toolCalls?: Array<{ status: string }>;
  guard?: { input?: { findings?: unknown[] }; output?: { findings?: unknown[] } };
}

export interface RunOutcome {
  tenantId: string;
  sessionId: string;
  status: string;
  result: StoredRunResult | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The stats read port: raw figures `lore stats` and the console's charts aggregate (telemetry/
 * stats.ts, series.ts), so the arithmetic is written once and every backend only lists rows.
 * Reads may lag writes by an adapter's replication delay (eventually consistent is enough here).
 */
export interface StatsSource {
  /** Runs of a tenant (every tenant without one), created at or after `since` when given. */
  runOutcomes(params: { tenantId?: string; since?: number }): Promise<RunOutcome[]>;
  /** Durations of succeeded steps, by step name. */
  stepDurations(params: { tenantId?: string }): Promise<Array<{ step: string; ms: number }>>;
  /** Learnings in the knowledge base: active and superseded. */
  learningCounts(params: { tenantId?: string }): Promise<{ active: number; superseded: number }>;
  /** Dead letters across every queue. */
  deadLetters(): Promise<number>;
}
