import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBedrockServer, type BedrockServer, type StreamFrame } from '../../test/servers/bedrock-server.js';
import { LoreError } from '../errors.js';
import { createBedrockProvider, type BedrockProviderOptions } from './bedrock.js';
import { withRetries } from './retry.js';
import { collectStream } from './stream.js';
import type { ConverseRequest, ConverseStreamEvent } from './types.js';

const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let server: BedrockServer;
beforeAll(async () => {
  server = await startBedrockServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const provider = (extra: Partial<BedrockProviderOptions> = {}) =>
  createBedrockProvider({ modelId: MODEL, region: 'us-east-1', endpoint: server.url, timeoutMs: 5_000, credentials, ...extra });

const request: ConverseRequest = {
  system: [{ text: 'You are Lore.' }],
  messages: [
    { role: 'user', content: [{ text: 'What is 2+3?' }] },
    { role: 'assistant', content: [{ toolUse: { toolUseId: 't0', name: 'calculator', input: { expression: '2+3' } } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 't0', content: [{ json: { value: 5 } }], status: 'success' } }] },
  ],
  toolConfig: {
    tools: [{ name: 'calculator', description: 'Evaluate arithmetic', inputSchema: { json: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } } }],
  },
  inferenceConfig: { maxTokens: 256, temperature: 0.2 },
};

const toolUseOutput = {
  output: { message: { role: 'assistant', content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: 'tu-1', name: 'calculator', input: { expression: '6*7' } } }] } },
  stopReason: 'tool_use',
  usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150, cacheReadInputTokens: 100, cacheWriteInputTokens: 0 },
  metrics: { latencyMs: 321 },
};

const ev = (event: string, payload: unknown): StreamFrame => ({ event, payload });
const streamFrames: StreamFrame[] = [
  ev('messageStart', { role: 'assistant' }),
  ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me ' } }),
  ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'compute.' } }),
  ev('contentBlockStop', { contentBlockIndex: 0 }),
  ev('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu-9', name: 'calculator' } } }),
  ev('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"expre' } } }),
  ev('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: 'ssion":"6*7"}' } } }),
  ev('contentBlockStop', { contentBlockIndex: 1 }),
  ev('messageStop', { stopReason: 'tool_use' }),
  ev('metadata', { usage: { inputTokens: 50, outputTokens: 20, totalTokens: 70, cacheWriteInputTokens: 40 }, metrics: { latencyMs: 99 } }),
];

