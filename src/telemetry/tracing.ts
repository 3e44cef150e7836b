import { ProxyTracerProvider, SpanStatusCode, trace, type Attributes, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { isLoreError } from '../errors.js';
import type { StopReason, Usage } from '../models/types.js';
import { RecentTraceTracer } from './recent-tracer.js';
import { ensureContextManager } from './async-context.js';
import { SpanStore, type SpanRecord, type SpanStoreOptions } from './span-store.js';
import { nextSpanId, nextTraceId } from './trace-ids.js';

// Versions: the OpenTelemetry SDK line that runs on Node 20 (sdk-trace-base 2.x, exporter 0.2xx)
// declares @opentelemetry/api <1.10 as its peer; 3.x needs Node 22. So the api is pinned to 1.9.x.

export type { SpanRecord } from './span-store.js';
export { SpanStore } from './span-store.js';
export { withTraceId } from './trace-ids.js';

/**
 * Span attribute names. The gen_ai.* names follow the OpenTelemetry GenAI semantic conventions
 * (still incubating upstream, so they are copied here rather than imported, as the semconv
 * package advises); lore.* are ours. Span names follow them too: `invoke_agent {agent}`,
 * `chat {model}`, `execute_tool {tool}`.
 */
export const ATTR = {
  GEN_AI_OPERATION_NAME: 'gen_ai.operation.name',
  GEN_AI_PROVIDER_NAME: 'gen_ai.provider.name',
  GEN_AI_REQUEST_MODEL: 'gen_ai.request.model',
  GEN_AI_REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  GEN_AI_REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  GEN_AI_USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  GEN_AI_USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  GEN_AI_RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  LATENCY_MS: 'lore.latency_ms',
  TIME_TO_FIRST_EVENT_MS: 'lore.time_to_first_event_ms',
  COST_USD: 'lore.cost_usd',
  STREAM: 'lore.stream',
  STREAM_CANCELLED: 'lore.stream.cancelled',
  GEN_AI_TOOL_NAME: 'gen_ai.tool.name',
  GEN_AI_TOOL_CALL_ID: 'gen_ai.tool.call.id',
  GEN_AI_TOOL_TYPE: 'gen_ai.tool.type',
  GEN_AI_AGENT_NAME: 'gen_ai.agent.name',
  GEN_AI_CONVERSATION_ID: 'gen_ai.conversation.id',
  TOOL_STATUS: 'lore.tool.status',
  RUN_ID: 'lore.run.id',
  SESSION_ID: 'lore.session.id',
  TENANT_ID: 'lore.tenant.id',
  STEP: 'lore.step',
  ERROR_TYPE: 'error.type',
} as const;

export type TraceExporterKind = 'none' | 'console' | 'otlp' | 'memory';

export interface TracingOptions {
  exporter: TraceExporterKind;
  /** OTLP/HTTP endpoint; a bare origin gets `/v1/traces` appended. */
  otlpEndpoint?: string;
  serviceName: string;
  serviceVersion?: string;
  spanStore?: SpanStoreOptions;
  /** Keep recent traces in memory (default true). With exporter 'none' and this off nobody reads spans: none is recorded. */
  recentTraces?: boolean;
}

export interface Tracing {
  tracer: Tracer;
  /**
   * False when nothing would read a span (no exporter, no recent-trace store): `tracer` is then
   * OpenTelemetry's no-op tracer, and callers that can skip span work altogether should.
   */
  recording: boolean;
  provider: BasicTracerProvider;
  /** Recent traces in memory; backs `GET /runs/:id/trace`. */
  spans: SpanStore;
  /** Only with `exporter: 'memory'` (tests). */
  memoryExporter?: InMemorySpanExporter;
  getTrace(traceId: string): SpanRecord[];
  /** Flushes pending exports and stops the provider. */
  shutdown(): Promise<void>;
}

export { ensureContextManager } from './async-context.js';

/** The SDK provider's ids: see trace-ids.ts (a run's forced trace id for its root span). */
class RunTraceIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return nextTraceId();
  }
  generateSpanId(): string {
    return nextSpanId();
  }
}

export function otlpTracesUrl(endpoint: string): string {
  const u = new URL(endpoint);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/traces';
  return u.toString();
}

