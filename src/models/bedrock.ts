import { ConverseCommand, ConverseStreamCommand, type BedrockRuntimeClient, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { LoreError } from '../errors.js';
import { createBedrockClient, type BedrockCredentials } from './bedrock-client.js';
import { mapBedrockError } from './bedrock-errors.js';
import { fromSdkOutput, fromSdkStreamEvent, toSdkInput } from './bedrock-map.js';
import type { ModelProvider } from './provider.js';
import { CallDeadline } from './retry-deadline.js';
import type { CallOptions, ConverseRequest, ConverseResponse, ConverseStreamEvent } from './types.js';

export interface BedrockProviderOptions {
  /** Bedrock model or inference-profile id; a leading `bedrock:` is accepted and stripped. */
  modelId: string;
  region: string;
  endpoint?: string;
  /** converse: whole-call budget. converseStream: budget until the first event, then per-event idle timeout. */
  timeoutMs: number;
  credentials?: BedrockCredentials;
  /** Inject a ready client (tests, shared connection pools); region/endpoint/credentials are then ignored. */
  client?: BedrockRuntimeClient;
  /**
   * Add cache points after the system prompt and the tool specs (Bedrock prompt caching). Default
   * true. Models without caching support reject cache points; the provider then retries once
   * without them and stops sending them (see `isCacheRejection`).
   */
  promptCaching?: boolean;
}

/**
 * Bedrock refuses cache points on models that do not support prompt caching (Llama, Mistral, older
 * Claude…), as a ValidationException ("extraneous key [cachePoint]") or an AccessDeniedException
 * ("…did not allow prompt caching"). Caching is only an optimisation, so rather than keeping a
 * model allowlist that goes stale we drop the cache points when the service says no.
 */
export function isCacheRejection(e: unknown): boolean {
  const err = e as { name?: string; message?: string } | undefined;
  return (
    (err?.name === 'ValidationException' || err?.name === 'AccessDeniedException') && /cachePoint|prompt caching/i.test(err?.message ?? '')
  );
}

/** ModelProvider over the Bedrock Converse API; only translates, retries live in withRetries. */
export function createBedrockProvider(opts: BedrockProviderOptions): ModelProvider {
  const bareId = opts.modelId.replace(/^bedrock:/, '');
  let promptCaching = opts.promptCaching ?? true;
  const client =
    opts.client ??
    createBedrockClient({
      region: opts.region,
      timeoutMs: opts.timeoutMs,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    });

  /** Send with cache points if enabled; on a cache rejection, resend once without and remember. */
  async function sendWithCacheFallback<T>(send: (caching: boolean) => Promise<T>): Promise<T> {
    const caching = promptCaching;
    try {
      return await send(caching);
    } catch (e) {
      if (!caching || !isCacheRejection(e)) throw e;
      promptCaching = false;
      return send(false);
    }
  }

  return {
    specificationVersion: 'v1',
    modelId: `bedrock:${bareId}`,

    async converse(request: ConverseRequest, options?: CallOptions): Promise<ConverseResponse> {
      const deadline = new CallDeadline(opts.timeoutMs, options?.signal);
      const started = performance.now();
      try {
        // race(): the deadline must win even if a transport ignored abortSignal.
        const out = await sendWithCacheFallback((caching) =>
          deadline.race(client.send(new ConverseCommand(toSdkInput(bareId, request, caching)), { abortSignal: deadline.signal })),
        );
        return fromSdkOutput(out, Math.round(performance.now() - started));
      } catch (e) {
        throw mapBedrockError(e, deadline);
      } finally {
        deadline.clear();
      }
    },

    async *converseStream(request: ConverseRequest, options?: CallOptions): AsyncIterable<ConverseStreamEvent> {
      const deadline = new CallDeadline(opts.timeoutMs, options?.signal);
      let iterator: AsyncIterator<ConverseStreamOutput> | undefined;
      let finished = false;
      try {
        const out = await sendWithCacheFallback((caching) =>
          deadline.race(client.send(new ConverseStreamCommand(toSdkInput(bareId, request, caching)), { abortSignal: deadline.signal })),
        );
        if (!out.stream) throw new LoreError('MODEL_BAD_RESPONSE', 'bedrock: ConverseStream response has no stream');
        iterator = out.stream[Symbol.asyncIterator]();
        for (;;) {
          deadline.reset();
          const next = await deadline.race(iterator.next());
          if (next.done) break;
          const event = fromSdkStreamEvent(next.value);
          if (!event) continue;
          // The consumer's processing time is not the model's silence.
          deadline.pause();
          yield event;
        }
        finished = true;
      } catch (e) {
        finished = true;
        throw mapBedrockError(e, deadline);
      } finally {
        if (!finished) {
          // The consumer stopped early (break / return): release the stream and its socket.
          void iterator?.return?.().catch(() => undefined);
          deadline.cancel();
        }
        deadline.clear();
      }
    },
  };
}
