import { describe, expect, it } from 'vitest';
import { estimateCost } from './cost.js';
import { LoreMetrics } from './metrics.js';
import { parseExposition } from './prometheus-lint.js';

const usage = { inputTokens: 1000, outputTokens: 500, totalTokens: 1700, cacheReadInputTokens: 200, cacheWriteInputTokens: 0 };
const SONNET = 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0';

function populated(): LoreMetrics {
  const m = new LoreMetrics();
  for (const ms of [100, 200, 300, 400]) m.stepDuration('Reason', ms);
  m.stepDuration('Reason', 5, 'error');
  m.stepDuration('BuildContext', 12);
  m.modelCall({ model: SONNET, tenant: 'acme', latencyMs: 800, status: 'ok', usage, cost: estimateCost(SONNET, usage) });
  m.modelCall({ model: SONNET, tenant: 'globex', latencyMs: 1200, status: 'ok', usage, cost: estimateCost(SONNET, usage) });
  m.modelCall({ model: SONNET, tenant: 'acme', latencyMs: 50, status: 'error' });
  m.modelCall({ model: 'openai:x@http://h', latencyMs: 10, status: 'ok', usage, cost: estimateCost('openai:x@http://h', usage) });
  m.toolCall('calculator', 'success', 3);
  m.toolCall('calculator', 'success', 4);
  m.toolCall('calculator', 'error', 1);
  m.toolCall('current_time', 'success');
  m.runFinished({ iterations: 1, status: 'completed' });
  m.runFinished({ iterations: 3, status: 'completed' });
  m.runFinished({ iterations: 5, status: 'failed' });
  for (let i = 0; i < 4; i++) m.interaction('acme');
  m.learningsWritten(1, 'acme');
  m.learningsWritten(0, 'acme');
  m.turnScored({ score: 0.9, low: false, tenant: 'acme' });
  m.turnScored({ score: 0.2, low: true, tenant: 'acme' });
  m.turnScored({ score: 0.7, low: false, tenant: 'acme' });
  m.setDlqDepth('ingest', 2);
  m.setDlqDepth('ingest', 1);
  m.jobRan('nightly-eval', Date.parse('2025-01-02T03:04:05.678Z'));
  return m;
}

describe('LoreMetrics.snapshot', () => {
  it('summarizes totals and the derived rates', async () => {
    const s = await populated().snapshot(new Date('2025-01-03T00:00:00Z'));
    expect(s.generatedAt).toBe('2025-01-03T00:00:00.000Z');
    expect(s.totals).toEqual({
      interactions: 4,
      learnings: 1,
      turnsScored: 3,
      lowQualityTurns: 1,
      toolCalls: 4,
      modelCalls: 4,
      tokens: 3 * 1700,
      // (1000×3 + 500×15 + 200×0.3) µ$ = 0.01056 per priced call, twice; the unpriced model adds 0.
      costUsd: 0.02112,
    });
    expect(s.rates).toEqual({ toolSuccess: 0.75, learning: 0.25, lowQuality: 0.333333333 });
    expect(s.quality.meanScore).toBe(0.6);
  });

  it('breaks down models, tenants, tools, steps and runs', async () => {
    const s = await populated().snapshot();
    expect(s.models[SONNET]).toEqual({
      calls: 3,
      errors: 1,
      // 50 ms, 800 ms, 1.2 s in buckets …0.5, 1, 2.5 s: interpolated as histogram_quantile does.
      latencyMs: { p50: 750, p95: 2275, p99: 2455 },
      tokens: { input: 2000, output: 1000, cacheRead: 400, cacheWrite: 0 },
      costUsd: 0.02112,
    });
    expect(s.models['openai:x@http://h']!.costUsd).toBe(0);
    expect(s.tenants).toEqual({ acme: { tokens: 1700, costUsd: 0.01056 }, globex: { tokens: 1700, costUsd: 0.01056 }, default: { tokens: 1700, costUsd: 0 } });
    expect(s.tools).toEqual({ calculator: { success: 2, error: 1, successRate: 0.666666667 }, current_time: { success: 1, error: 0, successRate: 1 } });
    expect(s.steps.Reason).toEqual({ count: 5, errors: 1, latencyMs: { p50: 250, p95: 475, p99: 495 } });
    expect(s.steps.BuildContext!.latencyMs.p50).toBe(17.5);
    expect(s.runs).toEqual({ count: 3, byStatus: { completed: 2, failed: 1 }, iterations: { mean: 3, p50: 2.5, p95: 4.85, p99: 4.97 } });
    expect(s.dlqDepth).toEqual({ ingest: 1 });
    expect(s.jobs).toEqual({ 'nightly-eval': { lastRunAt: '2025-01-02T03:04:05.000Z' } });
  });

  it('reports null rates and latencies when nothing happened', async () => {
    const s = await new LoreMetrics().snapshot();
    expect(s.rates).toEqual({ toolSuccess: null, learning: null, lowQuality: null });
    expect(s.runs.iterations).toEqual({ mean: null, p50: null, p95: null, p99: null });
    expect(s.quality.meanScore).toBeNull();
    expect(s.totals.costUsd).toBe(0);
  });

  it('is JSON-serializable as is', async () => {
    const s = await populated().snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('LoreMetrics.renderPrometheus', () => {
  it('renders every Lore metric as valid exposition text', async () => {
    const text = await populated().renderPrometheus();
    const { types, samples } = parseExposition(text);
    expect(types.get('lore_step_duration_seconds')).toBe('histogram');
    expect(types.get('lore_model_call_duration_seconds')).toBe('histogram');
    expect(types.get('lore_tool_call_duration_seconds')).toBe('histogram');
    expect(types.get('lore_tool_calls_total')).toBe('counter');
    expect(types.get('lore_dlq_depth')).toBe('gauge');
    const find = (name: string, labels: Record<string, string>) =>
      samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;
    expect(find('lore_step_duration_seconds_bucket', { step: 'Reason', status: 'ok', le: '0.25' })).toBe(2);
    expect(find('lore_step_duration_seconds_bucket', { step: 'Reason', status: 'ok', le: '+Inf' })).toBe(4);
    expect(find('lore_step_duration_seconds_count', { step: 'Reason', status: 'ok' })).toBe(4);
    expect(find('lore_model_tokens_total', { model: SONNET, tenant: 'acme', type: 'cache_read' })).toBe(200);
    expect(find('lore_model_cost_usd_total', { model: SONNET, tenant: 'globex' })).toBe(0.01056);
    expect(find('lore_model_unpriced_calls_total', { model: 'openai:x@http://h' })).toBe(1);
    expect(find('lore_tool_calls_total', { tool: 'calculator', status: 'error' })).toBe(1);
    expect(find('lore_job_last_run_timestamp_seconds', { job: 'nightly-eval' })).toBe(1735787045);
    expect(find('lore_run_iterations_sum', {})).toBe(9);
  });
});
