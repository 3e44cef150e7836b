import type { Logger } from '../telemetry/logger.js';
import { storageFaultOf } from '../storage-faults.js';

/**
 * Recovery of in-flight runs that survives a storage fault. A process started on a full disk
 * used to log `recovery_failed` once and leave its runs stranded until the next restart; here a
 * storage fault means "not yet": retry with backoff (1 s, 2 s, 4 s … capped) until storage is back
 * or the process stops. Any other error is logged once and ends the attempt, as before.
 */
export interface RecoveryOptions {
  logger?: Logger;
  /** Delay before retry n (1-based); default 1 s doubling, capped at 30 s. */
  delayMs?: (attempt: number) => number;
  /** Stop retrying (shutdown). */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function recoverWithRetry(engine: { recoverInFlight(): Promise<number> }, o: RecoveryOptions = {}): Promise<number> {
  const delay = o.delayMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)));
  const sleep = o.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.recoverInFlight();
    } catch (e) {
      const fault = storageFaultOf(e);
      if (!fault || o.signal?.aborted) throw e;
      const ms = delay(attempt);
      o.logger?.warn({ event: 'recovery_retry', attempt, delayMs: ms, reason: fault.reason }, `recovering in-flight runs met a storage fault (${fault.reason}); retrying in ${ms} ms`);
      await sleep(ms, o.signal);
      if (o.signal?.aborted) throw e;
    }
  }
}

/**
 * Recovery runs one at a time: asked again while one is going (storage just came back), it runs
 * once more after the current one.
 */
export function createRecoveryRunner(engine: { recoverInFlight(): Promise<number> }, o: RecoveryOptions = {}): () => Promise<number> {
  let current: Promise<number> | undefined;
  let again = false;
  const run = (): Promise<number> => {
    if (current) {
      again = true;
      return current;
    }
    current = recoverWithRetry(engine, o).finally(() => {
      current = undefined;
      if (again) {
        again = false;
        void run().catch((e) => o.logger?.error({ err: e }, 'recovering in-flight runs failed'));
      }
    });
    return current;
  };
  return run;
}
