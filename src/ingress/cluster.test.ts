import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../telemetry/span-store.js';
import { mergeSpans } from './cluster.js';

const span = (spanId: string, startTime: number, endTime?: number): SpanRecord => ({
  traceId: 't',
  spanId,
  name: spanId,
  kind: 'internal',
  startTime,
  ...(endTime !== undefined ? { endTime, durationMs: endTime - startTime } : {}),
  attributes: {},
  status: { code: 'unset' },
  events: [],
});

describe('mergeSpans', () => {
  it('merges the spans several processes hold into one trace: each span once, ended copy preferred, by start time', () => {
    // A run that crashed in one process (its run span still open there) and resumed in another.
    const first = [span('run-1', 10), span('step-a', 11, 12)];
    const second = [span('run-2', 20, 30), span('step-b', 21, 29), span('step-a', 11, 12)];
    const closedElsewhere = [span('run-1', 10, 15)];
    const merged = mergeSpans([first, second, closedElsewhere]);
    expect(merged.map((s) => s.spanId)).toEqual(['run-1', 'step-a', 'run-2', 'step-b']);
    expect(merged[0]!.endTime).toBe(15);
  });
});
