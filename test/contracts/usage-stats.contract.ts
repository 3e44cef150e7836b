import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { newRun, result, step } from './fixtures.js';
import type { BackendUnderTest, Lack, MakeBackend } from './harness.js';

const DAY1 = Date.parse('2026-11-28T12:00:00Z');
const DAY2 = Date.parse('2026-11-29T12:00:00Z');

/** Finish a run through the run store, as the engine would: claim, one step, the result, release. */
async function finish(backend: Backend, runId: string, p: { tenantId?: string; sessionId?: string; createdAt: number; tokens: number; status?: 'COMPLETED' | 'FAILED' }) {
  await backend.runs.createRun(newRun({ runId, tenantId: p.tenantId ?? 't', sessionId: p.sessionId ?? 's', createdAt: p.createdAt, lease: { owner: 'E', until: p.createdAt + 1000 } }));
  await backend.runs.checkpoint({
    runId,
    owner: 'E',
    step: step({ step: 'Reason', startedAt: p.createdAt, finishedAt: p.createdAt + 40 }),
    patch: { status: p.status ?? 'COMPLETED', result: result(runId, p.tokens, { status: p.status ?? 'COMPLETED', toolCalls: [{ name: 'x', status: 'success' } as never] }), release: true },
    now: p.createdAt + 50,
    leaseUntil: p.createdAt + 1000,
  });
}

/** UsageLedger (token budgets) and StatsSource (operator figures): both read what the runs recorded. */
export function usageStatsContract(name: string, make: MakeBackend, lacks: readonly Lack[] = []): void {
  describe(`Usage and stats reads contract: ${name}`, () => {
    let b: BackendUnderTest;
    beforeEach(async () => {
      b = await make({ startAt: DAY2 });
    });
    afterEach(async () => b.close());

    it('sums tokens per session, tenant and UTC day/month window from run results', async () => {
      await finish(b.backend, 'r1', { createdAt: DAY1, tokens: 10 });
      await finish(b.backend, 'r2', { createdAt: DAY2, tokens: 20 });
      await finish(b.backend, 'r3', { createdAt: DAY2, tokens: 5, sessionId: 's2' });
      await finish(b.backend, 'r4', { createdAt: DAY2, tokens: 99, tenantId: 'other' });
      const { usage } = b.backend;
      expect(await usage.used('session', 't/s')).toBe(30);
      expect(await usage.used('session', 't/s2')).toBe(5);
      expect(await usage.used('tenant', 't')).toBe(35);
      expect(await usage.used('tenant', 't@2026-11-29')).toBe(25);
      expect(await usage.used('tenant', 't@2026-11-28')).toBe(10);
      expect(await usage.used('tenant', 't@2026-11')).toBe(35);
      expect(await usage.used('tenant', 'nobody')).toBe(0);
    });

    it('lists run outcomes and step durations per tenant', async () => {
      await finish(b.backend, 'r1', { createdAt: DAY1, tokens: 10 });
      await finish(b.backend, 'r2', { createdAt: DAY2, tokens: 20, status: 'FAILED' });
      await finish(b.backend, 'r3', { createdAt: DAY2, tokens: 7, tenantId: 'other' });
      const { stats } = b.backend;
      const outcomes = await stats.runOutcomes({ tenantId: 't' });
      expect(outcomes.map((o) => [o.sessionId, o.status, o.result?.usage?.totalTokens, o.createdAt]).sort()).toEqual([
        ['s', 'COMPLETED', 10, DAY1],
        ['s', 'FAILED', 20, DAY2],
      ]);
      expect((await stats.runOutcomes({ tenantId: 't', since: DAY2 })).map((o) => o.status)).toEqual(['FAILED']);
      expect(await stats.runOutcomes({})).toHaveLength(3);
      expect(await stats.stepDurations({ tenantId: 't' })).toEqual([
        { step: 'Reason', ms: 40 },
        { step: 'Reason', ms: 40 },
      ]);
    });

    it.skipIf(lacks.includes('queue'))('counts dead letters across queues', async () => {
      const { stats } = b.backend;
      expect(await stats.deadLetters()).toBe(0);
      const q = b.backend.queue<number>({ name: 'stats-q', maxReceiveCount: 1 });
      await q.send({ body: 1 });
      // Whole seconds: SQS's visibility timeout has no finer unit.
      await q.receive({ visibilityTimeoutMs: 1000 });
      await b.advance(2000);
      expect(await q.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
      expect(await stats.deadLetters()).toBe(1);
    });

    it.skipIf(lacks.includes('knowledge'))('counts active and superseded learnings per tenant', async () => {
      const kb = b.backend.knowledge;
      await kb.upsertDocument({ tenantId: 't', sourceUri: 'learning://1', kind: 'learning', text: 'The vault code rotates every Monday.' });
      await kb.upsertDocument({ tenantId: 't', sourceUri: 'kb://doc', kind: 'document', text: 'A plain document.' });
      await kb.upsertDocument({ tenantId: 'other', sourceUri: 'learning://2', kind: 'learning', text: 'Other tenant fact.' });
      expect(await b.backend.stats.learningCounts({ tenantId: 't' })).toEqual({ active: 1, superseded: 0 });
      expect((await b.backend.stats.learningCounts({})).active).toBe(2);
    });

    it('reports itself healthy', async () => {
      expect(await b.backend.health()).toMatchObject({ ok: true, kind: b.backend.kind });
    });
  });
}
