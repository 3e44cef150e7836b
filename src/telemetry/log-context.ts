import { context, createContextKey } from '@opentelemetry/api';
import { ensureContextManager } from './async-context.js';
import type { LogCorrelation } from './logger.js';

/**
 * The correlation ids of the work in progress (a run), carried across awaits, so every log line
 * written while a run executes — by the engine, a tool, the evaluator — has its trace, run and
 * session ids without threading a child logger through every call. They are a value of the
 * OpenTelemetry context, not an AsyncLocalStorage of their own: a second one doubled the
 * per-promise async-hook work of the whole process for four strings.
 */
const KEY = createContextKey('lore.log-correlation');

export function withLogContext<T>(ids: LogCorrelation, fn: () => T): T {
  ensureContextManager();
  const active = context.active();
  return context.with(active.setValue(KEY, { ...(active.getValue(KEY) as LogCorrelation | undefined), ...ids }), fn);
}

export function logContext(): LogCorrelation {
  return (context.active().getValue(KEY) as LogCorrelation | undefined) ?? {};
}
