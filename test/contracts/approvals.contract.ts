import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../src/workflow/approval-store.js';
import { approval } from './fixtures.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

/** ApprovalStore: idempotent creation, decided at most once (even when deciders race), expiry. */
export function approvalsContract(name: string, make: MakeBackend): void {
  describe(`ApprovalStore contract: ${name}`, () => {
    let b: BackendUnderTest;
    let store: ApprovalStore;
    beforeEach(async () => {
      b = await make();
      store = b.backend.approvals;
    });
    afterEach(async () => b.close());

    it('creates approvals once, keeping the first copy, and scopes reads by tenant', async () => {
      await store.createApprovals({ approvals: [approval(), approval({ approvalId: 'apr_2', toolUseId: 'tu_2' })] });
      await store.createApprovals({ approvals: [approval({ reason: 'asked again' })] });
      expect(await store.getApproval({ approvalId: 'apr_1' })).toEqual(approval());
      expect(await store.getApproval({ approvalId: 'apr_1', tenantId: 't' })).toEqual(approval());
      expect(await store.getApproval({ approvalId: 'apr_1', tenantId: 'x' })).toBeNull();
      expect(await store.getApproval({ approvalId: 'nope' })).toBeNull();
      expect((await store.listApprovals({ runId: 'run_1' })).map((a) => a.approvalId)).toEqual(['apr_1', 'apr_2']);
    });

    it('decides an approval once: the second decision loses', async () => {
      await store.createApprovals({ approvals: [approval()] });
      expect(await store.decideApproval({ approvalId: 'apr_1', status: 'approved', decidedBy: 'bob', decisionReason: 'fine', decidedAt: 70 })).toBe(true);
      expect(await store.decideApproval({ approvalId: 'apr_1', status: 'rejected', decidedBy: 'eve', decidedAt: 71 })).toBe(false);
      expect(await store.getApproval({ approvalId: 'apr_1' })).toEqual(approval({ status: 'approved', decidedBy: 'bob', decisionReason: 'fine', decidedAt: 70 }));
      expect(await store.decideApproval({ approvalId: 'nope', status: 'approved', decidedBy: 'bob', decidedAt: 72 })).toBe(false);
    });

    it('lets exactly one of several concurrent deciders win', async () => {
      await store.createApprovals({ approvals: [approval()] });
      const who = ['a', 'b', 'c', 'd'];
      const won = await Promise.all(who.map((decidedBy, i) => store.decideApproval({ approvalId: 'apr_1', status: i % 2 ? 'rejected' : 'approved', decidedBy, decidedAt: 80 + i })));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = who[won.indexOf(true)]!;
      expect((await store.getApproval({ approvalId: 'apr_1' }))!.decidedBy).toBe(winner);
    });

    it('expires pending approvals past their expiry, and only those', async () => {
      await store.createApprovals({
        approvals: [approval({ expiresAt: 100 }), approval({ approvalId: 'apr_2', toolUseId: 'tu_2', expiresAt: 50 }), approval({ approvalId: 'apr_3', toolUseId: 'tu_3', expiresAt: 40 })],
      });
      await store.decideApproval({ approvalId: 'apr_3', status: 'approved', decidedBy: 'bob', decidedAt: 30 });
      expect(await store.expireApprovals({ now: 60 })).toMatchObject([{ approvalId: 'apr_2', status: 'expired', decisionReason: 'expired', decidedAt: 60 }]);
      expect(await store.expireApprovals({ now: 60 })).toEqual([]);
      expect((await store.getApproval({ approvalId: 'apr_1' }))!.status).toBe('pending');
      expect((await store.getApproval({ approvalId: 'apr_3' }))!.status).toBe('approved');
      // An expired approval cannot be decided any more.
      expect(await store.decideApproval({ approvalId: 'apr_2', status: 'approved', decidedBy: 'bob', decidedAt: 61 })).toBe(false);
    });

    it('lists by tenant, user, status and run, oldest first, up to a limit', async () => {
      await store.createApprovals({
        approvals: [
          approval({ createdAt: 1 }),
          approval({ approvalId: 'apr_2', toolUseId: 'tu_2', createdAt: 2, userId: 'v' }),
          approval({ approvalId: 'apr_3', toolUseId: 'tu_3', createdAt: 3, runId: 'run_2' }),
          approval({ approvalId: 'apr_4', toolUseId: 'tu_4', createdAt: 4, tenantId: 'other' }),
        ],
      });
      await store.decideApproval({ approvalId: 'apr_1', status: 'approved', decidedBy: 'bob', decidedAt: 5 });
      const ids = (xs: Array<{ approvalId: string }>) => xs.map((a) => a.approvalId);
      expect(ids(await store.listApprovals({ tenantId: 't' }))).toEqual(['apr_1', 'apr_2', 'apr_3']);
      expect(ids(await store.listApprovals({ tenantId: 't', status: 'pending' }))).toEqual(['apr_2', 'apr_3']);
      expect(ids(await store.listApprovals({ tenantId: 't', userId: 'v' }))).toEqual(['apr_2']);
      expect(ids(await store.listApprovals({ runId: 'run_2' }))).toEqual(['apr_3']);
      expect(ids(await store.listApprovals({ tenantId: 't', limit: 2 }))).toEqual(['apr_1', 'apr_2']);
      expect(ids(await store.listApprovals({ status: 'pending' }))).toEqual(['apr_2', 'apr_3', 'apr_4']);
    });
  });
}
