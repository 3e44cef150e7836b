import { beforeEach, describe, expect, it } from 'vitest';
import type { Dynamo } from '../../src/stores/dynamodb/client.js';
import { DynamoApprovalStore } from '../../src/stores/dynamodb/approval-store.js';
import { DynamoEffectLedger } from '../../src/stores/dynamodb/effect-ledger.js';
import { DynamoFeedbackStore } from '../../src/stores/dynamodb/feedback-store.js';
import { DynamoRunStore } from '../../src/stores/dynamodb/run-store.js';
import type { PendingApproval } from '../../src/workflow/types.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { freshTables } from './dynamo-fixture.js';

// The SQLite adapter's scenarios, on DynamoDB Local, with what is DynamoDB-specific beyond the
// contract suites (test/contracts/): many concurrent claimants, the (run, toolUseId) guard, progress dropped at the end.
describe('DynamoRunStore (DynamoDB Local)', () => {
  const ddb = useDynamoLocal();
  let d: Dynamo;
  let store: DynamoRunStore;
  let approvals: DynamoApprovalStore;
  let effects: DynamoEffectLedger;
  let feedback: DynamoFeedbackStore;
  const base = { runId: 'run_1', traceId: 'tr_1', tenantId: 't', sessionId: 's', userId: 'u', message: 'hi', currentState: 'Dispatch', createdAt: 1000 };

  beforeEach(async () => {
    d = await freshTables(ddb);
    store = new DynamoRunStore(d);
    approvals = new DynamoApprovalStore(d);
    effects = new DynamoEffectLedger(d);
    feedback = new DynamoFeedbackStore(d);
  });

  it('creates a run once and scopes reads by tenant', async () => {
    expect(await store.createRun(base)).toBe(true);
    expect(await store.createRun({ ...base, message: 'other' })).toBe(false);
    expect(await store.getRun({ runId: 'run_1' })).toMatchObject({ runId: 'run_1', status: 'INITIATED', currentState: 'Dispatch', message: 'hi', steps: [], attempts: 0, errorCount: 0, createdAt: 1000 });
    expect(await store.getRun({ runId: 'run_1', tenantId: 'other' })).toBeNull();
    expect(await store.listRunIds({ statuses: ['INITIATED'] })).toEqual(['run_1']);
  });

  it('checkpoints a step and a patch atomically, only for the lease holder', async () => {
    await store.createRun(base);
    expect((await store.claim({ runId: 'run_1', owner: 'A', now: 10, until: 100 })).claimed).toBe(true);
    const step = { step: 'Dispatch', attempt: 1, status: 'succeeded' as const, input: { m: 1 }, output: { intent: 'question' }, startedAt: 11, finishedAt: 12 };
    await store.checkpoint({ runId: 'run_1', owner: 'A', step, patch: { currentState: 'BuildContext', intent: 'question', attemptsDelta: 1 }, now: 12, leaseUntil: 200 });
    // A zombie (lost lease) writes nothing, not even its step item (one transaction).
    await expect(store.checkpoint({ runId: 'run_1', owner: 'B', step: { ...step, step: 'Zombie' }, patch: { status: 'FAILED' }, now: 13, leaseUntil: 200 })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.checkpoint({ runId: 'run_1', owner: 'B', patch: { status: 'FAILED' }, now: 13, leaseUntil: 200 })).rejects.toMatchObject({ code: 'CONFLICT' });
    const run = (await store.getRun({ runId: 'run_1' }))!;
    expect(run).toMatchObject({ status: 'INITIATED', currentState: 'BuildContext', intent: 'question', attempts: 1, updatedAt: 12 });
    expect(run.steps).toEqual([step]);
    expect(await store.getLease({ runId: 'run_1' })).toEqual({ owner: 'A', until: 200 });

    await store.checkpoint({ runId: 'run_1', owner: 'A', step: { ...step, step: 'BuildContext', startedAt: 13, finishedAt: 13 }, patch: { status: 'FAILED', error: { code: 'MODEL_ERROR', message: 'x' }, errorCountDelta: 1 }, now: 14, leaseUntil: 200 });
    const failed = (await store.getRun({ runId: 'run_1' }))!;
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'MODEL_ERROR', message: 'x' }, errorCount: 1 });
    expect(failed.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext']);
    await store.checkpoint({ runId: 'run_1', owner: 'A', patch: { error: null, release: true }, now: 15, leaseUntil: 200 });
    expect((await store.getRun({ runId: 'run_1' }))!.error).toBeUndefined();
    expect(await store.getLease({ runId: 'run_1' })).toBeNull();
    expect(await store.listRunIds({ statuses: ['FAILED', 'INITIATED'] })).toEqual(['run_1']);
    expect(await store.listRunIds({ statuses: ['INITIATED'] })).toEqual([]);
  });

  it('claims a lease when free, ours, expired or taken over from a dead holder', async () => {
    await store.createRun(base);
    expect((await store.claim({ runId: 'run_1', owner: 'A', now: 0, until: 100 })).claimed).toBe(true);
    expect(await store.claim({ runId: 'run_1', owner: 'B', now: 50, until: 150 })).toEqual({ claimed: false, holder: { owner: 'A', until: 100 } });
    expect((await store.claim({ runId: 'run_1', owner: 'A', now: 50, until: 150 })).claimed).toBe(true);
    expect((await store.claim({ runId: 'run_1', owner: 'B', now: 60, until: 160, takeOverFrom: 'A' })).claimed).toBe(true);
    expect((await store.claim({ runId: 'run_1', owner: 'C', now: 161, until: 300 })).claimed).toBe(true);
    await store.release({ runId: 'run_1', owner: 'B' }); // not the holder: no effect
    expect(await store.getLease({ runId: 'run_1' })).toEqual({ owner: 'C', until: 300 });
    await store.release({ runId: 'run_1', owner: 'C' });
    expect(await store.getLease({ runId: 'run_1' })).toBeNull();
    await expect(store.claim({ runId: 'nope', owner: 'A', now: 0, until: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets exactly one of many concurrent claimers take a free lease', async () => {
    await store.createRun(base);
    const owners = Array.from({ length: 8 }, (_, i) => `E${i}`);
    const results = await Promise.all(owners.map((owner) => store.claim({ runId: 'run_1', owner, now: 0, until: 100 })));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('settles an approval once and expires overdue ones', async () => {
    const a: PendingApproval = { approvalId: 'apr_1', runId: 'run_1', tenantId: 't', userId: 'u', toolUseId: 'tu_1', tool: 'issue_refund', input: { amount: 5000 }, reason: 'big', status: 'pending', createdAt: 1, expiresAt: 100 };
    await approvals.createApprovals({ approvals: [a, { ...a, approvalId: 'apr_2', toolUseId: 'tu_2', expiresAt: 50 }] });
    await approvals.createApprovals({ approvals: [{ ...a, reason: 'asked again' }, { ...a, approvalId: 'apr_dup', reason: 'same call, new id' }] }); // kept as it was
    expect((await approvals.getApproval({ approvalId: 'apr_1' }))!.reason).toBe('big');
    expect(await approvals.getApproval({ approvalId: 'apr_dup' })).toBeNull();
    expect(await approvals.getApproval({ approvalId: 'apr_1', tenantId: 'x' })).toBeNull();
    expect((await approvals.listApprovals({ status: 'pending' })).map((x) => x.approvalId)).toEqual(['apr_1', 'apr_2']);

    expect(await approvals.expireApprovals({ now: 60 })).toMatchObject([{ approvalId: 'apr_2', status: 'expired', decisionReason: 'expired' }]);
    expect(await approvals.expireApprovals({ now: 60 })).toEqual([]);
    expect(await approvals.decideApproval({ approvalId: 'apr_1', status: 'approved', decidedBy: 'bob', decidedAt: 70 })).toBe(true);
    expect(await approvals.decideApproval({ approvalId: 'apr_1', status: 'rejected', decidedBy: 'eve', decidedAt: 71 })).toBe(false);
    expect(await approvals.decideApproval({ approvalId: 'nope', status: 'rejected', decidedBy: 'eve', decidedAt: 71 })).toBe(false);
    expect(await approvals.getApproval({ approvalId: 'apr_1' })).toMatchObject({ status: 'approved', decidedBy: 'bob', decidedAt: 70, input: { amount: 5000 } });
    expect((await approvals.listApprovals({ tenantId: 't', status: 'pending' })).length).toBe(0);
    expect((await approvals.listApprovals({ status: 'pending' })).length).toBe(0);
    expect((await approvals.listApprovals({ runId: 'run_1' })).map((x) => x.approvalId)).toEqual(['apr_1', 'apr_2']);
    expect((await approvals.listApprovals({ tenantId: 't', userId: 'u', status: 'expired' })).map((x) => x.approvalId)).toEqual(['apr_2']);
    expect((await approvals.listApprovals({})).map((x) => x.approvalId)).toEqual(['apr_1', 'apr_2']);
  });

  it('keeps the effect ledger: begin once, complete with the outcome', async () => {
    const effect = { key: 'run_1:Reason:tu_1', runId: 'run_1', step: 'Reason', toolUseId: 'tu_1', tool: 'issue_refund', startedAt: 5 };
    const begun = await Promise.all([effects.beginEffect({ effect }), effects.beginEffect({ effect }), effects.beginEffect({ effect })]);
    expect(begun.filter(Boolean)).toHaveLength(1);
    expect(await effects.getEffect({ key: effect.key })).toEqual({ ...effect, status: 'started' });
    await effects.completeEffect({ key: effect.key, result: { status: 'success', output: { refund_id: 'rf_1' } }, completedAt: 6 });
    expect(await effects.getEffect({ key: effect.key })).toEqual({ ...effect, status: 'completed', result: { status: 'success', output: { refund_id: 'rf_1' } }, completedAt: 6 });
    expect(await effects.getEffect({ key: 'nope' })).toBeNull();
  });

  it('stores progress and feedback idempotently, finds a session’s latest other run, drops progress at the end', async () => {
    await store.saveProgress({ runId: 'run_1', step: 'Reason', data: { n: 1 }, now: 1 });
    await store.saveProgress({ runId: 'run_1', step: 'Reason', data: { n: 2 }, now: 2 });
    expect(await store.getProgress({ runId: 'run_1', step: 'Reason' })).toEqual({ n: 2 });
    expect(await store.getProgress({ runId: 'run_1', step: 'Other' })).toBeNull();

    await store.createRun({ ...base, lease: { owner: 'A', until: 10_000 } });
    await store.createRun({ ...base, runId: 'run_2', createdAt: 2000, userId: 'v' });
    expect((await store.latestRun({ tenantId: 't', sessionId: 's', excludeRunId: 'run_2' }))!.runId).toBe('run_1');
    expect((await store.latestRun({ tenantId: 't', sessionId: 's' }))!.runId).toBe('run_2');
    expect(await store.latestRun({ tenantId: 't', sessionId: 'other' })).toBeNull();
    expect((await store.listRuns({ tenantId: 't', limit: 10 })).map((r) => r.runId)).toEqual(['run_2', 'run_1']);
    expect((await store.listRuns({ tenantId: 't', userId: 'u', limit: 10 })).map((r) => r.runId)).toEqual(['run_1']);
    expect((await store.listRuns({ tenantId: 't', sessionId: 's', limit: 1 })).map((r) => r.runId)).toEqual(['run_2']);

    await store.checkpoint({ runId: 'run_1', owner: 'A', patch: { status: 'COMPLETED', release: true }, now: 3000, leaseUntil: 0 });
    expect(await store.getProgress({ runId: 'run_1', step: 'Reason' })).toBeNull();

    const fb = { feedbackId: 'fb_run_2', tenantId: 't', sessionId: 's', userId: 'u', runId: 'run_2', targetRunId: 'run_1', message: 'thumbs up', sentiment: 'positive' as const, createdAt: 3 };
    await feedback.recordFeedback({ feedback: fb });
    await feedback.recordFeedback({ feedback: { ...fb, feedbackId: 'fb_other', message: 'again' } });
    expect(await feedback.listFeedback({ tenantId: 't', targetRunId: 'run_1' })).toEqual([fb]);
    expect(await feedback.listFeedback({ tenantId: 't' })).toEqual([fb]);
  });
});
