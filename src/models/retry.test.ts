import { describe, expect, it } from 'vitest';
import { LoreError, type ErrorCode } from '../errors.js';
import type { ModelProvider } from './provider.js';
import { backoffDelay, withRetries } from './retry.js';
import { collectStream, responseToEvents } from './stream.js';
import type { ConverseResponse, ConverseStreamEvent } from './types.js';

/**
 * The wrapper's logic is pure control flow, so a scripted in-memory provider is the real thing
 * here; the adapters' own tests cover retries against the wire-format servers.
 */
const ok: ConverseResponse = {
  output: { message: { role: 'assistant', content: [{ text: 'done' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
};

type Step = ErrorCode | Error | 'ok' | { failAfterEvents: number; code: ErrorCode };

function scripted(steps: Step[]): ModelProvider & { calls: number } {
  const p = {
    specificationVersion: 'v1' as const,
    modelId: 'scripted',
    calls: 0,
    async converse() {
      const step = steps[p.calls++] ?? 'ok';
      if (step === 'ok') return ok;
      if (step instanceof Error) throw step;
      if (typeof step === 'string') throw new LoreError(step, step);
      throw new LoreError(step.code, 'mid-stream');
    },
    async *converseStream(): AsyncIterable<ConverseStreamEvent> {
      const step = steps[p.calls++] ?? 'ok';
      if (step === 'ok') return yield* responseToEvents(ok);
      if (step instanceof Error) throw step;
      if (typeof step === 'string') throw new LoreError(step, step);
      let n = 0;
      for (const e of responseToEvents(ok)) {
        if (n++ === step.failAfterEvents) throw new LoreError(step.code, 'mid-stream');
        yield e;
      }
    },
  };
  return p;
}

const fast = { baseDelayMs: 10, sleep: async () => undefined };

describe('withRetries', () => {
  it('retries retryable errors and then succeeds', async () => {
    const inner = scripted(['MODEL_THROTTLED', 'MODEL_UNAVAILABLE', 'MODEL_TIMEOUT', 'ok']);
    const seen: string[] = [];
    const res = await withRetries(inner, { ...fast, maxRetries: 3, onRetry: (i) => seen.push(`${i.attempt}:${i.error.code}`) }).converse({ messages: [] });
    expect(res).toEqual(ok);
    expect(inner.calls).toBe(4);
    expect(seen).toEqual(['1:MODEL_THROTTLED', '2:MODEL_UNAVAILABLE', '3:MODEL_TIMEOUT']);
  });

  it('gives up after maxRetries with the last error', async () => {
    const inner = scripted(['MODEL_THROTTLED', 'MODEL_THROTTLED', 'MODEL_THROTTLED']);
    const err = await withRetries(inner, { ...fast, maxRetries: 2 }).converse({ messages: [] }).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_THROTTLED');
    expect(inner.calls).toBe(3);
  });

  it.each<Step>(['MODEL_ERROR', 'ABORTED', 'MODEL_BAD_RESPONSE', new Error('plain')])('does not retry %s', async (step) => {
    const inner = scripted([step, 'ok']);
    await expect(withRetries(inner, { ...fast, maxRetries: 3 }).converse({ messages: [] })).rejects.toBeTruthy();
    expect(inner.calls).toBe(1);
  });

  it('returns the provider unchanged when maxRetries is 0', () => {
    const inner = scripted([]);
    expect(withRetries(inner, { maxRetries: 0, baseDelayMs: 10 })).toBe(inner);
  });

  it('uses exponential backoff with full jitter, capped, and honours Retry-After as a floor', () => {
    const opts = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 350, random: () => 0.5 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts))).toEqual([50, 100, 175, 175]);
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(0);
    const hinted = new LoreError('MODEL_THROTTLED', 'x', { details: { retryAfterMs: 300 } });
    expect(backoffDelay(0, opts, hinted)).toBe(300);
    expect(backoffDelay(0, opts, new LoreError('MODEL_THROTTLED', 'x', { details: { retryAfterMs: 60_000 } }))).toBe(350);
  });

  it('stops a backoff sleep as soon as the caller aborts', { timeout: 5_000 }, async () => {
    const inner = scripted(['MODEL_THROTTLED', 'ok']);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 30);
    const started = Date.now();
    // Real (default) sleep of ~10 s, cut short by the abort.
    const err = await withRetries(inner, { maxRetries: 3, baseDelayMs: 10_000, random: () => 0.99 })
      .converse({ messages: [] }, { signal: ctl.signal })
      .catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(inner.calls).toBe(1);
  });

  it('retries a stream that fails before its first event', async () => {
    const inner = scripted(['MODEL_THROTTLED', { failAfterEvents: 0, code: 'MODEL_UNAVAILABLE' }, 'ok']);
    const res = await collectStream(withRetries(inner, { ...fast, maxRetries: 3 }).converseStream({ messages: [] }));
    expect(res.output.message.content).toEqual([{ text: 'done' }]);
    expect(inner.calls).toBe(3);
  });

  it('does not retry a stream once an event was yielded', async () => {
    const inner = scripted([{ failAfterEvents: 2, code: 'MODEL_UNAVAILABLE' }, 'ok']);
    const seen: ConverseStreamEvent[] = [];
    const err = await collectStream(withRetries(inner, { ...fast, maxRetries: 3 }).converseStream({ messages: [] }), (e) => void seen.push(e)).catch(
      (e: unknown) => e,
    );
    expect((err as LoreError).code).toBe('MODEL_UNAVAILABLE');
    expect(seen).toHaveLength(2);
    expect(inner.calls).toBe(1);
  });
});
