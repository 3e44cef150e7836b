import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Api, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * Found by bench/soak.ts: deciding an approval looked it up among the user's approvals listed
 * oldest first and capped at 1000, so once a user had 1000 approvals every new one answered 404
 * (and each decision read 1000 rows). A decision is one indexed read now.
 */
describe('deciding an approval when the user already has more than 1000', () => {
  let s: Stack;
  let api: Api;
  beforeAll(async () => {
    s = await startStack();
    api = client(s.url);
  });
  afterAll(() => s.close());

  it('finds and decides the newest approval', async () => {
    // 1200 older, already decided approvals of the same user (as months of use leave behind).
    if (s.rt.backend.kind === 'sqlite') {
      sqliteDb(s.rt)
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
           INSERT INTO workflow_approvals (approval_id, run_id, tenant_id, user_id, tool_use_id, tool, input, reason, status, decided_by, created_at, expires_at, decided_at)
           SELECT 'apr_old_' || i, 'run_old_' || i, 'default', 'local', 'tu_' || i, 'issue_refund', '{}', 'old', 'approved', 'user:local', i, i + 1000, i FROM n`,
        )
        .run();
    } else {
      // Other backends: the same 1200 decided approvals through the port.
      const old = Array.from({ length: 1200 }, (_, k) => k + 1).map((i) => ({
        approvalId: `apr_old_${i}`, runId: `run_old_${i}`, tenantId: 'default', userId: 'local', toolUseId: `tu_${i}`, tool: 'issue_refund',
        input: {}, reason: 'old', status: 'approved' as const, decidedBy: 'user:local', createdAt: i, expiresAt: i + 1000, decidedAt: i,
      }));
      for (let i = 0; i < old.length; i += 100) await s.rt.backend.approvals.createApprovals({ approvals: old.slice(i, i + 100) });
    }
    const paused = await api('POST', '/chat', { session_id: 'many', message: 'Please issue a refund of $1500 for order A-1001.' });
    expect(paused.body.status).toBe('AWAITING_APPROVAL');
    const id = paused.body.pending_approvals[0].approval_id;
    const decided = await api('POST', `/approvals/${id}`, { decision: 'approve', reason: 'ok' });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('COMPLETED');
    // Another user's (or an unknown) approval is still a 404.
    expect((await api('POST', '/approvals/apr_unknown', { decision: 'approve' })).status).toBe(404);
  });
});
