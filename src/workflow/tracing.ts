import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { ATTR, recordError } from '../telemetry/tracing.js';
import type { RunRecord } from './types.js';

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The run's span, parented so that its trace id IS the run's trace id (the correlation id clients
 * get back and logs carry). The parent is a synthetic remote context, exactly as if the id had
 * arrived in a `traceparent` header.
 */
export function startRunSpan(tracer: Tracer, run: RunRecord, resumed: boolean): { span: Span; ctx: Context } {
  const parent = TRACE_ID.test(run.traceId)
    ? trace.setSpanContext(ROOT_CONTEXT, { traceId: run.traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true })
    : ROOT_CONTEXT;
  const span = tracer.startSpan(
    'lore.run',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR.RUN_ID]: run.runId,
        [ATTR.SESSION_ID]: run.sessionId,
        [ATTR.TENANT_ID]: run.tenantId,
        'enduser.id': run.userId,
        'lore.run.resumed': resumed,
      },
    },
    parent,
  );
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Run `fn` inside a child span of `parent`; the span ends when `fn` settles. */
export async function inSpan<T>(
  tracer: Tracer | undefined,
  parent: Context,
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span?: Span) => Promise<T>,
  /** Exceptions used for control flow (a pause for approval) are not failures. */
  isControlFlow: (e: unknown) => boolean = () => false,
): Promise<T> {
  if (!tracer) return fn();
  const span = tracer.startSpan(name, { attributes }, parent);
  return within(span, trace.setSpan(parent, span), () => fn(span), isControlFlow);
}

/** Run `fn` with `span` active (in `ctx`); a failure is recorded on it, and it ends when `fn` settles. */
export async function within<T>(span: Span, ctx: Context, fn: () => Promise<T>, isControlFlow: (e: unknown) => boolean = () => false): Promise<T> {
  try {
    return await context.with(ctx, fn);
  } catch (e) {
    if (isControlFlow(e)) span.setAttribute('lore.suspended', true);
    else recordError(span, e);
    throw e;
  } finally {
    span.end();
  }
}
