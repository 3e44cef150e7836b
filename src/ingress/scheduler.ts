import type { Logger } from '../telemetry/logger.js';
import { parseSchedule, type Schedule } from './cron.js';
import type { IngressMetrics } from './metrics.js';

/**
 * In-process scheduled jobs (the nightly evaluator at 02:00 UTC, the session TTL purge). One run
 * of a job at a time: a tick that finds the previous run still going is skipped and counted, so a
 * slow evaluator never piles up copies of itself. At scale EventBridge Scheduler replaces this.
 */
export interface ScheduledJob {
  name: string;
  /** 5-field cron (UTC) or `@every <n><ms|s|m|h|d>`. */
  schedule: string;
  run(signal: AbortSignal): Promise<unknown> | unknown;
}

export interface JobStatus {
  name: string;
  schedule: string;
  nextRunAt: number | null;
  lastRunAt?: number;
  lastStatus?: 'ok' | 'error';
  lastDurationMs?: number;
  lastError?: string;
  runs: number;
  failures: number;
  skipped: number;
  running: boolean;
}

export interface Scheduler {
  start(): void;
  /** Stop timers, abort running jobs and wait for them (bounded). */
  stop(opts?: { waitMs?: number }): Promise<void>;
  status(): JobStatus[];
  /** Run a job now, outside its schedule (ops, tests). */
  runNow(name: string): Promise<JobStatus>;
}

/** setTimeout overflows past ~24.8 days; a long wait is taken in hops of at most an hour. */
const MAX_TIMER_MS = 3_600_000;

export function createScheduler(opts: { jobs: ScheduledJob[]; now?: () => number; logger?: Logger; metrics?: IngressMetrics }): Scheduler {
  const now = opts.now ?? Date.now;
  const abort = new AbortController();
  const entries = opts.jobs.map((job) => ({
    job,
    sched: parseSchedule(job.schedule) as Schedule,
    timer: undefined as NodeJS.Timeout | undefined,
    running: undefined as Promise<void> | undefined,
    status: { name: job.name, schedule: job.schedule, nextRunAt: null, runs: 0, failures: 0, skipped: 0, running: false } as JobStatus,
  }));
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.job.name)) throw new Error(`scheduler: job "${e.job.name}" is defined twice`);
    names.add(e.job.name);
  }
  let started = false;

  type Entry = (typeof entries)[number];

  const execute = (e: Entry): Promise<void> => {
    if (e.running) {
      e.status.skipped++;
      opts.logger?.warn({ job: e.job.name }, 'scheduled job still running; this run is skipped');
      return e.running;
    }
    const t0 = now();
    e.status.running = true;
    const run = (async () => {
      try {
        // Through a promise, so a job that throws synchronously still lands in the catch below.
        await Promise.resolve().then(() => e.job.run(abort.signal));
        e.status.lastStatus = 'ok';
        delete e.status.lastError;
      } catch (err) {
        e.status.lastStatus = 'error';
        e.status.lastError = err instanceof Error ? err.message : String(err);
        e.status.failures++;
        opts.logger?.error({ job: e.job.name, err }, 'scheduled job failed');
      } finally {
        const ms = now() - t0;
        Object.assign(e.status, { lastRunAt: t0, lastDurationMs: ms, running: false });
        e.status.runs++;
        opts.metrics?.jobFinished({ job: e.job.name, ok: e.status.lastStatus === 'ok', ms, at: t0 });
      }
    })();
    // Cleared only after the assignment: the body above may settle before it.
    e.running = run.finally(() => {
      e.running = undefined;
    });
    return e.running;
  };

  const arm = (e: Entry) => {
    if (!started) return;
    const due = e.status.nextRunAt!;
    opts.metrics?.jobScheduled(e.job.name, due);
    const wait = Math.max(0, Math.min(due - now(), MAX_TIMER_MS));
    e.timer = setTimeout(() => {
      if (now() < due) return arm(e); // an hour-long hop toward a far-off time
      e.status.nextRunAt = e.sched.next(now());
      void execute(e);
      arm(e);
    }, wait);
    // Timers alone must not keep a process (a test, a CLI) alive.
    e.timer.unref();
  };

  return {
    start() {
      if (started) return;
      started = true;
      for (const e of entries) {
        e.status.nextRunAt = e.sched.next(now());
        arm(e);
      }
    },
    async stop({ waitMs = 5000 } = {}) {
      started = false;
      for (const e of entries) clearTimeout(e.timer);
      abort.abort();
      const running = entries.flatMap((e) => (e.running ? [e.running] : []));
      if (!running.length) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(running), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    },
    status: () => entries.map((e) => ({ ...e.status })),
    async runNow(name) {
      const e = entries.find((x) => x.job.name === name);
      if (!e) throw new Error(`scheduler: no job named "${name}"`);
      await execute(e);
      return { ...e.status };
    },
  };
}
