import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RecentTraceTracer } from './recent-tracer.js';
import { SpanStore } from './span-store.js';
import { withTraceId } from './trace-ids.js';
import { createTracing, ensureContextManager, withSpan } from './tracing.js';

function rig() {
  ensureContextManager();
  const store = new SpanStore();
  return { store, tracer: new RecentTraceTracer(store) };
}

describe('RecentTraceTracer (exporter none: spans read only by GET /runs/:id/trace)', () => {
  it('is what createTracing hands out with no exporter and recent traces on; an exporter gets the SDK', () => {
    expect(createTracing({ exporter: 'none', serviceName: 't' }).tracer).toBeInstanceOf(RecentTraceTracer);
    expect(createTracing({ exporter: 'memory', serviceName: 't' }).tracer).not.toBeInstanceOf(RecentTraceTracer);
    expect(createTracing({ exporter: 'none', serviceName: 't', recentTraces: false }).recording).toBe(false);
  });

  it('nests children under the active span across awaits, in one trace, with valid ids', async () => {
    const { store, tracer } = rig();
    await withSpan(tracer, 'parent', { 'lore.run.id': 'run_1' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withSpan(tracer, 'child', {}, async (s) => {
        s.setAttribute('n', 1).setAttributes({ skipped: undefined as unknown as string, kept: 'yes' });
      });
    });
    const spans = store.getTraceForRun('run_1');
    expect(spans.map((s) => s.name)).toEqual(['parent', 'child']);
    const [parent, child] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parent.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parent.parentSpanId).toBeUndefined();
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.attributes).toEqual({ n: 1, kept: 'yes' });
    expect(parent.status.code).toBe('ok');
    expect(parent.endTime! >= child.endTime!).toBe(true);
    expect(child.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('joins a caller trace from traceparent: the caller span is the parent, its flags are kept', () => {
    const { store, tracer } = rig();
    const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const ctx = propagation.extract(ROOT_CONTEXT, carrier);
    const span = tracer.startSpan('server', { kind: SpanKind.SERVER }, ctx);
    expect(span.spanContext()).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', traceFlags: 1 });
    span.end();
    const [rec] = store.getTrace('0af7651916cd43dd8448eb211c80319c');
    expect(rec).toMatchObject({ name: 'server', kind: 'server', parentSpanId: 'b7ad6b7169203331' });
    // ...and what it propagates onward names this span.
    const out: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), out);
    expect(out.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);
  });

  it('a root span takes the trace id forced by withTraceId (a run executed by a worker)', () => {
    const { tracer } = rig();
    const id = 'aaaabbbbccccddddeeeeffff00001111';
    const span = withTraceId(id, () => tracer.startSpan('run', { root: true }));
    expect(span.spanContext().traceId).toBe(id);
    // root: true ignores an active parent
    const parent = tracer.startSpan('other');
    const child = context.with(trace.setSpan(context.active(), parent), () => tracer.startSpan('root', { root: true }));
    expect(child.spanContext().traceId).not.toBe(parent.spanContext().traceId);
  });

  it('records exceptions and status as the SDK does; nothing changes after end', () => {
    const { store, tracer } = rig();
    const span = tracer.startSpan('failing');
    const err = Object.assign(new Error('boom'), { code: 'TOOL_TIMEOUT' });
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.setStatus({ code: SpanStatusCode.UNSET });
    span.addEvent('at-time', 1_700_000_000_000);
    span.end();
    span.setAttribute('late', true).updateName('renamed').addEvent('late');
    span.end();
    const [rec] = store.getTrace(span.spanContext().traceId);
    expect(rec!.name).toBe('failing');
    expect(rec!.attributes).toEqual({});
    expect(rec!.status).toEqual({ code: 'error', message: 'boom' });
    expect(rec!.events.map((e) => e.name)).toEqual(['exception', 'at-time']);
    expect(rec!.events[0]!.attributes).toMatchObject({ 'exception.type': 'TOOL_TIMEOUT', 'exception.message': 'boom' });
    expect(rec!.events[1]!.time).toBe(1_700_000_000_000);
    expect(span.isRecording()).toBe(false);
  });

  it('startActiveSpan takes each overload and makes the span active inside', () => {
    const { tracer } = rig();
    const seen: string[] = [];
    tracer.startActiveSpan('a', (s) => {
      seen.push(trace.getActiveSpan() === s ? 'a' : 'x');
      s.end();
    });
    tracer.startActiveSpan('b', { kind: SpanKind.CLIENT }, (s) => {
      seen.push(trace.getActiveSpan() === s ? 'b' : 'x');
      s.end();
    });
    const parent = tracer.startSpan('p');
    tracer.startActiveSpan('c', {}, trace.setSpan(ROOT_CONTEXT, parent), (s) => {
      seen.push(trace.getActiveSpan() === s && s.spanContext().traceId === parent.spanContext().traceId ? 'c' : 'x');
      s.end();
    });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps an open span visible, and copies: a record does not change when the span does', () => {
    const { store, tracer } = rig();
    const span = tracer.startSpan('open', { attributes: { 'lore.run.id': 'run_open' } });
    const before = store.getTraceForRun('run_open');
    expect(before[0]).toMatchObject({ name: 'open' });
    expect(before[0]!.endTime).toBeUndefined();
    span.setAttribute('later', 1);
    span.end();
    expect(before[0]!.attributes).not.toHaveProperty('later');
    expect(store.getTraceForRun('run_open')[0]!.attributes).toHaveProperty('later', 1);
  });
});
