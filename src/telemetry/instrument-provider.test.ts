import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../errors.js';
import type { ModelProvider } from '../models/provider.js';
import { collectStream } from '../models/stream.js';
import type { ConverseRequest, ConverseResponse, ConverseStreamEvent, Usage } from '../models/types.js';
import { instrumentProvider, modelLabel } from './instrument-provider.js';
import { LoreMetrics } from './metrics.js';
import { ATTR, createTracing, withSpan, type Tracing } from './tracing.js';

const MODEL = 'bedrock:us.anthropic.claude-3-5-sonnet-20240620-v1:0';
const usage: Usage = { inputTokens: 1000, outputTokens: 500, totalTokens: 1500, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
const req: ConverseRequest = { messages: [{ role: 'user', content: [{ text: 'hi' }] }], inferenceConfig: { maxTokens: 64, temperature: 0.2 } };

/** A scripted provider: the fixture the wrapper is tested against. */
function scripted(opts: { fail?: Error; events?: ConverseStreamEvent[]; streamFailAfter?: number } = {}): ModelProvider & { closed: boolean } {
  const p = {
    specificationVersion: 'v1' as const,
    modelId: MODEL,
    closed: false,
    async converse(): Promise<ConverseResponse> {
      await new Promise((r) => setTimeout(r, 2));
      if (opts.fail) throw opts.fail;
      return { output: { message: { role: 'assistant', content: [{ text: 'hello' }] } }, stopReason: 'end_turn', usage };
    },
    async *converseStream(): AsyncIterable<ConverseStreamEvent> {
      try {
        let i = 0;
        for (const e of opts.events ?? []) {
          if (opts.streamFailAfter !== undefined && i++ === opts.streamFailAfter) throw new LoreError('MODEL_ERROR', 'stream broke');
          yield e;
        }
      } finally {
        p.closed = true;
      }
    },
  };
  return p;
}

const streamEvents: ConverseStreamEvent[] = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'hel' } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'lo' } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: 'end_turn' } },
  { metadata: { usage, metrics: { latencyMs: 5 } } },
];

const open: Tracing[] = [];
function setup(provider: ModelProvider) {
  const tracing = createTracing({ exporter: 'memory', serviceName: 'test' });
  open.push(tracing);
  const metrics = new LoreMetrics();
  const wrapped = instrumentProvider(provider, { tracer: tracing.tracer, metrics, tenantId: 'acme' });
  const spans = () => tracing.memoryExporter!.getFinishedSpans();
  return { tracing, metrics, wrapped, spans };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
});

describe('instrumentProvider', () => {
  it('traces a converse call with gen_ai attributes and records metrics', async () => {
    const { wrapped, spans, metrics, tracing } = setup(scripted());
    expect(wrapped.modelId).toBe(MODEL);
    const { res, traceId } = await withSpan(tracing.tracer, 'step.Reason', {}, async (s) => ({
      res: await wrapped.converse(req),
      traceId: s.spanContext().traceId,
    }));
    expect(res.stopReason).toBe('end_turn');
    const records = tracing.getTrace(traceId);
    const call = records.find((s) => s.name === 'chat us.anthropic.claude-3-5-sonnet-20240620-v1:0')!;
    expect(call.parentSpanId).toBe(records.find((s) => s.name === 'step.Reason')!.spanId);
    expect(call.kind).toBe('client');
    expect(call.status.code).toBe('ok');
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'lore.cost_usd': 0.0105,
      'lore.tenant.id': 'acme',
      'lore.stream': false,
    });
    expect(call.attributes[ATTR.LATENCY_MS]).toBeGreaterThan(0);
    expect(spans()).toHaveLength(2);
    const snap = await metrics.snapshot();
    expect(snap.models[MODEL]).toMatchObject({ calls: 1, errors: 0, tokens: { input: 1000, output: 500 }, costUsd: 0.0105 });
    expect(snap.tenants.acme).toEqual({ tokens: 1500, costUsd: 0.0105 });
    expect(snap.models[MODEL]!.latencyMs.p50).toBeGreaterThan(0);
  });

  it('records a failed call as an error span and error metric, and rethrows', async () => {
    const { wrapped, spans, metrics } = setup(scripted({ fail: new LoreError('MODEL_THROTTLED', 'throttled') }));
    await expect(wrapped.converse(req)).rejects.toMatchObject({ code: 'MODEL_THROTTLED' });
    const [span] = spans();
    expect(span!.status).toEqual({ code: 2, message: 'throttled' });
    expect(span!.attributes[ATTR.ERROR_TYPE]).toBe('MODEL_THROTTLED');
    expect(span!.events[0]!.name).toBe('exception');
    expect((await metrics.snapshot()).models[MODEL]).toMatchObject({ calls: 1, errors: 1, costUsd: 0 });
  });

  it('ends a stream span when the stream ends, with usage from the metadata event', async () => {
    const { wrapped, spans, metrics } = setup(scripted({ events: streamEvents }));
    const stream = wrapped.converseStream(req);
    expect(spans()).toHaveLength(0);
    const seen: string[] = [];
    const res = await collectStream(stream, () => {
      seen.push(String(spans().length));
    });
    expect(res.output.message.content).toEqual([{ text: 'hello' }]);
    // The span stays open while events flow.
    expect(seen.every((n) => n === '0')).toBe(true);
    const [span] = spans();
    expect(span!.name).toMatch(/^chat /);
    expect(span!.attributes).toMatchObject({
      'lore.stream': true,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'lore.cost_usd': 0.0105,
    });
    expect(span!.attributes[ATTR.TIME_TO_FIRST_EVENT_MS]).toBeTypeOf('number');
    expect(span!.status.code).toBe(1);
    expect((await metrics.snapshot()).models[MODEL]!.tokens.output).toBe(500);
  });

  it('marks a stream abandoned by its consumer as cancelled and closes the inner stream', async () => {
    const inner = scripted({ events: streamEvents });
    const { wrapped, spans } = setup(inner);
    for await (const e of wrapped.converseStream(req)) {
      if ('contentBlockDelta' in e) break;
    }
    const [span] = spans();
    expect(span!.attributes[ATTR.STREAM_CANCELLED]).toBe(true);
    expect(span!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(inner.closed).toBe(true);
  });

  it('records a stream that fails midway as an error', async () => {
    const { wrapped, spans, metrics } = setup(scripted({ events: streamEvents, streamFailAfter: 2 }));
    await expect(collectStream(wrapped.converseStream(req))).rejects.toThrow('stream broke');
    expect(spans()[0]!.status).toEqual({ code: 2, message: 'stream broke' });
    expect((await metrics.snapshot()).models[MODEL]!.errors).toBe(1);
  });

  it('labels openai-compatible models without their base url', () => {
    expect(modelLabel('openai:llama3.1@http://user:pw@localhost:11434/v1')).toBe('openai:llama3.1');
    expect(modelLabel(MODEL)).toBe(MODEL);
  });
});
