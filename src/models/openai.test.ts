import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../../test/servers/openai-server.js';
import { LoreError } from '../errors.js';
import { chatCompletionsUrl, createOpenAIProvider, type OpenAIProviderOptions } from './openai.js';
import { withRetries } from './retry.js';
import { collectStream } from './stream.js';
import type { ConverseRequest, ConverseStreamEvent } from './types.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const provider = (extra: Partial<OpenAIProviderOptions> = {}) =>
  createOpenAIProvider({ model: 'llama3.1:8b', baseUrl: server.url, timeoutMs: 5_000, ...extra });

const schema = { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] };
const request: ConverseRequest = {
  system: [{ text: 'You are Lore.' }, { cachePoint: { type: 'default' } }, { text: 'Be brief.' }],
  messages: [
    { role: 'user', content: [{ text: 'What is 2+3 and 1/0?' }] },
    {
      role: 'assistant',
      content: [
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'c1', name: 'calculator', input: { expression: '2+3' } } },
        { toolUse: { toolUseId: 'c2', name: 'calculator', input: { expression: '1/0' } } },
      ],
    },
    {
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'c1', content: [{ json: { value: 5 } }], status: 'success' } },
        { toolResult: { toolUseId: 'c2', content: [{ text: 'division by zero' }], status: 'error' } },
      ],
    },
  ],
  toolConfig: { tools: [{ name: 'calculator', description: 'Evaluate arithmetic', inputSchema: { json: schema } }], toolChoice: { auto: {} } },
  inferenceConfig: { maxTokens: 128, temperature: 0.1, stopSequences: ['END'] },
};

const toolCallCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } }] },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 100, completion_tokens: 12, total_tokens: 112, prompt_tokens_details: { cached_tokens: 64 } },
};

