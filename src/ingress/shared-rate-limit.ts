import type { RateLimiter, RateLimitResult } from './rate-limit.js';

/**
 * One rate limit across `lore serve --processes N`. The cluster primary holds the token buckets
 * and answers each worker's `take` over the cluster IPC channel, so a user gets the configured
 * requests per minute in total, not per process (keep-alive connections stick to one worker, and
 * new ones go round-robin, so dividing the limit by N would be wrong both ways).
 *
 * A worker that gets no answer in time (the primary is gone or stuck) decides with its own
 * buckets: the limit degrades to per process instead of failing every request or none.
 */

/** What both ends need of a cluster IPC channel: `process` in a worker, a `Worker` in the primary. */
export interface IpcChannel {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

interface TakeRequest {
  lore: 'rate-limit.take';
  id: number;
  key: string;
}

interface TakeReply {
  lore: 'rate-limit.result';
  id: number;
  result: RateLimitResult;
}

const isTake = (m: unknown): m is TakeRequest => (m as TakeRequest | null)?.lore === 'rate-limit.take' && typeof (m as TakeRequest).key === 'string';
const isReply = (m: unknown): m is TakeReply => (m as TakeReply | null)?.lore === 'rate-limit.result' && typeof (m as TakeReply).id === 'number';

/** Primary side: answer the takes arriving on `channel` (one call per worker) from `limiter`. */
export function serveRateLimit(limiter: RateLimiter, channel: IpcChannel): void {
  channel.on('message', (m) => {
    if (!isTake(m)) return;
    void Promise.resolve(limiter.take(m.key)).then((result) => {
      try {
        channel.send({ lore: 'rate-limit.result', id: m.id, result } satisfies TakeReply);
      } catch {
        // The worker is gone; nobody is waiting for this answer.
      }
    });
  });
}

export interface RemoteRateLimiterOptions {
  /** Decides when the primary does not answer in time. */
  fallback: RateLimiter;
  /** How long to wait for the primary; default 250 ms. */
  timeoutMs?: number;
  /** Called when a take was decided by the fallback (for a log line). */
  onFallback?: (reason: string) => void;
}

/** Worker side: a RateLimiter whose buckets live in the primary. */
export function remoteRateLimiter(channel: IpcChannel, opts: RemoteRateLimiterOptions): RateLimiter {
  const timeoutMs = opts.timeoutMs ?? 250;
  const pending = new Map<number, { resolve: (r: RateLimitResult) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  channel.on('message', (m) => {
    if (!isReply(m)) return;
    const p = pending.get(m.id);
    if (!p) return; // answered after its timeout: the fallback already decided
    pending.delete(m.id);
    clearTimeout(p.timer);
    p.resolve(m.result);
  });
  const local = (key: string, reason: string): RateLimitResult | Promise<RateLimitResult> => {
    opts.onFallback?.(reason);
    return opts.fallback.take(key);
  };
  return {
    take(key) {
      const id = ++nextId;
      return new Promise<RateLimitResult>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(local(key, `no answer from the cluster primary within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        pending.set(id, { resolve, timer });
        try {
          channel.send({ lore: 'rate-limit.take', id, key } satisfies TakeRequest);
        } catch (e) {
          pending.delete(id);
          clearTimeout(timer);
          resolve(local(key, `cannot reach the cluster primary: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    },
  };
}
