import cluster from 'node:cluster';
import type { Command } from 'commander';
import type { LoreConfig } from '../../config.js';
import { SqliteFeedbackStore } from '../../stores/sqlite/feedback-store.js';
import { computeSeries } from '../../telemetry/series.js';
import { CHAT_QUEUE, decodeChatJob, type ChatJob } from '../../jobs/queue.js';
import { createRecoveryRunner } from '../../ingress/recovery.js';
import { createStorageMonitor } from '../../ingress/storage-monitor.js';
import { createScheduler, type ScheduledJob } from '../../ingress/scheduler.js';
import { startServer } from '../../ingress/server.js';
import { chatJobHandler, createWorkerPool } from '../../ingress/worker.js';
import { ingressMetrics } from '../../ingress/metrics.js';
import { createClusterPrimary, joinCluster } from '../../ingress/cluster.js';
import type { IpcChannel } from '../../ingress/cluster-rpc.js';
import { assemble, resolveConfig } from '../../lib/assemble.js';
import { scheduledTurnJobs } from '../../lib/schedules.js';
import { createAgentService } from '../../service.js';
import { defaultDbPath, openDatabase } from '../../stores/sqlite/database.js';
import { SqliteQueue } from '../../stores/sqlite/queue.js';
import { eraseUserData } from '../../stores/sqlite/gdpr.js';
import { idleSessions } from '../../stores/sqlite/idle-sessions.js';
import { definitionFrom, type GlobalOptions } from '../context.js';

/**
 * `lore serve`, loaded only when that command runs (serve.ts registers it): the agent of the
 * config file (lore.config.* or --config) with settings from the file, env vars and flags.
 */
export async function runServe(opts: { host?: string; port?: string; processes?: string }, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const overrides = {
    dataDir: g.dataDir,
    model: g.model,
    tenant: g.tenant,
    'server.host': opts.host,
    'server.port': opts.port,
    'server.processes': opts.processes,
  };
  const { definition, label } = await definitionFrom(cmd);
  const where = { env: process.env, overrides, ...(label ? { label } : {}) };
  // The cluster primary only needs the settings: tools and tool sources are loaded by the workers.
  const settings = resolveConfig(definition, where);
  if (settings.server.processes > 1 && cluster.isPrimary) return supervise(settings);
  // In a cluster, worker 1 is the leader: it alone runs the scheduler and the queue workers.
  const leader = !cluster.isWorker || process.env.LORE_CLUSTER_LEADER === '1';
  const agent = await assemble(definition, where);
  const { rt, config } = agent;
  const log = rt.logger;
  // The agent service: the durable engine plus budgets, metrics and the evaluator after turns.
  const runner = createAgentService(rt);
  const { engine, evaluator } = runner;
  const queue = new SqliteQueue<ChatJob>(rt.db, { name: CHAT_QUEUE, decode: decodeChatJob });
  const im = ingressMetrics(rt.metrics);
  const shared = cluster.isWorker
    ? joinCluster({
        channel: toPrimary(),
        slot: process.env.LORE_CLUSTER_SLOT ?? '0',
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        traces: rt.tracing.spans,
        metrics: async (extra) => {
          // The queue lives in the shared database: one process (the leader) reports its depth,
          // so a sum over workers counts it once. Read at scrape time, as in GET /metrics.
          if (leader) im.queueDepth(queue.name, await queue.depth());
          return rt.metrics.families(extra, { dropLabels: config.server.metricsTenantLabels ? [] : ['tenant'] });
        },
        onDegraded: onceEvery(60_000, (what, reason) => log.warn({ event: 'cluster_degraded', what }, `${what} answered by this process alone: ${reason}`)),
      })
    : undefined;
  // Recovery of runs left in flight retries while storage is faulty, and runs again when a
  // storage fault clears (runs it interrupted are left resumable, as a crash would leave them).
  const stopRecovery = new AbortController();
  const recover = createRecoveryRunner(engine, { logger: log, signal: stopRecovery.signal });
  const recoverLogged = () =>
    void recover().then(
      (n) => n && log.info({ resumed: n }, 'resumed runs left in flight'),
      (e) => log.error({ err: e }, 'recovering in-flight runs failed'),
    );
  const storage = createStorageMonitor(rt.db, { metrics: rt.metrics, logger: log, onRecovered: recoverLogged });
  const jobs: ScheduledJob[] = [
    { name: 'session-ttl-purge', schedule: '@every 10m', run: () => rt.sessions.purgeExpired() },
    { name: 'memory-retention-purge', schedule: '@every 10m', run: () => rt.memory.store.purgeExpired() },
    // Quiet sessions get their final summary before their turns expire (README "Memory").
    { name: 'memory-finalise-idle', schedule: '@every 5m', run: () => runner.memoryJobs.finaliseIdle(idleSessions(rt.db, { now: Date.now(), idleSeconds: config.memory.summary.finaliseIdleSeconds })) },
    { name: 'approval-expiry', schedule: '@every 1m', run: () => engine.sweepApprovals() },
    ...(config.evaluation.enabled ? [{ name: 'nightly-evaluation', schedule: config.evaluation.nightlyCron, run: () => evaluator.nightly() }] : []),
    // The config's schedules: a turn through the agent on a cron (UTC), durable like any other.
    ...scheduledTurnJobs(agent.schedules, { runner, config, logger: log }),
  ];

  const server = await startServer(
    {
      config,
      runner,
      sessions: rt.sessions,
      knowledge: rt.knowledge,
      guard: rt.guard,
      eraseUser: (p) => eraseUserData(rt.db, rt.knowledge, p),
      memory: rt.memory,
      feedback: new SqliteFeedbackStore(rt.db),
      series: (p) => computeSeries(rt.backend, { ...p, modelId: rt.provider.modelId, prices: rt.prices }),
      onFeedback: (runId) => void evaluator.refreshQuality(runId),
      queue,
      // In a cluster: one rate limit, and traces and metrics answered for every process.
      ...(shared ? { rateLimiter: shared.rateLimiter, traces: shared.traces, metricsText: shared.metricsText } : { traces: rt.tracing.spans }),
      ...(leader
        ? {
            workers: createWorkerPool({ queue, handle: chatJobHandler(runner), concurrency: config.server.workers, logger: log }),
            scheduler: createScheduler({ jobs, logger: log, metrics: im }),
          }
        : {}),
      metrics: rt.metrics,
      tracer: rt.tracing.tracer,
      logger: log,
      // A real write probe (rate-limited), not `SELECT 1`: a full disk still answers reads.
      storage,
    },
    { host: config.server.host, port: config.server.port, stopRuns: () => engine.close() },
  ).catch(async (e) => {
    await agent.close();
    throw e;
  });
  if (leader) {
    const procs = config.server.processes > 1 ? `, ${config.server.processes} processes` : '';
    const from = label ? `, agent from ${label}` : '';
    console.log(`Lore is serving on ${server.url} (model ${rt.provider.modelId}, data ${config.dataDir}${procs}${from}). Ctrl-C to stop.`);
    // With users authenticated and no metrics token, /metrics is closed (or public by choice): say which.
    if ((config.auth.jwksUrl || config.auth.hs256Secret) && !config.server.metricsToken) {
      if (config.server.metricsPublic) log.warn({ event: 'metrics_public' }, 'GET /metrics is public (LORE_METRICS_PUBLIC=true) while auth is on');
      else log.warn({ event: 'metrics_closed' }, 'GET /metrics answers 401 until LORE_METRICS_TOKEN is set (or LORE_METRICS_PUBLIC=true)');
    }
  }
  // Runs a crash left mid-flight continue now, in the background: serving does not wait. Every
  // process does this (a restarted worker picks up what its dead predecessor left); leases
  // make sure each run is taken by one of them only.
  recoverLogged();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (leader) console.log(`\n${signal}: finishing in-flight requests…`);
      process.off('SIGINT', stop).off('SIGTERM', stop);
      void (async () => {
        stopRecovery.abort();
        storage.close();
        await server.close();
        await Promise.race([runner.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
        await agent.close();
        resolve();
      })();
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
    // A cluster worker also stops when the primary says so (Ctrl-C reaches the whole process
    // group as well, so a signal may arrive twice; the second one must not kill mid-drain).
    if (cluster.isWorker) {
      process.on('SIGINT', () => {}).on('SIGTERM', () => {});
      process.on('message', (m: { cmd?: string }) => m?.cmd === 'lore:stop' && stop('stop'));
    }
  });
}

