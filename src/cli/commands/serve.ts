import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { SqliteFeedbackStore } from '../../ingress/feedback-store.js';
import { CHAT_QUEUE, type ChatJob } from '../../ingress/queue.js';
import { createScheduler, type ScheduledJob } from '../../ingress/scheduler.js';
import { startServer } from '../../ingress/server.js';
import { chatJobHandler, createWorkerPool } from '../../ingress/worker.js';
import { ingressMetrics } from '../../ingress/metrics.js';
import { createRuntime } from '../../runtime.js';
import { createAgentService } from '../../service.js';
import { SqliteQueue } from '../../stores/sqlite/queue.js';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and the chat page (default http://127.0.0.1:8787)')
    .option('--host <host>', 'listen address (overrides LORE_HOST)')
    .option('--port <port>', 'listen port (overrides LORE_PORT)')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      if (opts.port !== undefined && !/^\d+$/.test(opts.port)) throw new UsageError('--port must be a number');
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const config = loadConfig(process.env, { dataDir: g.dataDir, model: g.model, tenant: g.tenant, 'server.host': opts.host, 'server.port': opts.port });
      const rt = createRuntime(config);
      const log = rt.logger;
      // The agent service: the durable engine plus budgets, metrics and the evaluator after turns.
      const runner = createAgentService(rt);
      const { engine, evaluator } = runner;
      const queue = new SqliteQueue<ChatJob>(rt.db, { name: CHAT_QUEUE });
      const jobs: ScheduledJob[] = [
        { name: 'session-ttl-purge', schedule: '@every 10m', run: () => rt.sessions.purgeExpired() },
        { name: 'approval-expiry', schedule: '@every 1m', run: () => engine.sweepApprovals() },
        ...(config.evaluation.enabled ? [{ name: 'nightly-evaluation', schedule: config.evaluation.nightlyCron, run: () => evaluator.nightly() }] : []),
      ];

      const server = await startServer(
        {
          config,
          runner,
          sessions: rt.sessions,
          knowledge: rt.knowledge,
          feedback: new SqliteFeedbackStore(rt.db),
          onFeedback: (runId) => void evaluator.refreshQuality(runId),
          queue,
          workers: createWorkerPool({ queue, handle: chatJobHandler(runner), concurrency: config.server.workers, logger: log }),
          scheduler: createScheduler({ jobs, logger: log, metrics: ingressMetrics(rt.metrics) }),
          metrics: rt.metrics,
          logger: log,
          healthCheck: () => void rt.db.prepare('SELECT 1').get(),
        },
        { host: config.server.host, port: config.server.port, stopRuns: () => engine.close() },
      ).catch((e) => {
        rt.close();
        throw e;
      });
      console.log(`Lore is serving on ${server.url} (model ${rt.provider.modelId}, data ${config.dataDir}). Ctrl-C to stop.`);
      // Runs a crash left mid-flight continue now, in the background: serving does not wait.
      void engine.recoverInFlight().then(
        (n) => n && log.info({ resumed: n }, 'resumed runs left in flight'),
        (e) => log.error({ err: e }, 'recovering in-flight runs failed'),
      );

      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          console.log(`\n${signal}: finishing in-flight requests…`);
          process.off('SIGINT', stop).off('SIGTERM', stop);
          void (async () => {
            await server.close();
            await Promise.race([runner.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
            rt.close();
            resolve();
          })();
        };
        process.on('SIGINT', stop).on('SIGTERM', stop);
      });
    });
}
