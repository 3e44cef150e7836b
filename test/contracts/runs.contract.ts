import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../src/workflow/run-store.js';
import { newRun, result, step } from './fixtures.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

/**
 * RunStore: runs, leases, progress and the checkpoint. What every adapter promises: a run is
 * created once; a lease is taken by exactly one claimant (conditional write); a checkpoint appends
 * its step and patches the run atomically, and a holder that lost the lease (a zombie) writes nothing.
 */
export function runsContract(name: string, make: MakeBackend): void {
  describe(`RunStore contract: ${name}`, () => {
    let b: BackendUnderTest;
    let runs: RunStore;
    beforeEach(async () => {
      b = await make();
      runs = b.backend.runs;
    });
    afterEach(async () => b.close());

    it('creates a run once and scopes reads by tenant', async () => {
      expect(await runs.createRun(newRun())).toBe(true);
      expect(await runs.createRun(newRun({ message: 'other' }))).toBe(false);
      expect(await runs.getRun({ runId: 'run_1' })).toMatchObject({ runId: 'run_1', status: 'INITIATED', currentState: 'Dispatch', message: 'hi', steps: [], attempts: 0, errorCount: 0, createdAt: 1000 });
      expect(await runs.getRun({ runId: 'run_1', tenantId: 'other' })).toBeNull();
      expect(await runs.getRun({ runId: 'nope' })).toBeNull();
      expect(await runs.listRunIds({ statuses: ['INITIATED'] })).toEqual(['run_1']);
      expect(await runs.listRunIds({ statuses: ['REASONING'] })).toEqual([]);
    });

    it('claims a lease when free, ours, expired or taken over from a dead holder', async () => {
      await runs.createRun(newRun());
      expect((await runs.claim({ runId: 'run_1', owner: 'A', now: 0, until: 100 })).claimed).toBe(true);
      expect(await runs.claim({ runId: 'run_1', owner: 'B', now: 50, until: 150 })).toEqual({ claimed: false, holder: { owner: 'A', until: 100 } });
      expect((await runs.claim({ runId: 'run_1', owner: 'A', now: 50, until: 150 })).claimed).toBe(true);
      expect((await runs.claim({ runId: 'run_1', owner: 'B', now: 60, until: 160, takeOverFrom: 'A' })).claimed).toBe(true);
      expect((await runs.claim({ runId: 'run_1', owner: 'C', now: 161, until: 300 })).claimed).toBe(true);
      await runs.release({ runId: 'run_1', owner: 'B' }); // not the holder: no effect
      expect(await runs.getLease({ runId: 'run_1' })).toEqual({ owner: 'C', until: 300 });
      await runs.release({ runId: 'run_1', owner: 'C' });
      expect(await runs.getLease({ runId: 'run_1' })).toBeNull();
      await expect(runs.claim({ runId: 'nope', owner: 'A', now: 0, until: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('gives a free lease to exactly one of several concurrent claimants', async () => {
      await runs.createRun(newRun());
      const owners = ['A', 'B', 'C', 'D', 'E'];
      const results = await Promise.all(owners.map((owner) => runs.claim({ runId: 'run_1', owner, now: 10, until: 100 })));
      const winners = owners.filter((_, i) => results[i]!.claimed);
      expect(winners).toHaveLength(1);
      expect(await runs.getLease({ runId: 'run_1' })).toEqual({ owner: winners[0], until: 100 });
    });

    it('creates a run already leased to its engine', async () => {
      await runs.createRun(newRun({ lease: { owner: 'E', until: 500 } }));
      expect(await runs.getLease({ runId: 'run_1' })).toEqual({ owner: 'E', until: 500 });
      await runs.checkpoint({ runId: 'run_1', owner: 'E', step: step(), patch: { status: 'REASONING' }, now: 20, leaseUntil: 600 });
      expect(await runs.getRun({ runId: 'run_1' })).toMatchObject({ status: 'REASONING', steps: [step()] });
    });

    it('checkpoints a step and a patch atomically, and a zombie writer is rejected without writing', async () => {
      await runs.createRun(newRun());
      expect((await runs.claim({ runId: 'run_1', owner: 'A', now: 10, until: 100 })).claimed).toBe(true);
      await runs.checkpoint({ runId: 'run_1', owner: 'A', step: step(), patch: { currentState: 'BuildContext', intent: 'question', attemptsDelta: 1 }, now: 12, leaseUntil: 200 });
      // B took over (A was presumed dead); A's late checkpoint must write nothing, not even its step.
      expect((await runs.claim({ runId: 'run_1', owner: 'B', now: 13, until: 300, takeOverFrom: 'A' })).claimed).toBe(true);
      await expect(runs.checkpoint({ runId: 'run_1', owner: 'A', step: step({ step: 'Zombie' }), patch: { status: 'FAILED' }, now: 14, leaseUntil: 400 })).rejects.toMatchObject({ code: 'CONFLICT' });
      const run = (await runs.getRun({ runId: 'run_1' }))!;
      expect(run).toMatchObject({ status: 'INITIATED', currentState: 'BuildContext', intent: 'question', attempts: 1, updatedAt: 12 });
      expect(run.steps).toEqual([step()]);
      expect(await runs.getLease({ runId: 'run_1' })).toEqual({ owner: 'B', until: 300 });
    });

    it('sets and clears error and result, counts deltas, and releases the lease in the same checkpoint', async () => {
      await runs.createRun(newRun());
      await runs.claim({ runId: 'run_1', owner: 'A', now: 10, until: 100 });
      await runs.checkpoint({ runId: 'run_1', owner: 'A', patch: { status: 'FAILED', error: { code: 'MODEL_ERROR', message: 'x' }, errorCountDelta: 1 }, now: 14, leaseUntil: 200 });
      expect(await runs.getRun({ runId: 'run_1' })).toMatchObject({ status: 'FAILED', error: { code: 'MODEL_ERROR', message: 'x' }, errorCount: 1 });
      expect(await runs.getLease({ runId: 'run_1' })).toEqual({ owner: 'A', until: 200 });
      await runs.checkpoint({ runId: 'run_1', owner: 'A', patch: { error: null, result: result('run_1', 10) }, now: 15, leaseUntil: 200 });
      const r = (await runs.getRun({ runId: 'run_1' }))!;
      expect(r.error).toBeUndefined();
      expect(r.result).toEqual(result('run_1', 10));
      await runs.checkpoint({ runId: 'run_1', owner: 'A', step: step({ step: 'Respond', startedAt: 15, finishedAt: 16 }), patch: { status: 'COMPLETED', result: null, release: true }, now: 16, leaseUntil: 200 });
      const done = (await runs.getRun({ runId: 'run_1' }))!;
      expect(done).toMatchObject({ status: 'COMPLETED', updatedAt: 16 });
      expect(done.result).toBeUndefined();
      expect(done.steps.map((s) => s.step)).toEqual(['Respond']);
      expect(await runs.getLease({ runId: 'run_1' })).toBeNull();
      // Released: the next checkpoint from the old holder is a zombie's.
      await expect(runs.checkpoint({ runId: 'run_1', owner: 'A', patch: { status: 'FAILED' }, now: 17, leaseUntil: 300 })).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('keeps step records in append order, failed attempts included', async () => {
      await runs.createRun(newRun());
      await runs.claim({ runId: 'run_1', owner: 'A', now: 0, until: 100 });
      const steps = [step(), step({ step: 'Reason', status: 'failed', error: { code: 'MODEL_ERROR', message: 'x' }, output: undefined, startedAt: 13, finishedAt: 14 }), step({ step: 'Reason', attempt: 2, startedAt: 15, finishedAt: 16 })];
      for (const s of steps) await runs.checkpoint({ runId: 'run_1', owner: 'A', step: s, patch: {}, now: s.finishedAt, leaseUntil: 100 });
      const got = (await runs.getRun({ runId: 'run_1' }))!.steps;
      expect(got.map((s) => [s.step, s.attempt, s.status])).toEqual([['Dispatch', 1, 'succeeded'], ['Reason', 1, 'failed'], ['Reason', 2, 'succeeded']]);
      expect(got[1]!.error).toEqual({ code: 'MODEL_ERROR', message: 'x' });
    });

    it('lists a tenant’s runs newest first, by user or session, and finds a session’s latest other run', async () => {
      await runs.createRun(newRun({ runId: 'run_1', createdAt: 1000 }));
      await runs.createRun(newRun({ runId: 'run_2', createdAt: 2000, userId: 'v' }));
      await runs.createRun(newRun({ runId: 'run_3', createdAt: 3000, sessionId: 's2' }));
      await runs.createRun(newRun({ runId: 'run_x', tenantId: 'other', createdAt: 4000 }));
      expect((await runs.listRuns({ tenantId: 't', limit: 10 })).map((r) => r.runId)).toEqual(['run_3', 'run_2', 'run_1']);
      expect((await runs.listRuns({ tenantId: 't', limit: 2 })).map((r) => r.runId)).toEqual(['run_3', 'run_2']);
      expect((await runs.listRuns({ tenantId: 't', userId: 'v', limit: 10 })).map((r) => r.runId)).toEqual(['run_2']);
      expect((await runs.listRuns({ tenantId: 't', sessionId: 's', limit: 10 })).map((r) => r.runId)).toEqual(['run_2', 'run_1']);
      expect((await runs.latestRun({ tenantId: 't', sessionId: 's', excludeRunId: 'run_2' }))!.runId).toBe('run_1');
      expect((await runs.latestRun({ tenantId: 't', sessionId: 's' }))!.runId).toBe('run_2');
      expect(await runs.latestRun({ tenantId: 't', sessionId: 'none' })).toBeNull();
      expect(await runs.listRunIds({ statuses: ['INITIATED'], limit: 2 })).toEqual(['run_1', 'run_2']);
    });

    it('saves mid-step progress, last write wins, per step', async () => {
      await runs.saveProgress({ runId: 'run_1', step: 'Reason', data: { n: 1 }, now: 1 });
      await runs.saveProgress({ runId: 'run_1', step: 'Reason', data: { n: 2, history: [{ role: 'user' }] }, now: 2 });
      expect(await runs.getProgress({ runId: 'run_1', step: 'Reason' })).toEqual({ n: 2, history: [{ role: 'user' }] });
      expect(await runs.getProgress({ runId: 'run_1', step: 'Other' })).toBeNull();
    });

    it('keeps runs, steps and leases across a reopen', async () => {
      await runs.createRun(newRun());
      await runs.claim({ runId: 'run_1', owner: 'A', now: 0, until: 100 });
      await runs.checkpoint({ runId: 'run_1', owner: 'A', step: step(), patch: { status: 'REASONING' }, now: 12, leaseUntil: 200 });
      const again = (await b.reopen()).runs;
      expect(await again.getRun({ runId: 'run_1' })).toMatchObject({ status: 'REASONING', steps: [step()] });
      expect(await again.getLease({ runId: 'run_1' })).toEqual({ owner: 'A', until: 200 });
    });
  });
}
