import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluationRecord, EvaluationStore } from '../../src/learning/evaluation-store.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

const rec = (over: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
  runId: 'r1',
  tenantId: 't',
  sessionId: 's',
  userId: 'u',
  question: 'q?',
  answer: 'a',
  autoScore: 0.9,
  judgeReason: 'ok',
  judgeModel: 'offline',
  quality: 0.9,
  lowConfidence: false,
  flagged: false,
  judgedAt: 100,
  ...over,
});

/** EvaluationStore: one record per run (upsert), re-check candidates, flags, counts, quality over time. */
export function evaluationsContract(name: string, make: MakeBackend): void {
  describe(`EvaluationStore contract: ${name}`, () => {
    let b: BackendUnderTest;
    let store: EvaluationStore;
    beforeEach(async () => {
      b = await make();
      store = b.backend.evaluations;
    });
    afterEach(async () => b.close());

    it('upserts one record per run and reads it back whole', async () => {
      expect(await store.get({ runId: 'r1' })).toBeNull();
      await store.upsert({ evaluation: rec() });
      expect(await store.get({ runId: 'r1' })).toEqual(rec());
      const rechecked = rec({ autoScore: 0.2, quality: 0.2, lowConfidence: true, flagged: true, flagReason: 'low', recheckedAt: 200, judgeReason: 'wrong' });
      await store.upsert({ evaluation: rechecked });
      expect(await store.get({ runId: 'r1' })).toEqual(rechecked);
      const unscored = rec({ runId: 'r2', autoScore: null, quality: null, judgeReason: 'unparseable' });
      await store.upsert({ evaluation: unscored });
      expect(await store.get({ runId: 'r2' })).toEqual(unscored);
    });

    it('offers unflagged low-confidence or unscored records judged since a time for re-check, oldest first', async () => {
      await store.upsert({ evaluation: rec({ runId: 'good', judgedAt: 100 }) });
      await store.upsert({ evaluation: rec({ runId: 'low', lowConfidence: true, quality: 0.2, judgedAt: 120 }) });
      await store.upsert({ evaluation: rec({ runId: 'unscored', autoScore: null, quality: null, judgedAt: 110 }) });
      await store.upsert({ evaluation: rec({ runId: 'flagged', lowConfidence: true, flagged: true, judgedAt: 130 }) });
      await store.upsert({ evaluation: rec({ runId: 'old', lowConfidence: true, judgedAt: 10 }) });
      expect((await store.candidatesForRecheck({ since: 50 })).map((e) => e.runId)).toEqual(['unscored', 'low']);
      expect((await store.candidatesForRecheck({ since: 50, limit: 1 })).map((e) => e.runId)).toEqual(['unscored']);
    });

    it('lists a tenant’s flagged records newest first and counts them', async () => {
      await store.upsert({ evaluation: rec({ runId: 'a', flagged: true, flagReason: 'x', lowConfidence: true, quality: 0.2, judgedAt: 1 }) });
      await store.upsert({ evaluation: rec({ runId: 'b', flagged: true, flagReason: 'y', lowConfidence: true, quality: 0.3, judgedAt: 2 }) });
      await store.upsert({ evaluation: rec({ runId: 'c', quality: 1, judgedAt: 3 }) });
      await store.upsert({ evaluation: rec({ runId: 'd', autoScore: null, quality: null, judgedAt: 4 }) });
      await store.upsert({ evaluation: rec({ runId: 'e', tenantId: 'other', flagged: true, judgedAt: 5 }) });
      expect((await store.listFlagged({ tenantId: 't' })).map((e) => e.runId)).toEqual(['b', 'a']);
      expect((await store.listFlagged({ tenantId: 't', limit: 1 })).map((e) => e.runId)).toEqual(['b']);
      const s = await store.stats({ tenantId: 't' });
      expect(s).toMatchObject({ scored: 3, unscored: 1, low: 2, flagged: 2 });
      expect(s.meanQuality).toBeCloseTo(0.5, 9);
      expect((await store.stats({})).flagged).toBe(3);
      expect(await store.stats({ tenantId: 'none' })).toEqual({ scored: 0, unscored: 0, low: 0, flagged: 0, meanQuality: null });
    });

    it('reads a tenant’s quality since a time', async () => {
      await store.upsert({ evaluation: rec({ runId: 'a', quality: 0.5, judgedAt: 10 }) });
      await store.upsert({ evaluation: rec({ runId: 'b', quality: 0.7, judgedAt: 20 }) });
      await store.upsert({ evaluation: rec({ runId: 'c', quality: null, autoScore: null, judgedAt: 30 }) });
      await store.upsert({ evaluation: rec({ runId: 'd', tenantId: 'other', quality: 0.1, judgedAt: 30 }) });
      const got = await store.qualitySince({ tenantId: 't', since: 15 });
      expect(got).toEqual([{ quality: 0.7, judgedAt: 20 }]);
    });
  });
}
