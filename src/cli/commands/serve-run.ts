import cluster from 'node:cluster';
import type { Command } from 'commander';
import type { LoreConfig } from '../../config.js';
import { ingressMetrics } from '../../ingress/metrics.js';
import { createClusterPrimary, joinCluster } from '../../ingress/cluster.js';
import type { IpcChannel } from '../../ingress/cluster-rpc.js';
import { assemble, resolveConfig } from '../../lib/assemble.js';
import { scheduledTurnJobs } from '../../lib/schedules.js';
import { createService, listen } from '../../server.js';
import { migrateStore } from '../../backend-registry.js';
import { definitionFrom, type GlobalOptions } from '../context.js';
import { surviveBrokenPipes } from '../exit.js';

/**
 * `lore serve`, loaded only when that command runs (serve.ts registers it): the agent of the
 * config file (lore.config.* or --config) with settings from the file, env vars and flags.
 */
export async function runServe(opts: { host?: string; port?: string; processes?: string }, cmd: Command): Promise<void> {
  surviveBrokenPipes();
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
  const im = ingressMetrics(rt.metrics);
  // The chat queue is the service's; the cluster's metrics callback reads its depth at scrape time.
  let depth: (() => Promise<void>) | undefined;
  const shared = cluster.isWorker
    ? joinCluster({
        channel: toPrimary(),
        slot: process.env.LORE_CLUSTER_SLOT ?? '0',
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        traces: rt.tracing.spans,
        metrics: async (extra) => {
          // The queue lives in the shared database: one process (the leader) reports its depth,
          // so a sum over workers counts it once. Read at scrape time, as in GET /metrics.
          if (leader) await depth?.();
          return rt.metrics.families(extra, { dropLabels: config.server.metricsTenantLabels ? [] : ['tenant'] });
        },
        onDegraded: onceEvery(60_000, (what, reason) => log.warn({ event: 'cluster_degraded', what }, `${what} answered by this process alone: ${reason}`)),
      })
    : undefined;
  // The service (agent service, queue, storage monitor, jobs, app deps) is assembled in src/server.ts.
  const svc = createService(rt, {
    leader,
    // The config's schedules: a turn through the agent on a cron (UTC), durable like any other.
    jobs: (runner) => scheduledTurnJobs(agent.schedules, { runner, config, logger: log }),
    ...(shared ? { shared: { rateLimiter: shared.rateLimiter, traces: shared.traces, metricsText: shared.metricsText } } : {}),
  });
  depth = async () => im.queueDepth(svc.queue.name, await svc.queue.depth());
  const server = await listen(svc, { host: config.server.host, port: config.server.port }).catch(async (e) => {
    await svc.close();
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
  svc.recoverInFlight();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (leader) console.log(`\n${signal}: finishing in-flight requests…`);
      process.off('SIGINT', stop).off('SIGTERM', stop);
      void (async () => {
        await server.close();
        await svc.close({ drainMs: 5000 });
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
  await migrateStore(config);
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