describe('bedrock provider (real SDK client against a local Bedrock wire-format server)', () => {
  it('sends Converse with cache points and tool schema, and parses a tool_use response', { timeout: 10_000 }, async () => {
    server.enqueue({ json: toolUseOutput });
    const p = provider({ modelId: `bedrock:${MODEL}` });
    expect(p.modelId).toBe(`bedrock:${MODEL}`);
    const res = await p.converse(request);

    expect(res.stopReason).toBe('tool_use');
    expect(res.output.message.content).toEqual([
      { text: 'Let me check.' },
      { toolUse: { toolUseId: 'tu-1', name: 'calculator', input: { expression: '6*7' } } },
    ]);
    expect(res.usage).toEqual({ inputTokens: 120, outputTokens: 30, totalTokens: 150, cacheReadInputTokens: 100, cacheWriteInputTokens: 0 });
    expect(res.metrics).toEqual({ latencyMs: 321 });

    const [sent] = server.requests;
    expect(sent?.operation).toBe('converse');
    expect(sent?.modelId).toBe(MODEL);
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
    expect(sent?.body.system).toEqual([{ text: 'You are Lore.' }, { cachePoint: { type: 'default' } }]);
    expect(sent?.body.toolConfig.tools).toEqual([
      { toolSpec: { name: 'calculator', description: 'Evaluate arithmetic', inputSchema: { json: request.toolConfig!.tools[0]!.inputSchema.json } } },
      { cachePoint: { type: 'default' } },
    ]);
    expect(sent?.body.messages[2].content[0]).toEqual({ toolResult: { toolUseId: 't0', content: [{ json: { value: 5 } }], status: 'success' } });
    expect(sent?.body.inferenceConfig).toEqual({ maxTokens: 256, temperature: 0.2 });
  });

  it('omits cache points when promptCaching is off', { timeout: 10_000 }, async () => {
    server.enqueue({ json: toolUseOutput });
    await provider({ promptCaching: false }).converse({ ...request, system: [{ text: 'a' }, { cachePoint: { type: 'default' } }, { text: 'b' }] });
    const body = server.requests[0]?.body;
    expect(JSON.stringify(body)).not.toContain('cachePoint');
    expect(body.system).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('drops cache points for good when the model rejects them', { timeout: 10_000 }, async () => {
    server.enqueue(
      { error: 'AccessDeniedException', status: 403, message: 'You invoked an unsupported model, or your request did not allow prompt caching.' },
      { json: toolUseOutput },
      { stream: streamFrames },
    );
    const p = provider();
    await p.converse(request);
    await collectStream(p.converseStream(request));
    const sent = server.requests.map((r) => JSON.stringify(r.body).includes('cachePoint'));
    expect(sent).toEqual([true, false, false]);
  });

  it('maps ConverseStream events 1:1 and collectStream assembles text and tool input', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: streamFrames });
    const seen: ConverseStreamEvent[] = [];
    const res = await collectStream(provider().converseStream(request), (e) => void seen.push(e));

    expect(server.requests[0]?.operation).toBe('converse-stream');
    expect(seen).toHaveLength(streamFrames.length);
    expect(seen[4]).toEqual({ contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu-9', name: 'calculator' } } } });
    expect(res.output.message.content).toEqual([
      { text: 'Let me compute.' },
      { toolUse: { toolUseId: 'tu-9', name: 'calculator', input: { expression: '6*7' } } },
    ]);
    expect(res.stopReason).toBe('tool_use');
    expect(res.usage).toMatchObject({ inputTokens: 50, outputTokens: 20, totalTokens: 70, cacheReadInputTokens: 0, cacheWriteInputTokens: 40 });
    expect(res.metrics).toEqual({ latencyMs: 99 });
  });

  it('retries a ThrottlingException and then succeeds under withRetries', { timeout: 10_000 }, async () => {
    server.enqueue({ error: 'ThrottlingException', status: 429, message: 'Too many requests' }, { json: toolUseOutput });
    const retries: string[] = [];
    const p = withRetries(provider(), { maxRetries: 2, baseDelayMs: 1, onRetry: (i) => retries.push(i.error.code) });
    const res = await p.converse(request);
    expect(res.stopReason).toBe('tool_use');
    expect(server.requests).toHaveLength(2);
    expect(retries).toEqual(['MODEL_THROTTLED']);
  });

  it('retries a stream whose first frame is a throttlingException exception frame', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: [{ exception: 'ThrottlingException', message: 'slow down' }] }, { stream: streamFrames });
    const res = await collectStream(withRetries(provider(), { maxRetries: 1, baseDelayMs: 1 }).converseStream(request));
    expect(res.stopReason).toBe('tool_use');
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a stream that fails after events were yielded', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: [...streamFrames.slice(0, 2), { exception: 'ModelStreamErrorException', message: 'broke' }] }, { stream: streamFrames });
    const p = withRetries(provider(), { maxRetries: 3, baseDelayMs: 1 });
    const err = await collectStream(p.converseStream(request)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe('MODEL_UNAVAILABLE');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['ThrottlingException', 429, 'MODEL_THROTTLED'],
    ['ServiceQuotaExceededException', 400, 'MODEL_THROTTLED'],
    ['ServiceUnavailableException', 503, 'MODEL_UNAVAILABLE'],
    ['ModelNotReadyException', 429, 'MODEL_UNAVAILABLE'],
    ['SomethingNewException', 502, 'MODEL_UNAVAILABLE'],
    ['InternalServerException', 500, 'MODEL_UNAVAILABLE'],
    ['ModelTimeoutException', 408, 'MODEL_TIMEOUT'],
    ['ValidationException', 400, 'MODEL_ERROR'],
    ['AccessDeniedException', 403, 'MODEL_ERROR'],
  ])('maps %s (HTTP %i) to %s', { timeout: 10_000 }, async (type, status, code) => {
    server.enqueue({ error: type, status, message: `${type} happened` });
    const err = await provider().converse(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe(code);
  });

  it('aborts an in-flight converse promptly with ABORTED and does not retry it', { timeout: 10_000 }, async () => {
    server.enqueue({ hang: true });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const started = Date.now();
    const err = await withRetries(provider(), { maxRetries: 3, baseDelayMs: 1 }).converse(request, { signal: ctl.signal }).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('aborts a stream mid-way with ABORTED', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: streamFrames.slice(0, 2), hangAfter: true });
    const ctl = new AbortController();
    const seen: ConverseStreamEvent[] = [];
    const err = await collectStream(provider().converseStream(request, { signal: ctl.signal }), (e) => {
      seen.push(e);
      if (seen.length === 2) setTimeout(() => ctl.abort(), 20);
    }).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('ABORTED');
    expect(seen).toHaveLength(2);
  });

  it('times out a silent call with MODEL_TIMEOUT (retryable)', { timeout: 10_000 }, async () => {
    server.enqueue({ hang: true });
    const err = await provider({ timeoutMs: 150 }).converse(request).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_TIMEOUT');
    expect((err as LoreError).isRetryable).toBe(true);
  });

  it('applies the timeout as an idle timeout between stream events', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: streamFrames.slice(0, 3), hangAfter: true });
    const err = await collectStream(provider({ timeoutMs: 200 }).converseStream(request)).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_TIMEOUT');
  });

  it('lets a consumer stop a stream early without hanging', { timeout: 10_000 }, async () => {
    server.enqueue({ stream: streamFrames.slice(0, 2), hangAfter: true });
    for await (const e of provider().converseStream(request)) {
      expect(e).toEqual({ messageStart: { role: 'assistant' } });
      break;
    }
  });
});
