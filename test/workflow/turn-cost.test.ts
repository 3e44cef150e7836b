import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';
import { BASE_SYSTEM_PROMPT } from '../../src/memory/prompts.js';
import { referenceStatic, resolveStatic, SYSTEM_PROMPT_REF } from '../../src/workflow/static-refs.js';
import { tempDir } from './fixtures.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * Issue 15: a durable turn commits its run row, then everything else together (pipelined
 * checkpoints); step JSON carries a reference to the static system prompt, not the text; with no
 * exporter and no recent-trace store nothing records spans.
 */
describe('turn cost', () => {
  const tmp = tempDir('lore-turncost-');
  afterAll(() => tmp.cleanup());

  it('a plain turn is at most 4 SQLite commits, and its step JSON references the system prompt', async () => {
    const rt = createRuntime(loadConfig({}, { dataDir: tmp.dir, logLevel: 'silent' }));
    const svc = createAgentService(rt, { evaluate: false });
    try {
      await rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: 'docs/api.md', kind: 'document', text: 'The internal API rate limit is 100 req/s.' });
      const ask = (sessionId: string) => svc.start({ tenantId: 'default', sessionId, userId: 'u1', message: 'What is the rate limit of our internal API?' });
      await ask('warm');
      // Count real transactions on this connection: BEGIN statements outside a transaction, and
      // write statements run in autocommit. (Wrapping the statement prototype sees every store.)
      let commits = 0;
      const probe = new Database(':memory:');
      const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown };
      probe.close();
      const run = proto.run;
      proto.run = function (this: { readonly: boolean; source: string; database: Database.Database }, ...a: unknown[]) {
        if (this.database === (sqliteDb(rt) as unknown as Database.Database)) {
          if (/^\s*BEGIN\b/i.test(this.source)) commits++;
          else if (!this.readonly && !this.database.inTransaction && !/^\s*(COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(this.source)) commits++;
        }
        return run.apply(this, a);
      };
      let r;
      try {
        r = await ask('counted');
      } finally {
        proto.run = run;
      }
      expect(r.status).toBe('COMPLETED');
      expect(r.answer).toContain('100 req/s');
      expect(commits).toBeGreaterThan(0);
      expect(commits).toBeLessThanOrEqual(4);

      const run1 = await svc.engine.getRun({ tenantId: 'default', runId: r.runId });
      const ctx = run1!.steps.find((s) => s.step === 'BuildContext')!.output as { system: Array<Record<string, unknown>> };
      expect(ctx.system[0]).toMatchObject({ ref: SYSTEM_PROMPT_REF, sha256: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(JSON.stringify(run1!.steps)).not.toContain(BASE_SYSTEM_PROMPT.slice(0, 60));
      // Every step is recorded, in order, and the run ended with its lease released.
      expect(run1!.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse']);
      expect(await svc.runs.getLease({ runId: r.runId })).toBeNull();
    } finally {
      await svc.close();
      rt.close();
    }
  });

  it('puts the static prompt back from configuration, and passes older records through', () => {
    const blocks = [{ text: BASE_SYSTEM_PROMPT }, { cachePoint: { type: 'default' as const } }, { text: '<semantic_memory>x</semantic_memory>' }];
    const stored = referenceStatic(blocks, undefined);
    expect(stored[0]).toHaveProperty('ref', SYSTEM_PROMPT_REF);
    expect(stored.slice(1)).toEqual(blocks.slice(1));
    expect(resolveStatic(stored, undefined)).toEqual(blocks);
    expect(resolveStatic(blocks, undefined)).toEqual(blocks);
    // A persona changed since: the current prompt is used.
    expect(resolveStatic(stored, 'You are Ada.')[0]).toEqual({ text: expect.stringMatching(/^You are Ada\./) });
  });

  it('records no span when nobody listens (no exporter, telemetry.recentTraces false), and the turn still completes', async () => {
    const dir = tempDir('lore-turncost-noop-');
    const rt = createRuntime(loadConfig({}, { dataDir: dir.dir, logLevel: 'silent', 'telemetry.recentTraces': false }));
    const svc = createAgentService(rt, { evaluate: false });
    try {
      expect(rt.tracing.recording).toBe(false);
      expect(rt.turnDeps.tracer).toBeUndefined();
      const r = await svc.start({ tenantId: 'default', sessionId: 's', userId: 'u1', message: 'What is 17*23?' });
      expect(r.status).toBe('COMPLETED');
      expect(rt.tracing.getTrace(r.traceId)).toEqual([]);
      expect(rt.tracing.spans.size).toBe(0);
      // Model metrics are still kept (the Prometheus endpoint reads them).
      expect(await rt.metrics.registry.renderPrometheus()).toMatch(/lore_model_calls_total\{[^}]*\} [1-9]/);
    } finally {
      await svc.close();
      rt.close();
      dir.cleanup();
    }
  });
});
