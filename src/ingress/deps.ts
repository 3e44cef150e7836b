import type { Tracer } from '@opentelemetry/api';
import type { LoreConfig } from '../config.js';
import type { Guardrail } from '../guardrails/port.js';
import type { ErasureReport } from '../backend.js';
import type { KnowledgeStore } from '../memory/knowledge-store.js';
import type { MemoryDeps } from '../memory/memory-deps.js';
import type { SessionStore } from '../memory/session-store.js';
import type { Logger } from '../telemetry/logger.js';
import type { LoreMetrics } from '../telemetry/metrics.js';
import type { TurnRunner } from '../workflow/types.js';
import type { Authenticator } from './auth.js';
import type { FeedbackStore } from '../learning/feedback-store.js';
import type { ChatJob, Queue } from '../jobs/queue.js';
import type { RateLimiter } from './rate-limit.js';
import type { SpanRecord } from '../telemetry/span-store.js';
import type { StorageHealth } from '../storage-faults.js';
import type { Scheduler } from './scheduler.js';
import type { WorkerPool } from './worker.js';

/** Everything the HTTP app needs, injected so tests and the Lambda adapter can wire their own. */
import type { Series } from '../telemetry/series.js';

export interface AppDeps {
  config: LoreConfig;
  runner: TurnRunner;
  sessions: SessionStore;
  knowledge: KnowledgeStore;
  feedback: FeedbackStore;
  /** DELETE /users/:id/data; without it the route answers that erasure is not enabled. */
  eraseUser?: (p: { tenantId: string; userId: string; requestedBy: string }) => Promise<ErasureReport>;
  /** Long-term memory behind /me/memory and the memory shown by GET /runs/:id; without it, those answer that it is off. */
  memory?: MemoryDeps;
  /** Screens ingested documents and feedback comments; the built-in detectors when absent. */
  guard?: Guardrail;
  /** Called after a rating is stored (the evaluator re-merges the run's quality score). */
  onFeedback?: (runId: string) => void;
  /** Without a queue, `"async": true` is refused with a 400. */
  queue?: Queue<ChatJob>;
  /** Started and stopped by startServer; notified after each enqueue. */
  workers?: WorkerPool;
  scheduler?: Scheduler;
  /** Defaults to one built from config.auth. */
  auth?: Authenticator;
  /** Defaults to in-memory buckets of config.server.rateLimitPerMinute; a cluster worker asks its primary. */
  rateLimiter?: RateLimiter;
  /** Recent traces (the runtime's in-memory span store) behind GET /runs/:id/trace; without it, no spans. */
  traces?: { getTrace(traceId: string): SpanRecord[] | Promise<SpanRecord[]> };
  /** GET /metrics body; defaults to this process's metrics (a cluster worker gathers every process's). */
  metricsText?: () => Promise<string>;
  metrics?: LoreMetrics;
  /** With a tracer, every request gets an HTTP server span (continuing the caller's traceparent). */
  tracer?: Tracer;
  logger?: Logger;
  /** Throws when a dependency is unhealthy. */
  healthCheck?: () => void | Promise<void>;
  /** The database's write probe and fault state: /healthz and /readyz report it, request errors feed it. */
  storage?: StorageHealth;
  /** Shared with startServer: once draining, /healthz says so and new work is refused. */
  lifecycle?: Lifecycle;
  /** Figures over time for GET /stats/series (the console's metrics page); without it, that route answers 404. */
  series?: (p: { tenantId: string; now: number; bucketMs: number; buckets: number }) => Series | Promise<Series>;
  /** Directory holding index.html and its assets; defaults to the repo's web/. */
  webRoot?: string;
  version?: string;
}

export interface Lifecycle {
  draining: boolean;
}
