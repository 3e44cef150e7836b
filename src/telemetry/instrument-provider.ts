import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { ModelProvider } from '../models/provider.js';
import type { CallOptions, ConverseRequest, ConverseStreamEvent, StopReason, Usage } from '../models/types.js';
import { estimateCost } from './cost.js';
import { logContext } from './log-context.js';
import type { LoreMetrics } from './metrics.js';
import { defaultPriceTable, type PriceTable } from './prices.js';
import { ATTR, modelCallAttributes, providerName, recordError } from './tracing.js';

export interface InstrumentOptions {
  /** Without one (nobody reads spans: Tracing.recording false) calls are timed and metered only. */
  tracer?: Tracer;
  metrics?: LoreMetrics;
  tenantId?: string;
  prices?: PriceTable;
}

/**
 * The model id as a metric label and span attribute: an openai-compatible spec's `@baseUrl` is
 * dropped (it may carry credentials, and the model name is what identifies the call's cost).
 */
export function modelLabel(modelId: string): string {
  return modelId.replace(/@https?:\/\/.*$/, '');
}

function requestModel(modelId: string): string {
  return modelLabel(modelId).replace(/^(bedrock|openai):/, '');
}

/**
 * Wrap a ModelProvider so every call is a GenAI `chat {model}` client span (nested under whatever
 * span is active) with gen_ai.* attributes, and feeds latency, token and cost metrics.
 * A stream's span opens on first read and closes when the stream ends, fails or is abandoned.
 */
export function instrumentProvider(provider: ModelProvider, options: InstrumentOptions): ModelProvider {
  const { tracer, metrics, tenantId } = options;
  const prices = options.prices ?? defaultPriceTable;
  const model = modelLabel(provider.modelId);

  // Fixed per provider: computed once, not on every call.
  const spanName = `chat ${requestModel(provider.modelId)}`;
  const providerAttr = providerName(provider.modelId);
  const modelAttr = requestModel(provider.modelId);
  const startAttributes = (req: ConverseRequest, stream: boolean): Attributes => ({
    [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR.GEN_AI_PROVIDER_NAME]: providerAttr,
    [ATTR.GEN_AI_REQUEST_MODEL]: modelAttr,
    [ATTR.STREAM]: stream,
    ...(req.inferenceConfig?.maxTokens === undefined ? {} : { [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: req.inferenceConfig.maxTokens }),
    ...(req.inferenceConfig?.temperature === undefined ? {} : { [ATTR.GEN_AI_REQUEST_TEMPERATURE]: req.inferenceConfig.temperature }),
    ...(tenantId ? { [ATTR.TENANT_ID]: tenantId } : {}),
  });

  // The run's tenant (set by the workflow executor's log context) when the wrapper has none.
  const tenantOf = () => tenantId ?? logContext().tenantId;

  const succeed = (span: Span | undefined, latencyMs: number, usage?: Usage, stopReason?: StopReason): void => {
    const tenant = tenantOf();
    const cost = usage ? estimateCost(provider.modelId, usage, prices) : undefined;
    span?.setAttributes(modelCallAttributes({ ...(usage ? { usage } : {}), ...(stopReason ? { stopReason } : {}), latencyMs, ...(cost?.priced ? { costUsd: cost.usd } : {}) }));
    metrics?.modelCall({ model, ...(tenant ? { tenant } : {}), latencyMs, status: 'ok', ...(usage ? { usage } : {}), ...(cost ? { cost } : {}) });
  };

  const fail = (span: Span | undefined, latencyMs: number, e: unknown): void => {
    if (span) {
      span.setAttribute(ATTR.LATENCY_MS, latencyMs);
      recordError(span, e);
    }
    const tenant = tenantOf();
    metrics?.modelCall({ model, ...(tenant ? { tenant } : {}), latencyMs, status: 'error' });
  };

  /** A call nobody traces: timed and metered, without a span or a context switch. */
  const untraced: ModelProvider['converse'] = async (request, callOptions) => {
    const t0 = performance.now();
    try {
      const res = await provider.converse(request, callOptions);
      succeed(undefined, elapsed(t0), res.usage, res.stopReason);
      return res;
    } catch (e) {
      fail(undefined, elapsed(t0), e);
      throw e;
    }
  };

  return {
    specificationVersion: provider.specificationVersion,
    modelId: provider.modelId,

    converse(request, callOptions) {
      if (!tracer) return untraced(request, callOptions);
      return tracer.startActiveSpan(spanName, { kind: SpanKind.CLIENT, attributes: startAttributes(request, false) }, async (span) => {
        const t0 = performance.now();
        try {
          const res = await provider.converse(request, callOptions);
          succeed(span, elapsed(t0), res.usage, res.stopReason);
          span.setStatus({ code: SpanStatusCode.OK });
          return res;
        } catch (e) {
          fail(span, elapsed(t0), e);
          throw e;
        } finally {
          span.end();
        }
      });
    },

    converseStream(request: ConverseRequest, callOptions?: CallOptions): AsyncIterable<ConverseStreamEvent> {
      return (async function* stream() {
        const span = tracer?.startSpan(spanName, { kind: SpanKind.CLIENT, attributes: startAttributes(request, true) });
        const ctx = span ? trace.setSpan(context.active(), span) : context.active();
        const t0 = performance.now();
        let usage: Usage | undefined;
        let stopReason: StopReason | undefined;
        let first = true;
        let settled = false;
        let inner: AsyncIterator<ConverseStreamEvent> | undefined;
        try {
          inner = context.with(ctx, () => provider.converseStream(request, callOptions)[Symbol.asyncIterator]());
          for (;;) {
            const r = await context.with(ctx, () => inner!.next());
            if (r.done) break;
            const e = r.value;
            if (first) {
              span?.setAttribute(ATTR.TIME_TO_FIRST_EVENT_MS, elapsed(t0));
              first = false;
            }
            if ('metadata' in e) usage = e.metadata.usage;
            else if ('messageStop' in e) stopReason = e.messageStop.stopReason;
            yield e;
          }
          settled = true;
          succeed(span, elapsed(t0), usage, stopReason);
          span?.setStatus({ code: SpanStatusCode.OK });
        } catch (e) {
          settled = true;
          fail(span, elapsed(t0), e);
          throw e;
        } finally {
          if (!settled) {
            // The consumer stopped reading: close the provider's stream and keep what was seen.
            span?.setAttribute(ATTR.STREAM_CANCELLED, true);
            succeed(span, elapsed(t0), usage, stopReason);
            await inner?.return?.().catch(() => undefined);
          }
          span?.end();
        }
      })();
    },
  };
}

const elapsed = (t0: number): number => Math.round((performance.now() - t0) * 1000) / 1000;
