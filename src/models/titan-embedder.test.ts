import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBedrockServer, type BedrockServer } from '../../test/servers/bedrock-server.js';
import { LoreError } from '../errors.js';
import { createTitanEmbedder, TITAN_V2_MODEL_ID, type TitanEmbedderOptions } from './titan-embedder.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let server: BedrockServer;
beforeAll(async () => {
  server = await startBedrockServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const embedder = (extra: Partial<TitanEmbedderOptions> = {}) =>
  createTitanEmbedder({ region: 'us-east-1', endpoint: server.url, credentials, dimensions: 256, timeoutMs: 5_000, ...extra });

/** A deterministic fake vector whose first component encodes the text, so order can be checked. */
const vectorFor = (text: string, dims = 256) => Array.from({ length: dims }, (_, i) => (i === 0 ? text.length : 0));

describe('titan embedder (real SDK InvokeModel against a local Bedrock server)', () => {
  it('embeds each text with one InvokeModel call, in order, with bounded concurrency', { timeout: 10_000 }, async () => {
    server.fallback = (req) => ({ json: { embedding: vectorFor(req.body.inputText), inputTextTokenCount: 3 }, delayMs: 30 });
    const e = embedder({ concurrency: 2 });
    expect(e.modelId).toBe(`bedrock:${TITAN_V2_MODEL_ID}`);
    expect(e.dimensions).toBe(256);

    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await e.embed(texts);
    expect(vectors.map((v) => v[0])).toEqual([1, 2, 3, 4, 5]);
    expect(vectors.every((v) => v.length === 256)).toBe(true);
    expect(server.requests).toHaveLength(5);
    expect(server.requests[0]).toMatchObject({ operation: 'invoke', modelId: TITAN_V2_MODEL_ID });
    expect(server.requests.map((r) => r.body).sort((x, y) => x.inputText.length - y.inputText.length)[0]).toEqual({
      inputText: 'a',
      dimensions: 256,
      normalize: true,
    });
    expect(server.peakInFlight).toBeLessThanOrEqual(2);
    expect(server.peakInFlight).toBeGreaterThanOrEqual(1);
    expect(e.tokensUsed).toBe(15);
  });

  it('returns [] for no texts without calling Bedrock', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('retries throttling and then succeeds', { timeout: 10_000 }, async () => {
    server.enqueue({ error: 'ThrottlingException', status: 429 }, { json: { embedding: vectorFor('x'), inputTextTokenCount: 1 } });
    const vectors = await embedder({ retry: { maxRetries: 2, baseDelayMs: 1 } }).embed(['x']);
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('fails with MODEL_ERROR on a ValidationException, without retrying', { timeout: 10_000 }, async () => {
    server.enqueue({ error: 'ValidationException', status: 400, message: 'bad input' });
    const err = await embedder({ retry: { maxRetries: 3, baseDelayMs: 1 } }).embed(['x']).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_ERROR');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a vector of the wrong size as MODEL_BAD_RESPONSE', { timeout: 10_000 }, async () => {
    server.enqueue({ json: { embedding: [0.1, 0.2], inputTextTokenCount: 1 } });
    const err = await embedder().embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe('MODEL_BAD_RESPONSE');
  });

  it('aborts promptly', { timeout: 10_000 }, async () => {
    server.enqueue({ hang: true });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 30);
    const err = await embedder().embed(['x'], { signal: ctl.signal }).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('ABORTED');
  });
});
