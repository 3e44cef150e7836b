import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogCorrelation } from './logger.js';

/**
 * The correlation ids of the work in progress (a run), carried across awaits, so every log line
 * written while a run executes — by the engine, a tool, the evaluator — has its trace, run and
 * session ids without threading a child logger through every call.
 */
const store = new AsyncLocalStorage<LogCorrelation>();

export function withLogContext<T>(ids: LogCorrelation, fn: () => T): T {
  return store.run({ ...store.getStore(), ...ids }, fn);
}

export function logContext(): LogCorrelation {
  return store.getStore() ?? {};
}
