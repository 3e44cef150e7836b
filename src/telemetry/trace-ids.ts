/**
 * Trace and span ids, shared by the OpenTelemetry SDK's provider (through RunTraceIdGenerator)
 * and by the recent-trace tracer (recent-tracer.ts).
 *
 * A run's trace id is chosen when the run is created (it is what the client gets back); when the
 * run later executes with no live parent (a queue worker, recovery), its span must be a true root
 * *in that trace*, not the child of an invented remote parent. `withTraceId` makes the next root
 * span created synchronously inside it take the given id.
 */
let forcedTraceId: string | undefined;

export function withTraceId<T>(traceId: string, fn: () => T): T {
  forcedTraceId = traceId;
  try {
    return fn();
  } finally {
    forcedTraceId = undefined;
  }
}

/** Random lowercase hex of `chars` characters (a multiple of 8), never all zeros (an invalid id). */
function randomHex(chars: number): string {
  for (;;) {
    let s = '';
    let zero = true;
    for (let i = 0; i < chars; i += 8) {
      const word = (Math.random() * 0x1_0000_0000) >>> 0;
      if (word !== 0) zero = false;
      s += word.toString(16).padStart(8, '0');
    }
    if (!zero) return s;
  }
}

/** The id of a new root span's trace: the forced one inside `withTraceId`, else random. */
export function nextTraceId(): string {
  return forcedTraceId ?? randomHex(32);
}

export function nextSpanId(): string {
  return randomHex(16);
}
