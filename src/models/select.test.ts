import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBedrockServer, type BedrockServer } from '../../test/servers/bedrock-server.js';
import { startOpenAIServer, type OpenAIServer } from '../../test/servers/openai-server.js';
import { loadConfig } from '../config.js';
import { LoreError } from '../errors.js';
import type { ModelProvider } from './provider.js';
import { createModelProvider, parseModelSpec } from './select.js';
import type { ConverseRequest } from './types.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const request: ConverseRequest = { messages: [{ role: 'user', content: [{ text: 'hello' }] }] };
const noWait = { sleep: async () => undefined };

const fakeOffline = (): ModelProvider => ({
  specificationVersion: 'v1',
  modelId: 'offline',
  converse: async () => ({ output: { message: { role: 'assistant', content: [{ text: 'offline answer' }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }),
  converseStream: async function* () {},
});

let bedrock: BedrockServer;
let openai: OpenAIServer;
beforeAll(async () => {
  [bedrock, openai] = await Promise.all([startBedrockServer(), startOpenAIServer()]);
});
afterAll(() => Promise.all([bedrock.close(), openai.close()]));
beforeEach(() => {
  bedrock.reset();
  openai.reset();
});

describe('parseModelSpec', () => {
  it('parses the three LORE_MODEL forms', () => {
    expect(parseModelSpec('offline')).toEqual({ kind: 'offline' });
    expect(parseModelSpec('bedrock:us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({
      kind: 'bedrock',
      modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    });
    expect(parseModelSpec('openai:llama3.1:8b@http://localhost:11434/v1')).toEqual({
      kind: 'openai',
      model: 'llama3.1:8b',
      baseUrl: 'http://localhost:11434/v1',
    });
  });

  it.each(['', 'bedrock:', 'openai:gpt', 'openai:@http://x', 'gpt-4o'])('rejects %j with CONFIG_INVALID', (spec) => {
    expect(() => parseModelSpec(spec)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
  });
});

describe('createModelProvider', () => {
  it('uses the injected offline factory', async () => {
    const p = createModelProvider(loadConfig({}), { offline: fakeOffline });
    expect(p.modelId).toBe('offline');
    expect((await p.converse(request)).output.message.content).toEqual([{ text: 'offline answer' }]);
  });

  it('builds a retrying Bedrock provider from config', { timeout: 10_000 }, async () => {
    bedrock.enqueue(
      { error: 'ServiceUnavailableException', status: 503 },
      { json: { output: { message: { role: 'assistant', content: [{ text: 'hi' }] } }, stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 }, metrics: { latencyMs: 5 } } },
    );
    const config = loadConfig({ LORE_MODEL: 'bedrock:amazon.nova-lite-v1:0', LORE_BEDROCK_ENDPOINT: bedrock.url, AWS_REGION: 'eu-west-1' });
    const p = createModelProvider(config, { offline: fakeOffline, credentials, retry: noWait });
    expect(p.modelId).toBe('bedrock:amazon.nova-lite-v1:0');
    const res = await p.converse(request);
    expect(res.output.message.content).toEqual([{ text: 'hi' }]);
    expect(bedrock.requests.map((r) => r.modelId)).toEqual(['amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0']);
    expect(bedrock.requests[0]!.headers.authorization).toContain('/eu-west-1/bedrock/aws4_request');
  });

  it('builds an OpenAI-compatible provider with the configured key', { timeout: 10_000 }, async () => {
    openai.enqueue({ json: { choices: [{ message: { content: 'hey' }, finish_reason: 'stop' }] } });
    const config = loadConfig({ LORE_MODEL: `openai:qwen2.5@${openai.url}`, LORE_OPENAI_API_KEY: 'k-1' });
    const p = createModelProvider(config, { offline: fakeOffline });
    expect(p.modelId).toBe('openai:qwen2.5');
    const res = await p.converse(request);
    expect(res.output.message.content).toEqual([{ text: 'hey' }]);
    expect(openai.requests[0]!.headers.authorization).toBe('Bearer k-1');
    expect(openai.requests[0]!.body.model).toBe('qwen2.5');
  });

  it('honours maxRetries = 0', { timeout: 10_000 }, async () => {
    openai.enqueue({ json: { error: 'busy' }, status: 503 }, { json: { choices: [{ message: { content: 'late' } }] } });
    const config = loadConfig({ LORE_MODEL: `openai:m@${openai.url}`, LORE_MODEL_MAX_RETRIES: '0' });
    const err = await createModelProvider(config, { offline: fakeOffline }).converse(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe('MODEL_UNAVAILABLE');
    expect(openai.requests).toHaveLength(1);
  });
});
