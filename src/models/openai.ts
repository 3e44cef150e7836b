import { LoreError, type ErrorCode } from '../errors.js';
import { fromOpenAIResponse, toOpenAIBody, type OpenAIChatResponse } from './openai-map.js';
import { sseData, StreamTranslator, type OpenAIStreamChunk } from './openai-sse.js';
import type { ModelProvider } from './provider.js';
import { CallDeadline } from './retry-deadline.js';
import type { CallOptions, ConverseRequest, ConverseResponse, ConverseStreamEvent } from './types.js';

export interface OpenAIProviderOptions {
  /** Model name as the server knows it, e.g. `llama3.1:8b`. */
  model: string;
  /** Server root or its versioned API root; see `chatCompletionsUrl` for the rule. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set (local servers usually need none). */
  apiKey?: string;
  /** converse: whole-call budget. converseStream: budget until the first event, then per-event idle timeout. */
  timeoutMs: number;
  /** Injected fetch (tests, proxies); defaults to the global one. */
  fetch?: typeof fetch;
}

/**
 * Where requests go. Rule: if the base URL's path already ends in a version segment (`/v1`,
 * `/v2`, …) we append `/chat/completions`; otherwise we append `/v1/chat/completions`. So
 * `http://localhost:11434` and `http://localhost:11434/v1` both reach Ollama's OpenAI endpoint.
 */
export function chatCompletionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/v\d+$/.test(base) ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

/** ModelProvider over an OpenAI-compatible /chat/completions endpoint (Ollama, vLLM, LM Studio). */
export function createOpenAIProvider(opts: OpenAIProviderOptions): ModelProvider {
  const url = chatCompletionsUrl(opts.baseUrl);
  const doFetch = opts.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  async function post(body: unknown, signal: AbortSignal): Promise<Response> {
    const res = await doFetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    if (!res.ok) throw await httpError(res);
    return res;
  }

  return {
    specificationVersion: 'v1',
    modelId: `openai:${opts.model}`,

    async converse(request: ConverseRequest, options?: CallOptions): Promise<ConverseResponse> {
      const deadline = new CallDeadline(opts.timeoutMs, options?.signal);
      const started = performance.now();
      try {
        const res = await deadline.race(post(toOpenAIBody(opts.model, request, false), deadline.signal));
        const text = await deadline.race(res.text());
        return fromOpenAIResponse(parseJson<OpenAIChatResponse>(text), Math.round(performance.now() - started));
      } catch (e) {
        throw mapFetchError(e, deadline);
      } finally {
        deadline.clear();
      }
    },

    async *converseStream(request: ConverseRequest, options?: CallOptions): AsyncIterable<ConverseStreamEvent> {
      const deadline = new CallDeadline(opts.timeoutMs, options?.signal);
      const started = performance.now();
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      let finished = false;
      try {
        const res = await deadline.race(post(toOpenAIBody(opts.model, request, true), deadline.signal));
        if (!res.body) throw new LoreError('MODEL_BAD_RESPONSE', 'openai: streaming response has no body');
        const r = (reader = res.body.getReader());
        // Each read restarts the idle clock; time spent by our consumer is excluded via pause().
        const bytes = (async function* () {
          for (;;) {
            deadline.reset();
            const next = await deadline.race(r.read());
            if (next.done) return;
            yield next.value;
          }
        })();
        const translator = new StreamTranslator();
        for await (const data of sseData(bytes)) {
          for (const event of translator.push(parseJson<OpenAIStreamChunk>(data))) {
            deadline.pause();
            yield event;
          }
        }
        for (const event of translator.end(Math.round(performance.now() - started))) yield event;
        finished = true;
      } catch (e) {
        finished = true;
        throw mapFetchError(e, deadline);
      } finally {
        if (!finished) deadline.cancel(); // consumer stopped early: drop the connection
        void reader?.cancel().catch(() => undefined);
        deadline.clear();
      }
    },
  };
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new LoreError('MODEL_BAD_RESPONSE', `openai: response is not JSON: ${text.slice(0, 200)}`);
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'MODEL_THROTTLED';
  if (status === 408) return 'MODEL_TIMEOUT';
  if (status >= 500) return 'MODEL_UNAVAILABLE';
  return 'MODEL_ERROR';
}

async function httpError(res: Response): Promise<LoreError> {
  const raw = await res.text().catch(() => '');
  let message = raw.slice(0, 500);
  try {
    const parsed = JSON.parse(raw) as { error?: { message?: string } | string; message?: string };
    message = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? message;
  } catch {
    // not JSON: keep the raw text
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return new LoreError(codeForStatus(res.status), `openai: HTTP ${res.status}: ${message || res.statusText}`, {
    details: { httpStatus: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  });
}

/** Retry-After is seconds or an HTTP date; withRetries uses it as a floor for the backoff. */
function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function mapFetchError(e: unknown, deadline: CallDeadline): LoreError {
  const explained = deadline.explain();
  if (explained) return new LoreError(explained.code, explained.message, { cause: e });
  if (e instanceof LoreError) return e;
  // fetch rejects with TypeError('fetch failed') for refused/reset connections: transient.
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  return new LoreError('MODEL_UNAVAILABLE', `openai: request failed: ${detail}`, { cause: e });
}
