import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256Auth, storeCounts, startStack, userClient, type Api, type Stack } from './support.js';

/** Two users of the same tenant: neither may see or touch the other's sessions, runs or approvals. */
describe('per-user isolation', () => {
  let s: Stack;
  let alice: Api;
  let bob: Api;
  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
    [alice, bob] = await Promise.all([userClient(s, 'alice'), userClient(s, 'bob')]);
  });
  afterAll(() => s.close());

  it("answers 404 for another user's session, run and approval, and changes nothing", async () => {
    const turn = await alice('POST', '/chat', { session_id: 'alice-session', message: 'What is 2+2?' });
    expect(turn.status).toBe(200);
    const paused = await alice('POST', '/chat', { session_id: 'alice-session', message: 'Please issue a refund of $1500 for order A-1001.' });
    expect(paused.status).toBe(202);
    expect(paused.body.status).toBe('AWAITING_APPROVAL');
    const approvalId = paused.body.pending_approvals[0].approval_id;
    expect((await alice('GET', '/approvals?status=pending')).body.approvals.map((a: { approval_id: string }) => a.approval_id)).toEqual([approvalId]);

    const before = await storeCounts(s);
    const attempts = [
      await bob('GET', '/sessions/alice-session'),
      await bob('DELETE', '/sessions/alice-session'),
      await bob('GET', `/runs/${turn.body.run_id}`),
      await bob('POST', '/feedback', { run_id: turn.body.run_id, rating: 'down' }),
      await bob('POST', `/approvals/${approvalId}`, { decision: 'approve' }),
      await bob('POST', '/chat', { session_id: 'alice-session', message: 'What did I say before?' }),
    ];
    for (const r of attempts) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect(await storeCounts(s)).toEqual(before);
    expect((await bob('GET', '/approvals')).body.approvals).toEqual([]);
    expect((await bob('GET', '/sessions')).body.sessions).toEqual([]);
    expect((await bob('GET', '/runs')).body.runs).toEqual([]);
    expect((await bob('GET', '/runs?session_id=alice-session')).body.runs).toEqual([]);
    // Alice's own list: newest first, filtered by session on request.
    const mine = (await alice('GET', '/runs?session_id=alice-session&limit=10')).body.runs.map((r: { run_id: string }) => r.run_id);
    expect(mine).toEqual([paused.body.run_id, turn.body.run_id]);
    expect((await alice('GET', '/runs?limit=0')).status).toBe(400);

    // Alice still has everything, and can decide her approval exactly once.
    expect((await alice('GET', '/sessions/alice-session')).body.turn_count).toBe(2); // the paused turn is written when it completes
    const approved = await alice('POST', `/approvals/${approvalId}`, { decision: 'approve', reason: 'verified' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('COMPLETED');
    expect(approved.body.answer).toMatch(/1500/);
    const twice = await alice('POST', `/approvals/${approvalId}`, { decision: 'reject' });
    expect(twice.status).toBe(409);
    expect((await alice('GET', `/runs/${paused.body.run_id}`)).body.status).toBe('COMPLETED');
  });
});
