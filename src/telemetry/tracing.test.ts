import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../errors.js';
import { ATTR, createTracing, currentTraceId, modelCallAttributes, otlpTracesUrl, providerName, toolCallAttributes, withSpan, type Tracing } from './tracing.js';

const open: Tracing[] = [];
function tracing(opts: Partial<Parameters<typeof createTracing>[0]> = {}): Tracing {
  const t = createTracing({ exporter: 'memory', serviceName: 'lore-test', ...opts });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
});

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('createTracing', () => {
  it('nests child spans under the active parent across awaits', async () => {
    const t = tracing();
    let traceId = '';
    await withSpan(t.tracer, 'workflow.run', { [ATTR.RUN_ID]: 'run_1' }, async (root) => {
      traceId = root.spanContext().traceId;
      expect(currentTraceId()).toBe(traceId);
      await withSpan(t.tracer, 'step.Reason', { [ATTR.STEP]: 'Reason' }, async () => {
        await tick();
        await withSpan(t.tracer, 'tool.call', toolCallAttributes('calculator', 'success', 'tu_1'), async () => tick());
      });
      await withSpan(t.tracer, 'step.HandleResponse', {}, () => 42);
    });
    expect(currentTraceId()).toBeUndefined();

    const spans = t.getTrace(traceId);
    expect(spans.map((s) => s.name)).toEqual(['workflow.run', 'step.Reason', 'tool.call', 'step.HandleResponse']);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName['workflow.run']!.parentSpanId).toBeUndefined();
    expect(byName['step.Reason']!.parentSpanId).toBe(byName['workflow.run']!.spanId);
    expect(byName['tool.call']!.parentSpanId).toBe(byName['step.Reason']!.spanId);
    expect(byName['step.HandleResponse']!.parentSpanId).toBe(byName['workflow.run']!.spanId);
    expect(byName['tool.call']!.attributes).toEqual({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'calculator', 'gen_ai.tool.type': 'function', 'lore.tool.status': 'success', 'gen_ai.tool.call.id': 'tu_1' });
    for (const s of spans) {
      expect(s.traceId).toBe(traceId);
      expect(s.status.code).toBe('ok');
      expect(s.endTime! - s.startTime).toBeCloseTo(s.durationMs!, 2);
      expect(s.kind).toBe('internal');
    }
    expect(t.spans.traceIdForRun('run_1')).toBe(traceId);
    expect(t.spans.getTraceForRun('run_1')).toHaveLength(4);
    expect(t.memoryExporter!.getFinishedSpans()).toHaveLength(4);
    expect(t.memoryExporter!.getFinishedSpans()[0]!.resource.attributes['service.name']).toBe('lore-test');
  });

  it('records exceptions and sets ERROR status, then rethrows', async () => {
    const t = tracing();
    let traceId = '';
    await expect(
      withSpan(t.tracer, 'step.Reason', {}, (span) => {
        traceId = span.spanContext().traceId;
        throw new LoreError('MODEL_THROTTLED', 'slow down');
      }),
    ).rejects.toThrow('slow down');
    const [s] = t.getTrace(traceId);
    expect(s!.status).toEqual({ code: 'error', message: 'slow down' });
    expect(s!.attributes[ATTR.ERROR_TYPE]).toBe('MODEL_THROTTLED');
    expect(s!.events.map((e) => e.name)).toEqual(['exception']);
    expect(s!.events[0]!.attributes!['exception.message']).toBe('slow down');
  });

  it('keeps a status the callback set itself', async () => {
    const t = tracing();
    const id = await withSpan(t.tracer, 'tool.call', toolCallAttributes('x', 'error'), (span) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool returned an error' });
      return span.spanContext().traceId;
    });
    expect(t.getTrace(id)[0]!.status).toEqual({ code: 'error', message: 'tool returned an error' });
  });

  it('shows open spans of an in-flight trace without an end time', async () => {
    const t = tracing({ exporter: 'none' });
    const span = t.tracer.startSpan('workflow.run');
    const id = span.spanContext().traceId;
    span.setAttribute(ATTR.RUN_ID, 'run_open');
    expect(t.getTrace(id)[0]).toMatchObject({ name: 'workflow.run', attributes: { [ATTR.RUN_ID]: 'run_open' } });
    expect(t.getTrace(id)[0]!.endTime).toBeUndefined();
    span.end();
    expect(t.getTrace(id)[0]!.endTime).toBeTypeOf('number');
    // Run ids set after start are indexed when the span ends.
    expect(t.spans.traceIdForRun('run_open')).toBe(id);
  });

  it('evicts the least recently active trace and caps spans per trace', () => {
    const t = tracing({ exporter: 'none', spanStore: { maxTraces: 2, maxSpansPerTrace: 2 } });
    const a = t.tracer.startSpan('a', { attributes: { [ATTR.RUN_ID]: 'run_a' } });
    const b = t.tracer.startSpan('b');
    // Activity on trace a makes b the oldest.
    const ctxA = trace.setSpan(context.active(), a);
    t.tracer.startSpan('a.child', {}, ctxA).end();
    t.tracer.startSpan('a.dropped', {}, ctxA).end();
    const c = t.tracer.startSpan('c');
    for (const s of [a, b, c]) s.end();
    expect(t.spans.size).toBe(2);
    expect(t.getTrace(b.spanContext().traceId)).toEqual([]);
    expect(t.getTrace(a.spanContext().traceId).map((s) => s.name)).toEqual(['a', 'a.child']);
    expect(t.spans.droppedSpans(a.spanContext().traceId)).toBe(1);
    expect(t.getTrace(c.spanContext().traceId)).toHaveLength(1);
    expect(t.spans.traceIdForRun('run_a')).toBe(a.spanContext().traceId);
    expect(t.getTrace('0'.repeat(32))).toEqual([]);
  });

  it('exports to an OTLP/HTTP endpoint', async () => {
    const bodies: Array<{ url: string; type: string; body: Record<string, any> }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        bodies.push({ url: req.url!, type: req.headers['content-type']!, body: data.startsWith('{') ? JSON.parse(data) : { raw: data.length } });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const t = createTracing({ exporter: 'otlp', otlpEndpoint: `http://127.0.0.1:${port}`, serviceName: 'lore-otlp' });
      await withSpan(t.tracer, 'model.converse', { [ATTR.GEN_AI_REQUEST_MODEL]: 'offline' }, () => undefined);
      await t.shutdown();
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.url).toBe('/v1/traces');
      expect(bodies[0]!.type).toMatch(/application\/(json|x-protobuf)/);
    } finally {
      server.close();
    }
  });
});

describe('attribute helpers', () => {
  it('builds gen_ai attributes for a model call', () => {
    expect(
      modelCallAttributes({
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 17, cacheReadInputTokens: 2 },
        stopReason: 'end_turn',
        latencyMs: 12,
        costUsd: 0.001,
      }),
    ).toEqual({
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 2,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'lore.latency_ms': 12,
      'lore.cost_usd': 0.001,
    });
    expect(modelCallAttributes({})).toEqual({});
  });

  it('names providers and OTLP urls', () => {
    expect(providerName('bedrock:amazon.nova-pro-v1:0')).toBe('aws.bedrock');
    expect(providerName('openai:llama3@http://x')).toBe('openai');
    expect(providerName('offline')).toBe('lore.offline');
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/custom/traces')).toBe('http://collector:4318/custom/traces');
  });
});
