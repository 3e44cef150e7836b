import { context, isSpanContextValid, SpanKind, trace, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR, recordError, withTraceId } from '../telemetry/tracing.js';
import type { RunRecord } from './types.js';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** The agent name on `invoke_agent` spans. */
export const AGENT_NAME = 'lore';

/**
 * The run's span, a GenAI `invoke_agent` span whose trace id IS the run's trace id (the
 * correlation id clients get back and logs carry). Executed inside the request that carries that
 * trace (POST /chat, with or without the caller's `traceparent`), it is a child of the request's
 * server span. Executed with no live parent in its trace (a queue worker, crash recovery, an
 * approval decided in a later request), it is a true root of its own trace, linked to whatever
 * span is active — never the child of a parent span that is not exported.
 */
export function startRunSpan(tracer: Tracer, run: RunRecord, resumed: boolean): { span: Span; ctx: Context } {
  const active = context.active();
  const activeSpan = trace.getSpanContext(active);
  const live = activeSpan && isSpanContextValid(activeSpan) ? activeSpan : undefined;
  const attributes = {
    [ATTR.GEN_AI_OPERATION_NAME]: 'invoke_agent',
    [ATTR.GEN_AI_AGENT_NAME]: AGENT_NAME,
    [ATTR.GEN_AI_CONVERSATION_ID]: run.sessionId,
    [ATTR.RUN_ID]: run.runId,
    [ATTR.SESSION_ID]: run.sessionId,
    [ATTR.TENANT_ID]: run.tenantId,
    'enduser.id': run.userId,
    'lore.run.resumed': resumed,
  };
  const name = `invoke_agent ${AGENT_NAME}`;
  if (live && (live.traceId === run.traceId || !TRACE_ID.test(run.traceId))) {
    const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, active);
    return { span, ctx: trace.setSpan(active, span) };
  }
  const links: Link[] = live ? [{ context: live }] : [];
  const start = () => tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes, links, root: true }, active);
  const span = TRACE_ID.test(run.traceId) ? withTraceId(run.traceId, start) : start();
  return { span, ctx: trace.setSpan(active, span) };
}

/** Run `fn` inside a child span of `parent`; the span ends when `fn` settles. */
export function inSpan<T>(
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

/**
 * Run `fn` with `span` active (in `ctx`); a failure is recorded on it, and it ends when `fn` settles.
 * Continuations on the returned promise, not an async function around an `await`: one promise
 * fewer per span (each costs an async-hook round while a context manager is installed).
 */
export function within<T>(span: Span, ctx: Context, fn: () => Promise<T>, isControlFlow: (e: unknown) => boolean = () => false): Promise<T> {
  let p: Promise<T>;
  try {
    p = context.with(ctx, fn);
  } catch (e) {
    p = Promise.reject(e);
  }
  return p.then(
    (v) => {
      span.end();
      return v;
    },
    (e: unknown) => {
      if (isControlFlow(e)) span.setAttribute('lore.suspended', true);
      else recordError(span, e);
      span.end();
      throw e;
    },
  );
}
