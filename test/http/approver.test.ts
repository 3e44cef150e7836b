import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, hs256Auth, startStack, token, userClient, type Api, type Stack } from './support.js';

/**
 * With auth on, a refund over the threshold must be decidable by someone other than the user who
 * asked for it: a holder of auth.approverRole (or a curator) lists and decides the tenant's
 * approvals; a plain user still sees only their own, and another tenant's approver sees nothing.
 */
describe('approvers decide other users\' approvals', () => {
  let s: Stack;
  let alice: Api;
  let bob: Api;
  let carol: Api;
  let dave: Api;
  let erin: Api;
  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
    [alice, bob, carol, dave, erin] = await Promise.all([
      userClient(s, 'alice'),
      userClient(s, 'bob'),
      userClient(s, 'carol', { roles: ['approver'] }),
      userClient(s, 'dave', { roles: ['curator'] }),
      token('erin', { roles: ['approver'], tenant: 'other' }).then((t) => client(s.url, t)),
    ]);
  });
  afterAll(() => s.close());

  it('lists the tenant\'s approvals for an approver and lets them decide, once', async () => {
    const paused = await alice('POST', '/chat', { session_id: 'a-refund', message: 'Please issue a refund of $1500 for order A-1001.' });
    expect(paused.status).toBe(202);
    const id = paused.body.pending_approvals[0].approval_id as string;
    expect(paused.body.pending_approvals[0].user_id).toBe('alice');

    const listed = (await carol('GET', '/approvals?status=pending')).body.approvals;
    expect(listed.map((a: { approval_id: string; user_id: string }) => [a.approval_id, a.user_id])).toEqual([[id, 'alice']]);
    expect((await carol('GET', '/approvals?mine=true')).body.approvals).toEqual([]);
    expect((await dave('GET', '/approvals?status=pending')).body.approvals.map((a: { approval_id: string }) => a.approval_id)).toEqual([id]);
    expect((await bob('GET', '/approvals')).body.approvals).toEqual([]);
    expect((await erin('GET', '/approvals')).body.approvals).toEqual([]);
    expect((await bob('POST', `/approvals/${id}`, { decision: 'approve' })).status).toBe(404);
    expect((await erin('POST', `/approvals/${id}`, { decision: 'approve' })).status).toBe(404);

    const approved = await carol('POST', `/approvals/${id}`, { decision: 'approve', reason: 'checked the order' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('COMPLETED');
    expect(approved.body.answer).toMatch(/1500/);
    expect((await carol('POST', `/approvals/${id}`, { decision: 'approve' })).status).toBe(409);
    expect((await alice('POST', `/approvals/${id}`, { decision: 'reject' })).status).toBe(409);

    // The run stays Alice's; the decision names Carol.
    const [mine] = (await alice('GET', '/approvals')).body.approvals;
    expect(mine).toMatchObject({ approval_id: id, user_id: 'alice', status: 'approved', decided_by: 'user:carol' });
    expect((await alice('GET', `/runs/${paused.body.run_id}`)).body.status).toBe('COMPLETED');
    expect((await carol('GET', `/runs/${paused.body.run_id}`)).status).toBe(404);
  });
});
