import {
  context as contextApi,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import { KINDS, STATUS, type SpanRecord } from './span-store.js';
import { nextSpanId, nextTraceId } from './trace-ids.js';

/**
 * The tracer when spans are read only in this process (`GET /runs/:id/trace`) and exported
 * nowhere: exporter `none` with recent traces on, the default. The OpenTelemetry SDK's span does
 * work an in-process reader never needs (sampler, resource, limits, processor chain, [s, ns] time
 * pairs) and is a large object that the recent-trace store keeps for up to 1,000 traces, which
 * showed as garbage-collection time on every turn. This one is the record itself: a span is what
 * `GET /runs/:id/trace` returns, filled in as it runs. Same ids, parenting, context propagation and
 * traceparent joining as the SDK; with an exporter configured the SDK is used instead.
 */
export interface RecentSpanSink {
  /** A span started: keep it (open spans are shown too). */
  admit(span: RecentSpan): void;
  /** A span ended (its attributes may have gained the run id meanwhile). */
  ended(span: RecentSpan): void;
}

/** Epoch milliseconds of a TimeInput, read the way the SDK reads it. */
function toEpochMs(t: TimeInput | undefined): number {
  if (t === undefined) return performance.timeOrigin + performance.now();
  if (typeof t === 'number') return t < performance.timeOrigin / 2 ? performance.timeOrigin + t : t;
  if (t instanceof Date) return t.getTime();
  return t[0] * 1000 + t[1] / 1e6;
}

function isAttributeValue(v: unknown): v is AttributeValue {
  if (v === null || v === undefined) return false;
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || Array.isArray(v);
}

export class RecentSpan implements Span {
  readonly attributes: Attributes = {};
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  private events: SpanRecord['events'] | undefined;
  private endMs: number | undefined;

  constructor(
    private readonly sink: RecentSpanSink,
    private readonly ctx: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanId: string | undefined,
    readonly startMs: number,
    attributes: Attributes | undefined,
  ) {
    if (attributes) this.setAttributes(attributes);
  }

  spanContext(): SpanContext {
    return this.ctx;
  }

  get ended(): boolean {
    return this.endMs !== undefined;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.endMs === undefined && isAttributeValue(value)) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const k in attributes) this.setAttribute(k, attributes[k]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endMs !== undefined) return this;
    const timeFirst = typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const attrs = timeFirst ? undefined : (attributesOrTime as Attributes | undefined);
    const event: SpanRecord['events'][number] = { name, time: toEpochMs(timeFirst ? (attributesOrTime as TimeInput) : time) };
    if (attrs) {
      const kept: Record<string, AttributeValue> = {};
      for (const k in attrs) if (isAttributeValue(attrs[k])) kept[k] = attrs[k];
      event.attributes = kept;
    }
    (this.events ??= []).push(event);
    return this;
  }

  // Links are not shown by GET /runs/:id/trace (nor were they before); accepted and dropped.
  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endMs !== undefined) return this;
    // As the SDK: OK is final, and UNSET never overrides a status already set.
    if (this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.status = status.message !== undefined && status.code === SpanStatusCode.ERROR ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (this.endMs === undefined) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endMs !== undefined) return;
    this.endMs = Math.max(this.startMs, toEpochMs(endTime));
    this.sink.ended(this);
  }

  isRecording(): boolean {
    return this.endMs === undefined;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attrs: Attributes = {};
    if (typeof exception === 'string') attrs['exception.message'] = exception;
    else {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attrs['exception.type'] = type;
      if (exception.message) attrs['exception.message'] = exception.message;
      if (exception.stack) attrs['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attrs, time);
  }

  /** The span as `GET /runs/:id/trace` returns it (copies: later changes do not leak into it). */
  toRecord(): SpanRecord {
    const r: SpanRecord = {
      traceId: this.ctx.traceId,
      spanId: this.ctx.spanId,
      name: this.name,
      kind: KINDS[this.kind] ?? 'internal',
      startTime: this.startMs,
      attributes: { ...(this.attributes as Record<string, AttributeValue>) },
      status: { code: STATUS[this.status.code] ?? 'unset', ...(this.status.message ? { message: this.status.message } : {}) },
      events: (this.events ?? []).map((e) => ({ ...e, ...(e.attributes ? { attributes: { ...e.attributes } } : {}) })),
    };
    if (this.parentSpanId) r.parentSpanId = this.parentSpanId;
    if (this.endMs !== undefined) {
      r.endTime = this.endMs;
      r.durationMs = this.endMs - this.startMs;
    }
    return r;
  }
}

export class RecentTraceTracer implements Tracer {
  constructor(private readonly sink: RecentSpanSink) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span {
    const parent = options.root ? undefined : trace.getSpanContext(ctx);
    const live = parent && isSpanContextValid(parent) ? parent : undefined;
    const spanContext: SpanContext = {
      traceId: live ? live.traceId : nextTraceId(),
      spanId: nextSpanId(),
      traceFlags: live ? live.traceFlags : TraceFlags.SAMPLED,
      ...(live?.traceState ? { traceState: live.traceState } : {}),
    };
    const span = new RecentSpan(this.sink, spanContext, name, options.kind ?? SpanKind.INTERNAL, live?.spanId, toEpochMs(options.startTime), options.attributes);
    this.sink.admit(span);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (c ?? (typeof b === 'function' ? b : a)) as (span: Span) => ReturnType<F>;
    const options = typeof a === 'function' ? {} : a;
    const parent = typeof b === 'object' && b !== null ? b : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), fn, undefined, span) as ReturnType<F>;
  }
}
