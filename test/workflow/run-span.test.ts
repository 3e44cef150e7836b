import { context, trace } from '@opentelemetry/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';

/**
 * A run executed outside the request that created it (a queue worker, crash recovery): its span
 * is a true root in the run's own trace (the trace id the client got back), with no parent span
 * id that nobody exports; executed inside a span of that trace, it is that span's child.
 */
describe('the run span', () => {
  it('is a true root of the run trace when nothing live is its parent, and a child when something is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-runspan-'));
    const rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'silent' }), { traceExporter: 'memory' });
    const svc = createAgentService(rt, { evaluate: false });
    try {
      const spansOf = (traceId: string) => rt.tracing.memoryExporter!.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const runSpan = (traceId: string) => spansOf(traceId).find((s) => s.name === 'invoke_agent lore')!;

      // Queued: created now, executed later with no active span.
      const queued = await svc.enqueue({ tenantId: 't', sessionId: 's', userId: 'u', message: 'hello there' });
      await svc.resume(queued.runId);
      await rt.tracing.provider.forceFlush();
      const root = runSpan(queued.traceId);
      expect(root.spanContext().traceId).toBe(queued.traceId);
      expect(root.parentSpanContext).toBeUndefined();
      expect(root.links).toEqual([]);
      const ids = new Set(spansOf(queued.traceId).map((s) => s.spanContext().spanId));
      for (const s of spansOf(queued.traceId)) if (s !== root) expect(ids.has(s.parentSpanContext!.spanId)).toBe(true);

      // Executed inside a live span of the same trace (what the HTTP server span is): its child.
      const outer = rt.tracing.tracer.startSpan('outer');
      const traceId = outer.spanContext().traceId;
      await context.with(trace.setSpan(context.active(), outer), () => svc.start({ tenantId: 't', sessionId: 's2', userId: 'u', message: 'hello', traceId }));
      outer.end();
      await rt.tracing.provider.forceFlush();
      expect(runSpan(traceId).parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    } finally {
      await svc.close();
      rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
