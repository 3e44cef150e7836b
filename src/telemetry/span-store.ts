import { SpanKind, SpanStatusCode, type AttributeValue, type Context, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RecentSpan, RecentSpanSink } from './recent-tracer.js';

/** One span as `GET /runs/:id/trace` returns it. Times are Unix epoch milliseconds. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  startTime: number;
  /** Absent while the span is still open. */
  endTime?: number;
  durationMs?: number;
  attributes: Record<string, AttributeValue>;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  events: Array<{ name: string; time: number; attributes?: Record<string, AttributeValue> }>;
}

export interface SpanStoreOptions {
  /** Traces kept, least recently active evicted first. */
  maxTraces?: number;
  /** Spans kept per trace; later ones are dropped (a runaway loop must not grow memory). */
  maxSpansPerTrace?: number;
  /** Span attribute that names the run a trace belongs to, for lookup by run id. */
  runIdAttribute?: string;
}

/** An SDK span (exporter configured) or the recent-trace tracer's own (recent-tracer.ts). */
type HeldSpan = ReadableSpan | RecentSpan;

interface TraceEntry {
  spans: Map<string, HeldSpan>;
  runIds: Set<string>;
  dropped: number;
}

export const KINDS: Record<SpanKind, SpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

export const STATUS: Record<SpanStatusCode, SpanRecord['status']['code']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

const toMs = (t: HrTime): number => t[0] * 1000 + t[1] / 1e6;

/**
 * A span processor that keeps recent traces in memory, so a run's trace can be served without
 * an external collector. Spans are held from start, so an in-flight run shows its open spans.
 */
export class SpanStore implements SpanProcessor, RecentSpanSink {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly runs = new Map<string, string>();
  private readonly maxTraces: number;
  private readonly maxSpans: number;
  private readonly runIdAttribute: string;

  constructor(options: SpanStoreOptions = {}) {
    this.maxTraces = options.maxTraces ?? 1000;
    this.maxSpans = options.maxSpansPerTrace ?? 1000;
    this.runIdAttribute = options.runIdAttribute ?? 'lore.run.id';
  }

  onStart(span: Span, _parentContext: Context): void {
    this.admit(span);
  }

  onEnd(span: ReadableSpan): void {
    this.ended(span);
  }

  admit(span: HeldSpan): void {
    const { traceId, spanId } = span.spanContext();
    const entry = this.touch(traceId);
    if (entry.spans.size >= this.maxSpans) {
      entry.dropped++;
      return;
    }
    entry.spans.set(spanId, span);
    this.indexRun(traceId, entry, span);
  }

  ended(span: HeldSpan): void {
    const { traceId } = span.spanContext();
    const entry = this.traces.get(traceId);
    // The run id is often set after start; index it now too.
    if (entry) this.indexRun(traceId, entry, span);
  }

  /** Spans of a trace ordered by start time; empty when unknown or evicted. */
  getTrace(traceId: string): SpanRecord[] {
    const entry = this.traces.get(traceId);
    if (!entry) return [];
    return [...entry.spans.values()].map(toRecord).sort((a, b) => a.startTime - b.startTime);
  }

  traceIdForRun(runId: string): string | undefined {
    return this.runs.get(runId);
  }

  getTraceForRun(runId: string): SpanRecord[] {
    const id = this.runs.get(runId);
    return id ? this.getTrace(id) : [];
  }

  /** Spans dropped from a trace for exceeding `maxSpansPerTrace`. */
  droppedSpans(traceId: string): number {
    return this.traces.get(traceId)?.dropped ?? 0;
  }

  get size(): number {
    return this.traces.size;
  }

  clear(): void {
    this.traces.clear();
    this.runs.clear();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private touch(traceId: string): TraceEntry {
    let entry = this.traces.get(traceId);
    if (entry) {
      // Re-insert to mark it most recently used (Map iterates in insertion order).
      this.traces.delete(traceId);
    } else {
      entry = { spans: new Map(), runIds: new Set(), dropped: 0 };
    }
    this.traces.set(traceId, entry);
    while (this.traces.size > this.maxTraces) {
      const [oldestId, oldest] = this.traces.entries().next().value as [string, TraceEntry];
      this.traces.delete(oldestId);
      for (const r of oldest.runIds) if (this.runs.get(r) === oldestId) this.runs.delete(r);
    }
    return entry;
  }

  private indexRun(traceId: string, entry: TraceEntry, span: HeldSpan): void {
    const runId = span.attributes[this.runIdAttribute];
    if (typeof runId === 'string' && !entry.runIds.has(runId)) {
      entry.runIds.add(runId);
      this.runs.set(runId, traceId);
    }
  }
}

function toRecord(held: HeldSpan): SpanRecord {
  if ('toRecord' in held) return held.toRecord();
  const span = held;
  const ctx = span.spanContext();
  const start = toMs(span.startTime);
  const r: SpanRecord = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    startTime: start,
    attributes: { ...(span.attributes as Record<string, AttributeValue>) },
    status: { code: STATUS[span.status.code] ?? 'unset', ...(span.status.message ? { message: span.status.message } : {}) },
    events: span.events.map((e) => ({
      name: e.name,
      time: toMs(e.time),
      ...(e.attributes ? { attributes: { ...(e.attributes as Record<string, AttributeValue>) } } : {}),
    })),
  };
  if (span.parentSpanContext?.spanId) r.parentSpanId = span.parentSpanContext.spanId;
  if (span.ended) {
    r.endTime = toMs(span.endTime);
    r.durationMs = toMs(span.duration);
  }
  return r;
}
