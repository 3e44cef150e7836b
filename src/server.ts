import type { AppDeps } from './ingress/deps.js';
import { ingressMetrics } from './ingress/metrics.js';
import type { RateLimiter } from './ingress/rate-limit.js';
import { createRecoveryRunner } from './ingress/recovery.js';
import { createScheduler, type ScheduledJob, type Scheduler } from './ingress/scheduler.js';
import { purgeOldRuns } from './jobs/run-retention.js';
import { startServer, type RunningServer } from './ingress/server.js';
import { createStorageMonitor } from './ingress/storage-monitor.js';
import { chatJobHandler, createWorkerPool, type WorkerPool } from './ingress/worker.js';
import { CHAT_QUEUE, decodeChatJob, type ChatJob, type Queue } from './jobs/queue.js';
import type { Runtime } from './runtime.js';
import { createAgentService, type AgentService } from './service.js';
import type { StorageHealth } from './storage-faults.js';
import { computeSeries } from './telemetry/series.js';
import type { SpanRecord } from './telemetry/span-store.js';
import type { TurnRunner } from './workflow/types.js';

/**
 * The service, assembled once from a runtime (whose backend holds every store): the agent
 * service, the chat queue, storage monitoring with recovery of runs left in flight, the
 * background jobs, and the HTTP app's dependencies. `lore serve`, the HTTP tests and a Lambda
 * handler all build it here; they differ only in what they start (a listening server, workers
 * and the scheduler on the leader, or neither).
 */
export interface ServiceOptions {
  /** Runs the queue workers and the scheduler (one process of a cluster; a Lambda: none). Default true. */
  leader?: boolean;
  /** Run the LLM judge after turns (default config.evaluation.enabled). */
  evaluate?: boolean;
  /** Wrap the runner the app and workers get (tests count resumes with it). */
  wrapRunner?: (runner: TurnRunner) => TurnRunner;
  /** Extra scheduled jobs (e.g. the config's scheduled turns), run by the leader. */
  jobs?: (runner: AgentService) => ScheduledJob[];
  workerOptions?: { visibilityTimeoutMs?: number; pollIntervalMs?: number; retryDelayMs?: (n: number) => number };
  /** Storage write-probe interval (default 5 s). */
  storageProbeIntervalMs?: number;
  /** In a cluster: one rate limit, and traces and metrics answered for every process. */
  shared?: { rateLimiter: RateLimiter; traces: { getTrace(traceId: string): SpanRecord[] | Promise<SpanRecord[]> }; metricsText: () => Promise<string> };
}

export interface Service {
  rt: Runtime;
  runner: AgentService;
  queue: Queue<ChatJob>;
  storage: StorageHealth & { close(): void };
  workers?: WorkerPool;
  scheduler?: Scheduler;
  /** What the HTTP app needs (ingress/app.ts createApp or startServer). */
  deps: AppDeps;
  /** Resume runs a crash or a storage fault left in flight, in the background (logged). */
  recoverInFlight(): void;
  /** Stop recovery and the storage timer, drain the agent service (at most `drainMs`). */
  close(opts?: { drainMs?: number }): Promise<void>;
}