const chunk = (delta: unknown, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

describe('openai-compatible provider (real fetch against a local chat-completions server)', () => {
  it('translates Converse to chat completions and parses a JSON tool call', { timeout: 10_000 }, async () => {
    server.enqueue({ json: toolCallCompletion });
    const p = provider({ apiKey: 'sk-test' });
    expect(p.modelId).toBe('openai:llama3.1:8b');
    const res = await p.converse(request);

    expect(res.stopReason).toBe('tool_use');
    expect(res.output.message.content).toEqual([{ toolUse: { toolUseId: 'call_9', name: 'calculator', input: { expression: '6*7' } } }]);
    // prompt_tokens includes cached ones; our inputTokens (Bedrock semantics) does not.
    expect(res.usage).toEqual({ inputTokens: 36, outputTokens: 12, totalTokens: 112, cacheReadInputTokens: 64, cacheWriteInputTokens: 0 });

    const sent = server.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({ model: 'llama3.1:8b', stream: false, max_tokens: 128, temperature: 0.1, stop: ['END'], tool_choice: 'auto' });
    expect(sent.body.tools).toEqual([{ type: 'function', function: { name: 'calculator', description: 'Evaluate arithmetic', parameters: schema } }]);
    expect(sent.body.messages).toEqual([
      { role: 'system', content: 'You are Lore.\n\nBe brief.' },
      { role: 'user', content: 'What is 2+3 and 1/0?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2+3"}' } },
          { id: 'c2', type: 'function', function: { name: 'calculator', arguments: '{"expression":"1/0"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"value":5}' },
      { role: 'tool', tool_call_id: 'c2', content: 'ERROR: division by zero' },
    ]);
  });

  it('accepts a base URL with or without /v1', () => {
    expect(chatCompletionsUrl('http://h:11434')).toBe('http://h:11434/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:11434/')).toBe('http://h:11434/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:11434/v1')).toBe('http://h:11434/v1/chat/completions');
    expect(chatCompletionsUrl('http://h/api/v1/')).toBe('http://h/api/v1/chat/completions');
  });

  it('reaches the server through a /v1 base URL and maps text answers', { timeout: 10_000 }, async () => {
    server.enqueue({ json: { choices: [{ message: { content: 'Hi there.' }, finish_reason: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 2 } } });
    const res = await provider({ baseUrl: `${server.url}/v1/` }).converse({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(res.output.message.content).toEqual([{ text: 'Hi there.' }]);
    expect(res.stopReason).toBe('max_tokens');
    expect(res.usage).toMatchObject({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
    expect(server.requests[0]!.body.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(server.requests[0]!.body.tools).toBeUndefined();
  });

  it('streams SSE text and tool-call deltas into ConverseStream events with usage', { timeout: 10_000 }, async () => {
    server.enqueue({
      sse: [
        ': keep-alive comment\n\n',
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Let me ' }),
        chunk({ content: 'compute.' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'calculator', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expres' } }] }),
        // One SSE event split across two TCP writes, with CRLF line endings.
        'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"sion\\":\\"6*7\\"}"}}]},',
        '"finish_reason":null}]}\r\n\r\n',
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'calculator', arguments: '{"expression":"1+1"}' } }] }),
        chunk({}, 'tool_calls'),
        { id: 'c', choices: [], usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49, prompt_tokens_details: { cached_tokens: 8 } } },
      ],
      delayMs: 5,
    });
    const seen: ConverseStreamEvent[] = [];
    const res = await collectStream(provider().converseStream(request), (e) => void seen.push(e));

    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(seen.slice(0, 6)).toEqual([
      { messageStart: { role: 'assistant' } },
      { contentBlockStart: { contentBlockIndex: 0 } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Let me ' } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'compute.' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'call_a', name: 'calculator' } } } },
    ]);
    expect(seen.at(-2)).toEqual({ messageStop: { stopReason: 'tool_use' } });
    expect(res.output.message.content).toEqual([
      { text: 'Let me compute.' },
      { toolUse: { toolUseId: 'call_a', name: 'calculator', input: { expression: '6*7' } } },
      { toolUse: { toolUseId: 'call_b', name: 'calculator', input: { expression: '1+1' } } },
    ]);
    expect(res.stopReason).toBe('tool_use');
    expect(res.usage).toEqual({ inputTokens: 32, outputTokens: 9, totalTokens: 49, cacheReadInputTokens: 8, cacheWriteInputTokens: 0 });
    expect(res.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('treats tool calls with finish_reason stop as tool_use (older Ollama)', { timeout: 10_000 }, async () => {
    server.enqueue({ sse: [chunk({ tool_calls: [{ index: 0, id: 'x', function: { name: 'calculator', arguments: '{}' } }] }), chunk({}, 'stop')] });
    const res = await collectStream(provider().converseStream(request));
    expect(res.stopReason).toBe('tool_use');
    expect(res.output.message.content).toEqual([{ toolUse: { toolUseId: 'x', name: 'calculator', input: {} } }]);
  });

  it('maps HTTP 429 to MODEL_THROTTLED with the Retry-After hint', { timeout: 10_000 }, async () => {
    server.enqueue({ json: { error: { message: 'rate limited', type: 'rate_limit' } }, status: 429, headers: { 'retry-after': '2' } });
    const err = await provider().converse(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe('MODEL_THROTTLED');
    expect((err as LoreError).message).toContain('rate limited');
    expect((err as LoreError).details).toEqual({ httpStatus: 429, retryAfterMs: 2000 });
  });

  it.each([
    [500, 'MODEL_UNAVAILABLE'],
    [503, 'MODEL_UNAVAILABLE'],
    [400, 'MODEL_ERROR'],
    [404, 'MODEL_ERROR'],
    [408, 'MODEL_TIMEOUT'],
  ])('maps HTTP %i to %s (streaming too)', { timeout: 10_000 }, async (status, code) => {
    server.enqueue({ json: { error: { message: 'nope' } }, status });
    const err = await collectStream(provider().converseStream(request)).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe(code);
  });

  it('retries 429 then succeeds under withRetries, counting requests', { timeout: 10_000 }, async () => {
    server.enqueue({ json: { error: { message: 'slow down' } }, status: 429 }, { json: toolCallCompletion });
    const delays: number[] = [];
    const p = withRetries(provider(), { maxRetries: 2, baseDelayMs: 1, sleep: async (ms) => void delays.push(ms) });
    const res = await p.converse(request);
    expect(res.stopReason).toBe('tool_use');
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('maps an error chunk inside the stream to MODEL_ERROR', { timeout: 10_000 }, async () => {
    server.enqueue({ sse: [chunk({ content: 'Hel' }), { error: { message: 'model crashed' } }] });
    const err = await collectStream(provider().converseStream(request)).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_ERROR');
  });

  it('aborts a stream mid-way with ABORTED', { timeout: 10_000 }, async () => {
    server.enqueue({ sse: [chunk({ content: 'Hel' })], hangAfter: true });
    const ctl = new AbortController();
    const err = await collectStream(provider().converseStream(request, { signal: ctl.signal }), (e) => {
      if ('contentBlockDelta' in e) setTimeout(() => ctl.abort(), 20);
    }).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('ABORTED');
  });

  it('times out a silent server with MODEL_TIMEOUT', { timeout: 10_000 }, async () => {
    server.enqueue({ hang: true });
    const err = await provider({ timeoutMs: 150 }).converse(request).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_TIMEOUT');
  });

  it('maps a refused connection to MODEL_UNAVAILABLE', { timeout: 10_000 }, async () => {
    const err = await provider({ baseUrl: 'http://127.0.0.1:1' }).converse(request).catch((e: unknown) => e);
    expect((err as LoreError).code).toBe('MODEL_UNAVAILABLE');
  });
});
