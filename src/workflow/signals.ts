/**
 * One signal that fires when either input does (the caller's abort or the engine shutting down).
 * Listeners are wired by hand and removed on dispose: AbortSignal.any() leaks on some Node 20s.
 */
export function linkSignals(a: AbortSignal | undefined, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const c = new AbortController();
  const onA = () => c.abort(a?.reason);
  const onB = () => c.abort(b.reason);
  if (a?.aborted) onA();
  else a?.addEventListener('abort', onA, { once: true });
  if (b.aborted) onB();
  else b.addEventListener('abort', onB, { once: true });
  return {
    signal: c.signal,
    dispose: () => {
      a?.removeEventListener('abort', onA);
      b.removeEventListener('abort', onB);
    },
  };
}
