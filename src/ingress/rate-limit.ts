/** One token taken, or how long until one is back (whole seconds, for Retry-After). */
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Per-key token buckets: `perMinute` tokens of burst, refilled continuously at perMinute/60 a
 * second. In memory; `lore serve --processes N` keeps them in the cluster primary for all its
 * workers (shared-rate-limit.ts). Behind API Gateway its usage plans take over.
 */
export interface RateLimiter {
  take(key: string): RateLimitResult | Promise<RateLimitResult>;
}

/** Buckets that have refilled completely carry no state worth keeping; drop them past this many. */
const SWEEP_AT = 10_000;

export function createRateLimiter(perMinute: number, now: () => number = Date.now): { take(key: string): RateLimitResult } {
  const capacity = perMinute;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const sweep = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + (t - b.at) * perMs >= capacity) buckets.delete(k);
  };

  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= SWEEP_AT) sweep(t);
        b = { tokens: capacity, at: t };
        buckets.set(key, b);
      } else {
        b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
        b.at = t;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
  };
}
