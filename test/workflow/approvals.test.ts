import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineTool, type AnyTool } from '../../src/tools/tool.js';
import { makeHarness, refundTool, tempDir, T, type Harness } from './fixtures.js';

type Exec = { key: string; order_id: string; amount: number };

describe('human in the loop', () => {
  let tmp: ReturnType<typeof tempDir>;
  let h: Harness | undefined;
  const dbPath = () => join(tmp.dir, 'lore.db');

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    tmp.cleanup();
  });

  it('pauses an over-threshold refund, survives a restart, and executes it exactly once on approval', async () => {
    const executions: Exec[] = [];
    const a = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)] });
    const paused = await a.engine.start({ ...T, sessionId: 'P', message: 'Please issue a refund of $1500 for order A-1001' });
    expect(paused.status).toBe('AWAITING_APPROVAL');
    expect(paused.pendingApprovals).toMatchObject([
      { tool: 'issue_refund', input: { order_id: 'A-1001', amount: 1500 }, userId: 'alice', status: 'pending', reason: expect.stringMatching(/above the approval threshold of 1000/) },
    ]);
    const approval = paused.pendingApprovals![0]!;
    expect(approval.expiresAt - approval.createdAt).toBe(24 * 3600 * 1000);
    expect(paused.answer).toMatch(/approval/);
    expect(executions).toHaveLength(0);
    expect(a.events).toContainEqual(expect.objectContaining({ type: 'approval_requested', runId: paused.runId }));
    await a.close();

    // "Restart": a new process image on the same database file.
    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)] });
    expect(await h.engine.recoverInFlight()).toBe(0); // waiting for a person is not "in flight"
    expect((await h.engine.getRun({ tenantId: T.tenantId, runId: paused.runId }))!.status).toBe('AWAITING_APPROVAL');
    const listed = await h.engine.listApprovals({ tenantId: T.tenantId, status: 'pending' });
    expect(listed.map((l) => l.approvalId)).toEqual([approval.approvalId]);

    const done = await h.engine.decideApproval({ tenantId: T.tenantId, approvalId: approval.approvalId, decision: 'approve', actor: 'bob' });
    expect(done.status).toBe('COMPLETED');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ order_id: 'A-1001', amount: 1500 });
    expect(done.answer).toMatch(/refund_id: rf_1/);
    expect(done.answer).toMatch(/1500/);
    expect(done.toolCalls).toMatchObject([{ name: 'issue_refund', status: 'success' }]);

    const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: paused.runId }))!;
    expect(run.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext', 'Reason', 'AwaitApproval', 'Reason', 'HandleResponse']);
    expect((await h.runs.getApproval({ approvalId: approval.approvalId }))!).toMatchObject({ status: 'approved', decidedBy: 'bob' });

    // Deciding again, or resuming again, changes nothing.
    await expect(h.engine.decideApproval({ tenantId: T.tenantId, approvalId: approval.approvalId, decision: 'approve', actor: 'bob' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await h.engine.resume(paused.runId)).toEqual(done);
    expect(executions).toHaveLength(1);
    expect(await h.rt.sessions.recentTurns({ tenantId: T.tenantId, sessionId: 'P', limit: 10 })).toHaveLength(2);
  });

  it('a rejection reaches the model as TOOL_REJECTED and the answer says it was not done', async () => {
    const executions: Exec[] = [];
    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)] });
    const paused = await h.engine.start({ ...T, sessionId: 'R', message: 'Please issue a refund of $2500 for order A-2002' });
    const id = paused.pendingApprovals![0]!.approvalId;
    const r = await h.engine.decideApproval({ tenantId: T.tenantId, approvalId: id, decision: 'reject', actor: 'carol', reason: 'order was never delivered to this customer' });
    expect(r.status).toBe('COMPLETED');
    expect(executions).toHaveLength(0);
    expect(r.toolCalls).toMatchObject([{ name: 'issue_refund', status: 'denied', errorCode: 'TOOL_REJECTED' }]);
    expect(r.answer).toMatch(/did not carry out issue_refund/i);
    expect(r.answer).toMatch(/rejected by carol: order was never delivered/);
  });

  it('treats an expired approval as rejected ("expired"), on list, on decide and on recovery', async () => {
    const executions: Exec[] = [];
    let clock = Date.now();
    const opts = { dbPath: dbPath(), tools: [refundTool(executions)], config: { 'approvals.ttlSeconds': 60 }, engine: { now: () => clock } };
    h = makeHarness(opts);
    const p1 = await h.engine.start({ ...T, sessionId: 'X1', message: 'Please issue a refund of $5000 for order E-1' });
    const p2 = await h.engine.start({ ...T, sessionId: 'X2', message: 'Please issue a refund of $6000 for order E-2' });
    expect(p1.pendingApprovals![0]!.expiresAt).toBe(clock + 60_000);

    clock += 61_000;
    // Deciding an expired approval fails with APPROVAL_EXPIRED, and the run continues as rejected.
    await expect(h.engine.decideApproval({ tenantId: T.tenantId, approvalId: p1.pendingApprovals![0]!.approvalId, decision: 'approve', actor: 'bob' })).rejects.toMatchObject({ code: 'APPROVAL_EXPIRED' });
    expect(h.events.filter((e) => e.type === 'approval_expired')).toHaveLength(2);
    await h.close();

    h = makeHarness(opts);
    expect(await h.engine.listApprovals({ tenantId: T.tenantId, status: 'expired' })).toHaveLength(2);
    // The other run resumes on recovery (and the first too, if closing interrupted its background resume).
    expect(await h.engine.recoverInFlight()).toBeGreaterThanOrEqual(1);
    await h.close();
    h = makeHarness(opts);
    for (const p of [p1, p2]) {
      const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: p.runId }))!;
      expect(run.status).toBe('COMPLETED');
      expect(run.result?.answer).toMatch(/did not carry out issue_refund.*expired/i);
    }
    expect(executions).toHaveLength(0);
  });

  it('pauses a requiresApproval tool whatever its input, and hides other users’ approvals', async () => {
    const deleted: string[] = [];
    const tool = defineTool({
      name: 'close_account',
      description: 'Close a customer account permanently.',
      input: z.object({ account_id: z.string() }),
      mutating: true,
      requiresApproval: true,
      handler: ({ account_id }) => {
        deleted.push(account_id);
        return { closed: account_id };
      },
    }) as unknown as AnyTool;
    h = makeHarness({ dbPath: dbPath(), tools: [tool] });
    const paused = await h.engine.start({ ...T, sessionId: 'Z', message: 'Please close account ACC-9' });
    expect(paused.status).toBe('AWAITING_APPROVAL');
    const id = paused.pendingApprovals![0]!.approvalId;
    expect(await h.engine.listApprovals({ tenantId: T.tenantId, userId: 'mallory' })).toEqual([]);
    await expect(h.engine.decideApproval({ tenantId: T.tenantId, approvalId: id, decision: 'approve', actor: 'mallory', userId: 'mallory' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.engine.decideApproval({ tenantId: 'other', approvalId: id, decision: 'approve', actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const done = await h.engine.decideApproval({ tenantId: T.tenantId, approvalId: id, decision: 'approve', actor: 'admin' });
    expect(done.status).toBe('COMPLETED');
    expect(deleted).toEqual(['ACC-9']);
  });

  it('does not ask for approval under the threshold', async () => {
    const executions: Exec[] = [];
    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)] });
    const r = await h.engine.start({ ...T, sessionId: 'U', message: 'Please issue a refund of $999 for order U-1' });
    expect(r.status).toBe('COMPLETED');
    expect(executions).toHaveLength(1);
  });
});
