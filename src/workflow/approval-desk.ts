import { LoreError } from '../errors.js';
import type { OperatorEvent } from './operator.js';
import type { WorkflowStore as RunStore } from './workflow-store.js';
import type { PendingApproval, RunEvent, RunResult, TurnRunner } from './types.js';

/**
 * The engine's approval side: listing and deciding approvals, expiring overdue ones (treated as a
 * rejection with reason "expired"), and finding parked runs that can continue.
 */
export function createApprovalDesk(p: {
  runs: RunStore;
  now: () => number;
  operator: (e: OperatorEvent) => void;
  execute: (runId: string, opts?: { stream?: boolean; onEvent?: (e: RunEvent) => void }) => Promise<RunResult>;
  /** Run in the background, tracked so close() can wait for it. */
  track: (work: Promise<unknown>) => void;
}) {
  const { runs, now } = p;

  /** Settle overdue approvals as expired; returns the runs affected. */
  async function expireOverdue(): Promise<string[]> {
    const expired = await runs.expireApprovals({ now: now() });
    for (const a of expired) p.operator({ type: 'approval_expired', runId: a.runId, tenantId: a.tenantId, approvalId: a.approvalId, tool: a.tool, at: now() });
    return [...new Set(expired.map((a) => a.runId))];
  }

  /** Of these runs, those parked for approval with nothing left pending. */
  async function settled(runIds: string[]): Promise<string[]> {
    const ready: string[] = [];
    for (const runId of runIds) {
      const run = await runs.getRun({ runId });
      if (run?.status !== 'AWAITING_APPROVAL') continue;
      if ((await runs.listApprovals({ runId, status: 'pending' })).length === 0) ready.push(runId);
    }
    return ready;
  }

  return {
    expireOverdue,

    async hasPending(runId: string): Promise<boolean> {
      await expireOverdue();
      return (await runs.listApprovals({ runId, status: 'pending' })).length > 0;
    },

    /**
     * Every parked run, not only those that just expired: a crash between a decision and the
     * resume it triggers leaves a run parked with nothing pending.
     */
    async sweep(): Promise<number> {
      await expireOverdue();
      let n = 0;
      for (const runId of await settled(await runs.listRunIds({ statuses: ['AWAITING_APPROVAL'] }))) {
        try {
          await p.execute(runId);
          n++;
        } catch (e) {
          if (!(e instanceof LoreError && (e.code === 'CONFLICT' || e.code === 'ABORTED'))) throw e;
        }
      }
      return n;
    },

    async list({ tenantId, userId, status }: Parameters<TurnRunner['listApprovals']>[0]): Promise<PendingApproval[]> {
      // Reading must not show a stale "pending": expire first, and let the affected runs continue.
      for (const runId of await settled(await expireOverdue())) p.track(p.execute(runId));
      return runs.listApprovals({ tenantId, ...(userId ? { userId } : {}), ...(status ? { status } : {}) });
    },

    async decide({ tenantId, approvalId, decision, actor, reason, userId, stream, onEvent }: Parameters<TurnRunner['decideApproval']>[0]): Promise<RunResult> {
      await expireOverdue();
      const row = await runs.getApproval({ approvalId, tenantId });
      if (!row || (userId !== undefined && row.userId !== userId)) throw new LoreError('NOT_FOUND', `approval ${approvalId} not found`);
      if (row.status === 'expired') {
        for (const runId of await settled([row.runId])) p.track(p.execute(runId));
        throw new LoreError('APPROVAL_EXPIRED', `approval ${approvalId} expired at ${new Date(row.expiresAt).toISOString()}; the call was treated as rejected`);
      }
      const status = decision === 'approve' ? 'approved' : 'rejected';
      const decided = row.status === 'pending' && (await runs.decideApproval({ approvalId, status, decidedBy: actor, decidedAt: now(), ...(reason ? { decisionReason: reason } : {}) }));
      if (!decided) throw new LoreError('CONFLICT', `approval ${approvalId} was already ${(await runs.getApproval({ approvalId }))?.status ?? row.status}`);
      // The run continues only once every call it paused on is decided; otherwise this returns it parked.
      return p.execute(row.runId, { ...(stream ? { stream } : {}), ...(onEvent ? { onEvent } : {}) });
    },
  };
}
