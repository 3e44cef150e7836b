import { randomFillSync } from 'node:crypto';

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

// Random bytes are drawn 4 KiB at a time: one CSPRNG call per ~300 spans instead of string
// building per id (which showed in the per-turn profile).
const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/** Random lowercase hex of `bytes` bytes, never all zeros (an invalid id). */
function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL.length) {
      randomFillSync(POOL);
      offset = 0;
    }
    const start = offset;
    offset += bytes;
    for (let i = start; i < offset; i++) if (POOL[i] !== 0) return POOL.toString('hex', start, offset);
  }
}

/** The id of a new root span's trace: the forced one inside `withTraceId`, else random. */
export function nextTraceId(): string {
  return forcedTraceId ?? randomHex(16);
}

export function nextSpanId(): string {
  return randomHex(8);
}
