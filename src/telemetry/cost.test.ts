import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Usage } from '../models/types.js';
import { estimateCost } from './cost.js';
import { createPriceTable, DEFAULT_PRICES, defaultPriceTable, normalizeModelId } from './prices.js';

const usage = (inputTokens: number, outputTokens: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens + cacheRead + cacheWrite,
  cacheReadInputTokens: cacheRead,
  cacheWriteInputTokens: cacheWrite,
});

describe('normalizeModelId', () => {
  it.each([
    ['bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['bedrock:us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['eu.amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
    ['bedrock:apac.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0'],
    ['openai:llama3.1@http://localhost:11434/v1', 'llama3.1'],
    ['bedrock:arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0', 'amazon.nova-micro-v1:0'],
    ['offline', 'offline'],
  ])('%s → %s', (input, expected) => expect(normalizeModelId(input)).toBe(expected));
});

describe('price lookup', () => {
  it('matches by longest prefix after stripping provider and region prefixes', () => {
    expect(defaultPriceTable.lookup('bedrock:us.anthropic.claude-sonnet-4-20250514-v1:0')?.key).toBe('anthropic.claude-sonnet-4');
    expect(defaultPriceTable.lookup('bedrock:anthropic.claude-3-5-haiku-20241022-v1:0')?.key).toBe('anthropic.claude-3-5-haiku');
    expect(defaultPriceTable.lookup('bedrock:anthropic.claude-3-haiku-20240307-v1:0')?.key).toBe('anthropic.claude-3-haiku');
    expect(defaultPriceTable.lookup('bedrock:meta.llama3-1-70b-instruct-v1:0')?.key).toBe('meta.llama3-1-70b-instruct');
    expect(defaultPriceTable.lookup('bedrock:meta.llama3-1-8b-instruct-v1:0')?.key).toBe('meta.llama3-1-8b-instruct');
    expect(defaultPriceTable.lookup('amazon.titan-embed-text-v2:0')?.key).toBe('amazon.titan-embed-text-v2');
    expect(defaultPriceTable.lookup('bedrock:mistral.mistral-large-2402-v1:0')).toBeNull();
  });

  it('prefers the more specific of two matching keys', () => {
    const table = createPriceTable({ 'amazon.nova': { input: 1, output: 1 }, 'amazon.nova-pro-v1:0': { input: 9, output: 9 } });
    expect(table.lookup('bedrock:amazon.nova-pro-v1:0')?.key).toBe('amazon.nova-pro-v1:0');
    expect(table.lookup('bedrock:amazon.nova-premier-v1:0')?.key).toBe('amazon.nova');
  });
});

describe('estimateCost', () => {
  it('prices Claude 3.5 Sonnet input and output', () => {
    // 1000 × $3/M + 500 × $15/M = 0.003 + 0.0075
    expect(estimateCost('bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', usage(1000, 500))).toEqual({
      usd: 0.0105,
      priced: true,
      priceKey: 'anthropic.claude-3-5-sonnet',
    });
  });

  it('prices cache reads and writes separately', () => {
    // 200×3 + 100×15 + 10000×0.3 + 2000×3.75 = 600 + 1500 + 3000 + 7500 = 12600 µ$
    expect(estimateCost('bedrock:us.anthropic.claude-3-7-sonnet-20250219-v1:0', usage(200, 100, 10_000, 2_000)).usd).toBe(0.0126);
  });

  it('prices Nova Micro without float noise', () => {
    // 1M × 0.035 + 1M × 0.14 + 1M × 0.00875 = 0.18375
    expect(estimateCost('bedrock:amazon.nova-micro-v1:0', usage(1e6, 1e6, 1e6)).usd).toBe(0.18375);
    // 3 × 0.06 + 7 × 0.24 = 1.86 µ$
    expect(estimateCost('bedrock:us.amazon.nova-lite-v1:0', usage(3, 7)).usd).toBe(0.00000186);
  });

  it('prices every default entry at its listed rates', () => {
    for (const [key, price] of Object.entries(DEFAULT_PRICES)) {
      const expected = Math.round((1e6 * price.input + 2e6 * price.output) * 1000) / 1e9;
      expect(estimateCost(`bedrock:${key}-v1:0`, usage(1e6, 2e6)).usd).toBe(expected);
    }
  });

  it('is zero and priced for the offline model', () => {
    expect(estimateCost('offline', usage(12345, 678, 9, 10))).toEqual({ usd: 0, priced: true, priceKey: 'offline' });
  });

  it('reports unknown models as unpriced', () => {
    expect(estimateCost('openai:qwen2.5@http://127.0.0.1:8000', usage(100, 100))).toEqual({ usd: 0, priced: false });
  });

  it('uses config overrides, with cache prices defaulting to the input price', () => {
    const cfg = loadConfig({}, { 'telemetry.prices': { 'openai:qwen2.5': { input: 0.5, output: 1.5 }, 'amazon.nova-pro': { input: 1, output: 4, cacheRead: 0.1 } } });
    const table = createPriceTable(cfg.telemetry.prices);
    // 1000×0.5 + 1000×1.5 + 100×0.5 + 100×0.5 = 2100 µ$
    expect(estimateCost('openai:qwen2.5@http://127.0.0.1:8000', usage(1000, 1000, 100, 100), table)).toEqual({
      usd: 0.0021,
      priced: true,
      priceKey: 'qwen2.5',
    });
    // 1000×1 + 1000×4 + 1000×0.1 + 1000×1 = 6100 µ$
    expect(estimateCost('bedrock:us.amazon.nova-pro-v1:0', usage(1000, 1000, 1000, 1000), table).usd).toBe(0.0061);
    // Defaults without an override are untouched.
    expect(estimateCost('bedrock:amazon.nova-lite-v1:0', usage(1e6, 0), table).usd).toBe(0.06);
  });

  it('treats missing cache counts as zero', () => {
    expect(estimateCost('bedrock:amazon.nova-pro-v1:0', { inputTokens: 1000, outputTokens: 1000, totalTokens: 2000 }).usd).toBe(0.004);
  });
});
