import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let installed = false;

/**
 * Parent/child nesting across `await` needs a context manager; without one every span is a root.
 * W3C `traceparent`/`tracestate` extraction (the HTTP server span) needs the global propagator.
 * Both are process-global and stay installed: several Tracing instances (tests, CLI + server)
 * share them, and they carry no state of their own. The log correlation ids ride on the same
 * context (log-context.ts): one AsyncLocalStorage for both, since Node 20 runs every enabled
 * AsyncLocalStorage's hook on every promise the process creates.
 */
export function ensureContextManager(): void {
  if (installed) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  installed = true;
}
