import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { LoreError } from '../errors.js';
import { createBedrockClient, type BedrockCredentials } from './bedrock-client.js';
import { mapBedrockError } from './bedrock-errors.js';
import { CallDeadline } from './retry-deadline.js';
import { retryCall, type RetryOptions } from './retry.js';
import type { CallOptions } from './types.js';
import type { Embedder } from '../memory/embedder.js';

export const TITAN_V2_MODEL_ID = 'amazon.titan-embed-text-v2:0';

export interface TitanEmbedderOptions {
  /** Defaults to Titan Text Embeddings v2; a leading `bedrock:` is accepted and stripped. */
  modelId?: string;
  region: string;
  endpoint?: string;
  credentials?: BedrockCredentials;
  /** Inject a ready client; region/endpoint/credentials are then ignored. */
  client?: BedrockRuntimeClient;
  /** Titan v2 supports 256, 512 or 1024 (default). Smaller vectors trade recall for index size. */
  dimensions?: 256 | 512 | 1024;
  /** InvokeModel embeds one text per call; this bounds calls in flight to stay under TPS quotas. */
  concurrency?: number;
  /** Per-call budget (one text). */
  timeoutMs?: number;
  /** Throttling on bulk ingestion is expected, so embedding retries by default (2 retries). */
  retry?: RetryOptions;
}

interface TitanResponse {
  embedding?: number[];
  inputTextTokenCount?: number;
}

/** Embedder over Bedrock InvokeModel for Titan Text Embeddings v2 (normalized vectors, cosine-ready). */
export function createTitanEmbedder(opts: TitanEmbedderOptions): Embedder & { readonly tokensUsed: number } {
  const bareId = (opts.modelId ?? TITAN_V2_MODEL_ID).replace(/^bedrock:/, '');
  const dimensions = opts.dimensions ?? 1024;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retry = opts.retry ?? { maxRetries: 2, baseDelayMs: 200 };
  const client =
    opts.client ??
    createBedrockClient({
      region: opts.region,
      timeoutMs,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    });
  let tokensUsed = 0;

  async function embedOne(text: string, signal?: AbortSignal): Promise<number[]> {
    const deadline = new CallDeadline(timeoutMs, signal);
    try {
      const command = new InvokeModelCommand({
        modelId: bareId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify({ inputText: text, dimensions, normalize: true }),
      });
      const out = await deadline.race(client.send(command, { abortSignal: deadline.signal }));
      let parsed: TitanResponse;
      try {
        parsed = JSON.parse(new TextDecoder().decode(out.body)) as TitanResponse;
      } catch {
        throw new LoreError('MODEL_BAD_RESPONSE', `titan: response body is not JSON`);
      }
      const v = parsed.embedding;
      if (!Array.isArray(v) || v.length !== dimensions) {
        throw new LoreError('MODEL_BAD_RESPONSE', `titan: expected a ${dimensions}-d embedding, got ${Array.isArray(v) ? v.length : typeof v}`);
      }
      tokensUsed += parsed.inputTextTokenCount ?? 0;
      return v;
    } catch (e) {
      throw mapBedrockError(e, deadline);
    } finally {
      deadline.clear();
    }
  }

  return {
    modelId: `bedrock:${bareId}`,
    dimensions,
    /** Input tokens billed so far (Titan reports them per call); for cost accounting. */
    get tokensUsed() {
      return tokensUsed;
    },
    async embed(texts: string[], options?: CallOptions): Promise<number[][]> {
      const signal = options?.signal;
      const out: number[][] = new Array(texts.length);
      let next = 0;
      let failed = false;
      // A small worker pool: results keep input order, and the first failure stops new calls.
      const worker = async () => {
        while (!failed && next < texts.length) {
          const i = next++;
          try {
            out[i] = await retryCall(() => embedOne(texts[i]!, signal), retry, signal);
          } catch (e) {
            failed = true;
            throw e;
          }
        }
      };
      const workers = Array.from({ length: Math.min(concurrency, texts.length) }, worker);
      const results = await Promise.allSettled(workers);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (rejected) throw rejected.reason;
      return out;
    },
  };
}
