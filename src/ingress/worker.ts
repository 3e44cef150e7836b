import { isLoreError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { TurnRunner } from '../workflow/types.js';
import type { ChatJob, Queue, QueueMessage } from '../jobs/queue.js';

/**
 * A pool of bounded concurrency consuming a Queue. A message is acked only after its handler
 * resolves; a throw hands it back (after a backoff) and the queue's receive count moves it to the
 * DLQ once it has failed maxReceiveCount times. While a handler runs, a heartbeat keeps extending
 * its visibility, so a slow turn is never redelivered to a second worker mid-run.
 */
export interface WorkerPool {
  start(): void;
  /** Poll now instead of at the next interval (called right after a send). */
  notify(): void;
  /** Stop receiving, wait for in-flight handlers (bounded), then abort the rest. */
  stop(opts?: { drainMs?: number }): Promise<void>;
  active(): number;
}

export interface WorkerPoolOptions<T> {
  queue: Queue<T>;
  handle(message: QueueMessage<T>, signal: AbortSignal): Promise<void>;
  concurrency: number;
  visibilityTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Delay before a failed message is visible again; default 1 s, 2 s, 4 s … capped at 30 s. */
  retryDelayMs?: (receiveCount: number) => number;
  logger?: Logger;
}

export function createWorkerPool<T>(o: WorkerPoolOptions<T>): WorkerPool {
  const vt = o.visibilityTimeoutMs ?? 30_000;
  const poll = o.pollIntervalMs ?? 500;
  const retryDelay = o.retryDelayMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)));
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const handleOne = async (m: QueueMessage<T>) => {
    const beat = setInterval(() => void o.queue.changeVisibility({ receipt: m.receipt, timeoutMs: vt }).catch(() => {}), Math.max(10, vt / 2));
    try {
      await o.handle(m, abort.signal);
      await o.queue.ack({ receipt: m.receipt });
    } catch (e) {
      const error = isLoreError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      o.logger?.warn({ messageId: m.id, receiveCount: m.receiveCount, error }, 'queue message failed; it will be retried or dead-lettered');
      // On shutdown the message is simply left to reappear after its timeout, for the next process.
      if (!abort.signal.aborted) await o.queue.changeVisibility({ receipt: m.receipt, timeoutMs: retryDelay(m.receiveCount), error }).catch(() => {});
    } finally {
      clearInterval(beat);
    }
  };

  const run = async () => {
    while (running) {
      const free = o.concurrency - inFlight.size;
      if (free <= 0) {
        await Promise.race(inFlight);
        continue;
      }
      let batch: Array<QueueMessage<T>> = [];
      try {
        batch = await o.queue.receive({ max: free, visibilityTimeoutMs: vt });
      } catch (e) {
        o.logger?.error({ err: e }, 'queue receive failed');
      }
      for (const m of batch) {
        // Stopped while receiving: hand the message straight back rather than start it.
        if (!running) {
          await o.queue.changeVisibility({ receipt: m.receipt, timeoutMs: 0 }).catch(() => {});
          continue;
        }
        const p = handleOne(m).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (batch.length < free && running) await sleep(poll);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    notify: () => wake?.(),
    async stop({ drainMs = 10_000 } = {}) {
      running = false;
      wake?.();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([loop, ...inFlight]), new Promise((r) => (t = setTimeout(r, drainMs)))]);
      clearTimeout(t);
      abort.abort();
      await Promise.allSettled([loop, ...inFlight]);
    },
    active: () => inFlight.size,
  };
}

/** The chat consumer: the run row exists already, so a job is just "resume this run". */
export function chatJobHandler(runner: TurnRunner): (m: QueueMessage<ChatJob>, signal: AbortSignal) => Promise<void> {
  return async (m, signal) => {
    await runner.resume(m.body.runId, { signal });
  };
}