export function createService(rt: Runtime, o: ServiceOptions = {}): Service {
  const { config, logger: log } = rt;
  const leader = o.leader ?? true;
  const runner = createAgentService(rt, o.evaluate !== undefined ? { evaluate: o.evaluate } : {});
  const { engine, evaluator } = runner;
  const facing = o.wrapRunner ? o.wrapRunner(runner) : runner;
  const queue = rt.backend.queue<ChatJob>({ name: CHAT_QUEUE, decode: decodeChatJob });
  // Recovery of runs left in flight retries while storage is faulty, and runs again when a
  // storage fault clears (runs it interrupted are left resumable, as a crash would leave them).
  const stopRecovery = new AbortController();
  const recover = createRecoveryRunner(engine, { logger: log, signal: stopRecovery.signal });
  const recoverInFlight = () =>
    void recover().then(
      (n) => n && log.info({ resumed: n }, 'resumed runs left in flight'),
      (e) => log.error({ err: e }, 'recovering in-flight runs failed'),
    );
  const storage = createStorageMonitor(rt.backend, {
    metrics: rt.metrics,
    logger: log,
    onRecovered: recoverInFlight,
    ...(o.storageProbeIntervalMs !== undefined ? { probeIntervalMs: o.storageProbeIntervalMs } : {}),
  });
  const { backend } = rt;
  // A server builds its in-memory search indexes now, in the background, not on the first question.
  void rt.knowledge.warmUp?.().catch((e: unknown) => log.warn({ err: e }, 'search index warm-up failed'));
  const jobs: ScheduledJob[] = [
    { name: 'session-ttl-purge', schedule: '@every 10m', run: () => rt.sessions.purgeExpired() },
    { name: 'memory-retention-purge', schedule: '@every 10m', run: () => rt.memory.store.purgeExpired() },
    // Quiet sessions get their final summary before their turns expire (README "Memory").
    ...(backend.idleSessions
      ? [{ name: 'memory-finalise-idle', schedule: '@every 5m', run: async () => runner.memoryJobs.finaliseIdle(await backend.idleSessions!({ now: Date.now(), idleSeconds: config.memory.summary.finaliseIdleSeconds })) }]
      : []),
    { name: 'approval-expiry', schedule: '@every 1m', run: () => engine.sweepApprovals() },
    ...(config.runs.retentionSeconds > 0 ? [{ name: 'run-retention-purge', schedule: '@every 1h', run: () => purgeOldRuns(backend, { retentionSeconds: config.runs.retentionSeconds }) }] : []),
    ...(config.evaluation.enabled ? [{ name: 'nightly-evaluation', schedule: config.evaluation.nightlyCron, run: () => evaluator.nightly() }] : []),
    ...(o.jobs ? o.jobs(runner) : []),
  ];
  const workers = leader ? createWorkerPool({ queue, handle: chatJobHandler(facing), concurrency: config.server.workers, logger: log, ...o.workerOptions }) : undefined;
  const scheduler = leader ? createScheduler({ jobs, logger: log, metrics: ingressMetrics(rt.metrics) }) : undefined;
  const deps: AppDeps = {
    config,
    runner: facing,
    sessions: rt.sessions,
    knowledge: rt.knowledge,
    guard: rt.guard,
    ...(backend.eraseUser ? { eraseUser: (p: Parameters<NonNullable<AppDeps['eraseUser']>>[0]) => backend.eraseUser!(p) } : {}),
    memory: rt.memory,
    feedback: backend.feedback,
    series: (p) => computeSeries(backend, { ...p, modelId: rt.provider.modelId, prices: rt.prices }),
    onFeedback: (runId) => void evaluator.refreshQuality(runId).catch((e) => log.warn({ err: e, runId }, 'quality refresh failed')),
    queue,
    ...(o.shared ? { rateLimiter: o.shared.rateLimiter, traces: o.shared.traces, metricsText: o.shared.metricsText } : { traces: rt.tracing.spans }),
    ...(workers ? { workers } : {}),
    ...(scheduler ? { scheduler } : {}),
    metrics: rt.metrics,
    tracer: rt.tracing.tracer,
    logger: log,
    // A real write probe (rate-limited), not `SELECT 1`: a full disk still answers reads.
    storage,
  };
  return {
    rt,
    runner,
    queue,
    storage,
    ...(workers ? { workers } : {}),
    ...(scheduler ? { scheduler } : {}),
    deps,
    recoverInFlight,
    async close(c = {}) {
      stopRecovery.abort();
      storage.close();
      const drained = runner.close();
      await (c.drainMs !== undefined ? Promise.race([drained, new Promise((r) => setTimeout(r, c.drainMs).unref())]) : drained);
    },
  };
}

/** The service behind a listening HTTP server (startServer starts and stops the workers and scheduler). */
export async function listen(svc: Service, opts: { host: string; port: number; drainMs?: number }): Promise<RunningServer> {
  return startServer(svc.deps, { host: opts.host, port: opts.port, ...(opts.drainMs !== undefined ? { drainMs: opts.drainMs } : {}), stopRuns: () => svc.runner.engine.close() });
}