/**
 * The cluster primary: migrates the database once, then forks `server.processes` workers that
 * share the listening port (node:cluster) and the SQLite file (WAL; run leases keep two processes
 * from executing one run). Worker 1 is the leader (scheduler, queue workers). A worker that dies
 * is replaced in the same role; its in-flight runs are taken over at once (their lease owner's
 * pid is gone). SIGINT/SIGTERM are passed on and the primary exits once every worker has.
 */
async function supervise(config: LoreConfig): Promise<void> {
  openDatabase(defaultDbPath(config.dataDir)).close();
  let stopping = false;
  // Worker id → its slot (0..N-1); slot 0 is the leader. A replacement takes over the slot.
  const slots = new Map<number, number>();
  const shared = createClusterPrimary({ rateLimitPerMinute: config.server.rateLimitPerMinute });
  const fork = (slot: number) => {
    const w = cluster.fork({ LORE_CLUSTER_LEADER: slot === 0 ? '1' : '0', LORE_CLUSTER_SLOT: String(slot) });
    slots.set(w.id, slot);
    // The callback keeps a send to a worker that just died from becoming an 'error' event.
    shared.attach(w.id, { send: (m) => w.isConnected() && w.send(m as object, undefined, () => {}), on: (e, l) => w.on(e, l) });
  };
  for (let i = 0; i < config.server.processes; i++) fork(i);
  await new Promise<void>((resolve) => {
    cluster.on('exit', (w, code, signal) => {
      const slot = slots.get(w.id) ?? 0;
      slots.delete(w.id);
      shared.detach(w.id);
      if (stopping) {
        if (slots.size === 0) resolve();
        return;
      }
      console.error(`lore serve: worker ${w.process.pid} exited (${signal ?? code}); starting another`);
      fork(slot);
    });
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping ${slots.size} server processes…`);
      for (const w of Object.values(cluster.workers ?? {})) w?.send({ cmd: 'lore:stop' });
      if (slots.size === 0) resolve();
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}

/** `fn`, called at most once per `ms` (a warning that would otherwise repeat on every request). */
function onceEvery<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args) => {
    const t = Date.now();
    if (t - last < ms) return;
    last = t;
    fn(...args);
  };
}

/** This worker's IPC channel to the cluster primary. A send that fails is reported by the callback, not thrown later. */
function toPrimary(): IpcChannel {
  return {
    send: (m) => {
      if (!process.send || !process.connected) throw new Error('the IPC channel to the cluster primary is closed');
      process.send(m, undefined, {}, () => {});
    },
    on: (e, l) => process.on(e, l),
  };
}
