import { LoreError, abortError } from '../errors.js';

/**
 * Timeouts and abort plumbing shared by the model adapters and the retry wrapper. It lives beside
 * retry.ts because both are "the runtime guarantees around a model call", not adapter logic.
 */

/** Sleep that rejects with ABORTED as soon as `signal` fires, so a backoff never outlives its turn. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One call's deadline: a signal that fires on the caller's abort or after `timeoutMs`, and remembers
 * which of the two happened so errors can be classified as ABORTED (not retryable) or
 * MODEL_TIMEOUT (retryable). `reset()` restarts the clock, which turns it into an idle timeout for
 * streams: a long answer is fine, a silent connection is not.
 *
 * Listeners are wired by hand instead of AbortSignal.any(), which leaks on some Node 20 releases.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOutFlag = false;
  private readonly onUserAbort = () => this.controller.abort(abortError(this.userSignal));

  constructor(
    private readonly timeoutMs: number,
    private readonly userSignal?: AbortSignal,
  ) {
    if (userSignal?.aborted) this.controller.abort(abortError(userSignal));
    else userSignal?.addEventListener('abort', this.onUserAbort, { once: true });
    this.reset();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  reset(): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOutFlag = true;
      this.controller.abort(new LoreError('MODEL_TIMEOUT', `model call timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  /** Stop the clock while the consumer, not the model, holds the stream (between yield and next). */
  pause(): void {
    clearTimeout(this.timer);
  }

  /** Abort the in-flight request because we no longer want it (consumer stopped early). */
  cancel(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new LoreError('ABORTED', 'model call cancelled by its consumer'));
  }

  /** Stop the clock and detach from the caller's signal; call in `finally`. */
  clear(): void {
    clearTimeout(this.timer);
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }

  /**
   * If the deadline explains a failure, the LoreError for it; otherwise undefined and the caller
   * maps the original error. The caller's abort wins over a timeout that raced it.
   */
  explain(): LoreError | undefined {
    if (this.userSignal?.aborted) return abortError(this.userSignal);
    if (this.timedOutFlag) return new LoreError('MODEL_TIMEOUT', `model call timed out after ${this.timeoutMs} ms`);
    return undefined;
  }

  /** Race a promise against this deadline, so a transport that ignores the signal cannot hang us. */
  race<T>(p: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }
}
