import { LoreError } from '../errors.js';
import { CallDeadline } from '../models/retry-deadline.js';
import { retryCall, type RetryOptions } from '../models/retry.js';
import type { CallOptions } from '../models/types.js';
import type { Embedder } from './embedder.js';

export interface OpenAIEmbedderOptions {
  /** Model name as the server knows it, e.g. `nomic-embed-text`. */
  model: string;
  /** Server root or its versioned API root (same rule as the chat adapter: `/v1` is added when missing). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /**
   * Vector size. Known up front so the store can check stored vectors without a call; the first
   * response is checked against it, and a mismatch is a clear error (wrong model or size configured).
   */
  dimensions: number;
  /** Texts per request; servers cap the batch (OpenAI: 2048, Ollama: memory-bound). */
  batchSize?: number;
  /** Per-request budget. */
  timeoutMs?: number;
  retry?: RetryOptions;
  fetch?: typeof fetch;
}

/** `http://h:11434` and `http://h:11434/v1` both reach `/v1/embeddings`. */
export function embeddingsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/v\d+$/.test(base) ? `${base}/embeddings` : `${base}/v1/embeddings`;
}

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
}

/** Embedder over an OpenAI-compatible `/v1/embeddings` endpoint (Ollama, vLLM, LM Studio, OpenAI). */
export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const url = embeddingsUrl(opts.baseUrl);
  const doFetch = opts.fetch ?? fetch;
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retry = opts.retry ?? { maxRetries: 2, baseDelayMs: 200 };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  async function embedBatch(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const deadline = new CallDeadline(timeoutMs, signal);
    try {
      const res = await deadline.race(
        doFetch(url, { method: 'POST', headers, body: JSON.stringify({ model: opts.model, input: texts, encoding_format: 'float' }), signal: deadline.signal }),
      );
      const raw = await deadline.race(res.text());
      if (!res.ok) throw httpError(res.status, raw);
      let parsed: EmbeddingsResponse;
      try {
        parsed = JSON.parse(raw) as EmbeddingsResponse;
      } catch {
        throw new LoreError('MODEL_BAD_RESPONSE', `openai embeddings: response is not JSON: ${raw.slice(0, 200)}`);
      }
      return toVectors(parsed, texts.length, opts.dimensions);
    } catch (e) {
      const explained = deadline.explain();
      if (explained) throw new LoreError(explained.code, explained.message, { cause: e });
      if (e instanceof LoreError) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
      throw new LoreError('MODEL_UNAVAILABLE', `openai embeddings: request failed: ${cause?.code ?? cause?.message ?? String(e)}`, { cause: e });
    } finally {
      deadline.clear();
    }
  }

  return {
    modelId: `openai:${opts.model}`,
    dimensions: opts.dimensions,
    async embed(texts: string[], options?: CallOptions): Promise<number[][]> {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize);
        out.push(...(await retryCall(() => embedBatch(batch, options?.signal), retry, options?.signal)));
      }
      return out;
    },
  };
}

/** Vectors in input order (`index` is authoritative: servers may reorder), each checked for size. */
function toVectors(parsed: EmbeddingsResponse, count: number, dimensions: number): number[][] {
  const data = parsed.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new LoreError('MODEL_BAD_RESPONSE', `openai embeddings: expected ${count} embeddings, got ${Array.isArray(data) ? data.length : typeof data}`);
  }
  const out: number[][] = new Array(count);
  data.forEach((d, i) => {
    const at = typeof d.index === 'number' ? d.index : i;
    const v = d.embedding;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new LoreError('MODEL_BAD_RESPONSE', 'openai embeddings: embedding is not a number array (base64 is not supported)');
    if (v.length !== dimensions) {
      throw new LoreError('MODEL_BAD_RESPONSE', `openai embeddings: model returned ${v.length}-d vectors but ${dimensions} are configured (set memory.embedderDimensions, then run \`lore reindex --all\`)`, {
        details: { expected: dimensions, got: v.length },
      });
    }
    if (at < 0 || at >= count || out[at]) throw new LoreError('MODEL_BAD_RESPONSE', `openai embeddings: bad or duplicate index ${at}`);
    out[at] = v as number[];
  });
  return out;
}

function httpError(status: number, raw: string): LoreError {
  let message = raw.slice(0, 500);
  try {
    const parsed = JSON.parse(raw) as { error?: { message?: string } | string };
    message = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? message;
  } catch {
    // not JSON: keep the raw text
  }
  const code = status === 429 ? 'MODEL_THROTTLED' : status === 408 ? 'MODEL_TIMEOUT' : status >= 500 ? 'MODEL_UNAVAILABLE' : 'MODEL_ERROR';
  return new LoreError(code, `openai embeddings: HTTP ${status}: ${message}`, { details: { httpStatus: status } });
}
