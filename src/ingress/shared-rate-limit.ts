import type { RpcPeer } from './cluster-rpc.js';
import type { RateLimiter, RateLimitResult } from './rate-limit.js';

/**
 * One rate limit across `lore serve --processes N`. The cluster primary holds the token buckets
 * (its `rate-limit.take` handler, see rateLimitHandlers) and each worker asks it per request, so a
 * user gets the configured requests per minute in total, not per process. (Dividing the limit by
 * N would be wrong both ways: keep-alive connections stick to one worker, new ones go round-robin.)
 *
 * A worker that gets no answer in time (the primary is gone or stuck) decides with its own
 * buckets: the limit degrades to per process instead of failing every request or none.
 */
export const TAKE = 'rate-limit.take';

/** The primary's handler: one limiter for every worker. */
export function rateLimitHandlers(limiter: RateLimiter): Record<string, (params: unknown) => unknown> {
  return {
    [TAKE]: (params) => {
      const key = (params as { key?: unknown } | null)?.key;
      if (typeof key !== 'string') throw new Error('rate-limit.take needs a string key');
      return limiter.take(key);
    },
  };
}

export interface RemoteRateLimiterOptions {
  /** Decides when the primary does not answer in time. */
  fallback: RateLimiter;
  /** How long to wait for the primary; default 250 ms. */
  timeoutMs?: number;
  /** Called when a take was decided by the fallback (for a log line). */
  onFallback?: (reason: string) => void;
}

/** The worker's RateLimiter: buckets in the primary, the fallback when it does not answer. */
export function remoteRateLimiter(primary: RpcPeer, opts: RemoteRateLimiterOptions): RateLimiter {
  return {
    async take(key) {
      try {
        return await primary.call<RateLimitResult>(TAKE, { key }, opts.timeoutMs);
      } catch (e) {
        opts.onFallback?.(e instanceof Error ? e.message : String(e));
        return opts.fallback.take(key);
      }
    },
  };
}
