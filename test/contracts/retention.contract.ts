import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { purgeOldRuns } from '../../src/jobs/run-retention.js';
import { approval, newRun, step } from './fixtures.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

/** A run created `ageDays` ago, driven to `status` through the port as the engine drives it. */
async function runAged(b: Backend, runId: string, ageDays: number, status: 'COMPLETED' | 'FAILED' | 'AWAITING_APPROVAL' | 'REASONING') {
  const createdAt = NOW - ageDays * DAY;
  await b.runs.createRun(newRun({ runId, createdAt, lease: { owner: 'E', until: createdAt + 1000 } }));
  await b.runs.checkpoint({ runId, owner: 'E', step: step({ startedAt: createdAt, finishedAt: createdAt + 1 }), patch: { status }, now: createdAt + 2, leaseUntil: createdAt + 1000 });
  await b.runs.saveProgress({ runId, step: 'Reason', data: { messages: 2 }, now: createdAt + 3 });
  await b.effects.beginEffect({ effect: { key: `${runId}:Reason:tu_1`, runId, step: 'Reason', toolUseId: 'tu_1', tool: 'issue_refund', startedAt: createdAt + 4 } });
  await b.approvals.createApprovals({ approvals: [approval({ approvalId: `apr_${runId}`, runId, createdAt, expiresAt: createdAt + DAY, status: status === 'AWAITING_APPROVAL' ? 'pending' : 'approved' })] });
  await b.feedback.put({ tenantId: 't', runId, userId: 'u', rating: 'up' });
}

/**
 * Backend.purgeFinishedRuns (retention): finished runs older than the cut go with their steps,
 * progress, effects and decided approvals; newer runs, runs in flight or parked, and feedback stay.
 */
export function retentionContract(name: string, make: MakeBackend): void {
  describe(`Backend.purgeFinishedRuns contract: ${name}`, () => {
    let b: BackendUnderTest;
    beforeEach(async () => {
      b = await make({ startAt: NOW });
    });
    afterEach(async () => b.close());

    it('deletes finished runs older than the cut with what only describes them, in batches; keeps the rest', async () => {
      const be = b.backend;
      expect(be.purgeFinishedRuns).toBeTypeOf('function');
      await runAged(be, 'run_old_done', 100, 'COMPLETED');
      await runAged(be, 'run_old_failed', 95, 'FAILED');
      await runAged(be, 'run_old_parked', 120, 'AWAITING_APPROVAL');
      await runAged(be, 'run_old_stuck', 130, 'REASONING');
      await runAged(be, 'run_recent', 10, 'COMPLETED');

      const cut = NOW - 90 * DAY;
      expect(await be.purgeFinishedRuns!({ createdBefore: cut, limit: 1 })).toBe(1);
      expect(await be.purgeFinishedRuns!({ createdBefore: cut, limit: 10 })).toBe(1);
      expect(await be.purgeFinishedRuns!({ createdBefore: cut, limit: 10 })).toBe(0);

      for (const gone of ['run_old_done', 'run_old_failed']) {
        expect(await be.runs.getRun({ runId: gone })).toBeNull();
        expect(await be.runs.getProgress({ runId: gone, step: 'Reason' })).toBeNull();
        expect(await be.effects.getEffect({ key: `${gone}:Reason:tu_1` })).toBeNull();
        expect(await be.approvals.getApproval({ approvalId: `apr_${gone}` })).toBeNull();
        // Feedback outlives the run: the quality figures are computed from it.
        expect(await be.feedback.list({ tenantId: 't', runId: gone })).toHaveLength(1);
      }
      for (const kept of ['run_old_parked', 'run_old_stuck', 'run_recent']) {
        expect((await be.runs.getRun({ runId: kept }))?.steps).toHaveLength(1);
        expect(await be.effects.getEffect({ key: `${kept}:Reason:tu_1` })).not.toBeNull();
        expect(await be.approvals.getApproval({ approvalId: `apr_${kept}` })).not.toBeNull();
      }
    });

    it('the job: 0 keeps everything; otherwise it purges what is past the retention', async () => {
      const be = b.backend;
      await runAged(be, 'run_a', 40, 'COMPLETED');
      await runAged(be, 'run_b', 5, 'COMPLETED');
      expect(await purgeOldRuns(be, { retentionSeconds: 0, now: NOW })).toBe(0);
      expect(await be.runs.getRun({ runId: 'run_a' })).not.toBeNull();
      expect(await purgeOldRuns(be, { retentionSeconds: 30 * 86_400, now: NOW })).toBe(1);
      expect(await be.runs.getRun({ runId: 'run_a' })).toBeNull();
      expect(await be.runs.getRun({ runId: 'run_b' })).not.toBeNull();
    });
  });
}
