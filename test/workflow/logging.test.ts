import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LoreError } from '../../src/errors.js';
import type { ModelProvider } from '../../src/models/provider.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';

describe('run logs', () => {
  it('carry the trace, run and session ids on every line written during a run, with secrets redacted', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
        cb();
      },
    });
    // A model that always refuses: the run fails through HandleError and an operator line is logged.
    const broken: ModelProvider = {
      specificationVersion: 'v1',
      modelId: 'broken',
      converse: async () => {
        throw new LoreError('MODEL_ERROR', 'AccessDeniedException: no access to this model', { details: { apiKey: 'sk-secret' } });
      },
      converseStream: () => {
        throw new LoreError('MODEL_ERROR', 'no access');
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'lore-log-'));
    const rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'info' }), { provider: broken, logDestination: sink });
    const svc = createAgentService(rt, { evaluate: false });
    try {
      const r = await svc.start({ tenantId: 't', sessionId: 'sess-1', userId: 'u', message: 'hello there' });
      expect(r.status).toBe('FAILED');
      rt.logger.info({ apiKey: 'sk-secret', user: { email: 'a@b.c' } }, 'outside a run');
      await new Promise((res) => setImmediate(res));
      const inRun = lines.filter((l) => l.runId === r.runId);
      expect(inRun.length).toBeGreaterThan(0);
      expect(inRun.find((l) => l.event === 'run_failed')).toMatchObject({ traceId: r.traceId, sessionId: 'sess-1', level: 'error' });
      const outside = lines.find((l) => l.msg === 'outside a run')!;
      expect(outside.runId).toBeUndefined();
      expect(outside.apiKey).toBe('[REDACTED]');
      expect((outside.user as { email: string }).email).toBe('[REDACTED]');
    } finally {
      await svc.close();
      rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
