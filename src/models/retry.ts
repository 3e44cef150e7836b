import { LoreError, abortError } from '../errors.js';
import type { ModelProvider } from './provider.js';
import { sleep as abortableSleep } from './retry-deadline.js';
import type { CallOptions, ConverseRequest, ConverseResponse, ConverseStreamEvent } from './types.js';

/**
 * Retries live once, here, around any adapter (Kysely's RuntimeDriver idea): adapters map their
 * transport's failures to LoreError codes and this wrapper decides from `isRetryable` alone.
 */

export interface RetryOptions {
  /** Extra attempts after the first; 0 disables retrying. */
  maxRetries: number;
  /** The backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^n). */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Injected in tests to avoid real waiting; must honour the signal like the default does. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1); injected in tests for deterministic delays. */
  random?: () => number;
  /** Observability hook (logs, metrics); called before each backoff sleep. */
  onRetry?: (info: { attempt: number; delayMs: number; error: LoreError }) => void;
}

const DEFAULT_MAX_DELAY_MS = 20_000;

/** Full jitter (AWS architecture blog): spreads retrying clients out instead of synchronising them. */
export function backoffDelay(attempt: number, opts: RetryOptions, error?: LoreError): number {
  const cap = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const ceiling = Math.min(cap, opts.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor((opts.random ?? Math.random)() * ceiling);
  // A server that says when to come back (Retry-After) knows better than our jitter, within the cap.
  const hinted = retryAfterMs(error);
  return hinted === undefined ? jittered : Math.max(jittered, Math.min(hinted, cap));
}

function retryAfterMs(error?: LoreError): number | undefined {
  const d = error?.details as { retryAfterMs?: unknown } | undefined;
  return typeof d?.retryAfterMs === 'number' && d.retryAfterMs >= 0 ? d.retryAfterMs : undefined;
}

function shouldRetry(e: unknown, attempt: number, opts: RetryOptions, signal?: AbortSignal): e is LoreError {
  return e instanceof LoreError && e.isRetryable && attempt < opts.maxRetries && !signal?.aborted;
}

/** Run `fn` with backoff on retryable LoreErrors. Exported for adapters outside ModelProvider (embedders). */
export async function retryCall<T>(fn: () => Promise<T>, opts: RetryOptions, signal?: AbortSignal): Promise<T> {
  const wait = opts.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!shouldRetry(e, attempt, opts, signal)) throw e;
      const delayMs = backoffDelay(attempt, opts, e);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
      await wait(delayMs, signal);
    }
  }
}

export function withRetries(provider: ModelProvider, opts: RetryOptions): ModelProvider {
  if (opts.maxRetries <= 0) return provider;
  const wait = opts.sleep ?? abortableSleep;
  return {
    specificationVersion: 'v1',
    modelId: provider.modelId,
    converse(request: ConverseRequest, options?: CallOptions): Promise<ConverseResponse> {
      return retryCall(() => provider.converse(request, options), opts, options?.signal);
    },
    async *converseStream(request: ConverseRequest, options?: CallOptions): AsyncIterable<ConverseStreamEvent> {
      const signal = options?.signal;
      for (let attempt = 0; ; attempt++) {
        let yielded = false;
        try {
          for await (const event of provider.converseStream(request, options)) {
            yielded = true;
            yield event;
          }
          return;
        } catch (e) {
          // Once an event reached the caller (text shown to a user, deltas assembled), a replay
          // would duplicate output; only a failure before the first event is safe to retry.
          if (yielded || !shouldRetry(e, attempt, opts, signal)) throw e;
          const delayMs = backoffDelay(attempt, opts, e);
          opts.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
          await wait(delayMs, signal);
          if (signal?.aborted) throw abortError(signal);
        }
      }
    },
  };
}