export function createTracing(options: TracingOptions): Tracing {
  ensureContextManager();
  const spans = new SpanStore(options.spanStore);
  const processors: SpanProcessor[] = [spans];
  let memoryExporter: InMemorySpanExporter | undefined;
  switch (options.exporter) {
    case 'memory':
      memoryExporter = new InMemorySpanExporter();
      processors.push(new SimpleSpanProcessor(memoryExporter));
      break;
    case 'console':
      processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
      break;
    case 'otlp':
      processors.push(
        new BatchSpanProcessor(
          new OTLPTraceExporter({ ...(options.otlpEndpoint ? { url: otlpTracesUrl(options.otlpEndpoint) } : {}), timeoutMillis: 10_000 }),
        ),
      );
      break;
    case 'none':
      break;
  }
  // The SDK's env detector reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; they win over
  // Lore's defaults, as the OpenTelemetry spec asks. (OTEL_EXPORTER_OTLP_* are read by the exporter.)
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName,
    ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
  }).merge(detectResources({ detectors: [envDetector] }));
  // Nobody listens: no exporter and no recent-trace store. Spans would cost ~10 µs each (SDK span,
  // attributes, processor) plus a context switch per step for nothing, so none is recorded.
  const recording = options.exporter !== 'none' || options.recentTraces !== false;
  if (!recording) processors.length = 0;
  const provider = new BasicTracerProvider({ resource, spanProcessors: processors, idGenerator: new RunTraceIdGenerator() });
  // Read only here (no exporter): the recent-trace tracer records straight into the store, at a
  // fraction of the SDK span's cost (recent-tracer.ts). An exporter needs the SDK's spans.
  const tracer = !recording
    ? new ProxyTracerProvider().getTracer('lore')
    : options.exporter === 'none'
      ? new RecentTraceTracer(spans)
      : provider.getTracer('lore', options.serviceVersion);
  let shutdown: Promise<void> | undefined;
  return {
    tracer,
    recording,
    provider,
    spans,
    ...(memoryExporter ? { memoryExporter } : {}),
    getTrace: (traceId) => spans.getTrace(traceId),
    shutdown: () => (shutdown ??= provider.shutdown()),
  };
}

/** Mark a span failed and attach the exception (with its Lore error code, when it has one). */
export function recordError(span: Span, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  span.recordException(err);
  span.setAttribute(ATTR.ERROR_TYPE, isLoreError(e) ? e.code : err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Run `fn` inside a new active span: children created within it (across awaits) nest under it.
 * A throw records the exception, sets ERROR and rethrows; success sets OK unless `fn` already
 * set a status itself (e.g. ERROR for a tool that returned an error result).
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  options: { kind?: SpanKind } = {},
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, ...(options.kind === undefined ? {} : { kind: options.kind }) }, async (span) => {
    try {
      const result = await fn(span);
      const status = (span as Partial<ReadableSpan>).status;
      if (!status || status.code === SpanStatusCode.UNSET) span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The active trace id, for log correlation; undefined outside any span. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** The GenAI `execute_tool` span's attributes (status is ours: the convention has none). */
export function toolCallAttributes(name: string, status: 'success' | 'error', toolUseId?: string): Attributes {
  return { [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR.GEN_AI_TOOL_NAME]: name, [ATTR.GEN_AI_TOOL_TYPE]: 'function', [ATTR.TOOL_STATUS]: status, ...(toolUseId ? { [ATTR.GEN_AI_TOOL_CALL_ID]: toolUseId } : {}) };
}

/** `gen_ai.provider.name` from a Lore model spec (`bedrock:…`, `openai:…@url`, `offline`). */
export function providerName(modelId: string): string {
  if (modelId.startsWith('bedrock:')) return 'aws.bedrock';
  if (modelId.startsWith('openai:')) return 'openai';
  return modelId === 'offline' ? 'lore.offline' : modelId.split(':')[0]!;
}

/** Attributes of a finished model call; call at span end with whatever is known. */
export function modelCallAttributes(r: { usage?: Usage; stopReason?: StopReason; latencyMs?: number; costUsd?: number }): Attributes {
  const a: Attributes = {};
  if (r.usage) {
    a[ATTR.GEN_AI_USAGE_INPUT_TOKENS] = r.usage.inputTokens;
    a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS] = r.usage.outputTokens;
    a[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = r.usage.cacheReadInputTokens ?? 0;
    a[ATTR.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] = r.usage.cacheWriteInputTokens ?? 0;
  }
  if (r.stopReason) a[ATTR.GEN_AI_RESPONSE_FINISH_REASONS] = [r.stopReason];
  if (r.latencyMs !== undefined) a[ATTR.LATENCY_MS] = r.latencyMs;
  if (r.costUsd !== undefined) a[ATTR.COST_USD] = r.costUsd;
  return a;
}
