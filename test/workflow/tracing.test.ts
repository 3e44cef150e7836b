import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';

describe('run tracing', () => {
  it('forms one span tree per run: run → steps → model and tool calls, with token counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-trace-'));
    // intent: model, so the turn has a classification call whose usage must be counted too.
    const rt = createRuntime(loadConfig({ LORE_INTENT: 'model' }, { dataDir: dir, logLevel: 'silent' }), { traceExporter: 'memory' });
    const svc = createAgentService(rt, { evaluate: false });
    try {
      const r = await svc.start({ tenantId: 't', sessionId: 's', userId: 'u', message: 'what is 17*23?' });
      await rt.tracing.provider.forceFlush();
      expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
      const spans = rt.tracing.memoryExporter!.getFinishedSpans().filter((s) => s.spanContext().traceId === r.traceId);
      const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      const parentOf = (s: (typeof spans)[number]) => byId.get(s.parentSpanContext?.spanId ?? '');

      const roots = spans.filter((s) => !parentOf(s));
      expect(roots.map((s) => s.name)).toEqual(['invoke_agent lore']);
      const run = roots[0]!;
      expect(run.attributes['lore.run.id']).toBe(r.runId);

      const steps = spans.filter((s) => s.name.startsWith('step '));
      expect(steps.every((s) => parentOf(s) === run)).toBe(true);
      expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(['step Dispatch', 'step BuildContext', 'step Reason', 'step HandleResponse']));

      const reasonStep = steps.find((s) => s.name === 'step Reason')!;
      const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
      expect(tools.map((s) => [s.name, s.attributes['lore.tool.status'], parentOf(s)?.name])).toEqual([['execute_tool calculator', 'success', 'step Reason']]);

      const models = spans.filter((s) => parentOf(s) && s.attributes['gen_ai.usage.input_tokens'] !== undefined);
      expect(models.length).toBe(3); // intent classification + two Reason calls
      const reasonModels = models.filter((s) => parentOf(s) === reasonStep);
      expect(reasonModels).toHaveLength(2);
      // The run's usage covers every model call of the turn, intent classification included.
      const sum = (k: string) => models.reduce((n, s) => n + Number(s.attributes[k]), 0);
      expect(sum('gen_ai.usage.input_tokens')).toBe(r.usage.inputTokens);
      expect(sum('gen_ai.usage.output_tokens')).toBe(r.usage.outputTokens);
      // The in-process store backs GET /runs/:id/trace.
      expect(rt.tracing.getTrace(r.traceId).length).toBe(spans.length);
    } finally {
      await svc.close();
      rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
