import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, hs256Auth, startStack, storedRows, userClient, type Api, type Stack } from '../http/support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const ALICE = 'alice-erase-7f3a';
const BOB = 'bob-keeps-91c2';

/** Every stored row or item (any table, any column) that mentions `needle`. */
async function rowsMentioning(s: Stack, needle: string): Promise<string[]> {
  return (await storedRows(s)).filter((r) => r.includes(needle)).map((r) => r.slice(0, 160));
}

/** The erasure audit records: SQLite's gdpr_erasures rows, DynamoDB's gdpr-erasure items (effects table). */
async function audits(s: Stack): Promise<Array<{ id: string; requestedBy: string; counts: Record<string, number> }>> {
  if (s.rt.backend.kind === 'sqlite') {
    return (sqliteDb(s.rt).prepare('SELECT * FROM gdpr_erasures').all() as Array<Record<string, unknown>>).map((r) => ({ id: String(r.id), requestedBy: String(r.requested_by), counts: JSON.parse(String(r.counts)) }));
  }
  return (await storedRows(s)).filter((r) => r.startsWith('effects: ') && r.includes('"gdpr-erasure"')).map((r) => {
    const it = JSON.parse(r.slice('effects: '.length)) as { id: string; requestedBy: string; counts: Record<string, number> };
    return { id: it.id, requestedBy: it.requestedBy, counts: it.counts };
  });
}

describe('GDPR erasure: DELETE /users/:id/data', () => {
  let s: Stack;
  let alice: Api;
  let bob: Api;
  beforeAll(async () => {
    s = await startStack({ config: { ...hs256Auth, 'learning.mode': 'auto' } });
    alice = await userClient(s, ALICE);
    bob = await userClient(s, BOB);
  });
  afterAll(() => s.close());

  it("erases every row of the user, un-supersedes what their learning replaced, keeps other users' rows, and records that it happened", async () => {
    const bobFact = await bob('POST', '/chat', { session_id: 'bob-1', message: 'Update: the cafeteria opens at 8am on weekdays.' });
    const bobLearning = bobFact.body.learnings[0];
    expect(bobLearning.event).toBe('ADD');
    await bob('POST', '/feedback', { run_id: bobFact.body.run_id, rating: 'up', comment: 'nice' });

    const aliceFact = await alice('POST', '/chat', { session_id: 'alice-1', message: 'Update: the cafeteria now opens at 9am on weekdays.' });
    expect(aliceFact.body.learnings[0]).toMatchObject({ event: 'UPDATE', superseded: { doc_id: bobLearning.learning_id } });
    expect((await bob('GET', `/learnings/${bobLearning.learning_id}`)).body.status).toBe('superseded');
    await alice('POST', '/feedback', { run_id: aliceFact.body.run_id, rating: 'down', comment: 'my phone is 415-555-0133' });
    await alice('POST', '/chat', { session_id: 'alice-1', message: 'thumbs down, that was wrong' });
    const paused = await alice('POST', '/chat', { session_id: 'alice-2', message: 'Please issue a refund of $1500 for order A-1001.' });
    expect(paused.body.status).toBe('AWAITING_APPROVAL');
    const queued = await alice('POST', '/chat', { session_id: 'alice-3', message: 'What is 17*23?', async: true });
    for (let i = 0; i < 200 && !['COMPLETED', 'FAILED'].includes((await alice('GET', `/runs/${queued.body.run_id}`)).body.status); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await rowsMentioning(s, ALICE)).length).toBeGreaterThan(5);

    // Only the user themself (or a local, unauthenticated operator) may ask.
    expect((await bob('DELETE', `/users/${ALICE}/data`)).status).toBe(403);
    const erased = await alice('DELETE', `/users/${ALICE}/data`);
    expect(erased.status).toBe(200);
    expect(erased.body.counts).toMatchObject({ turns: expect.any(Number), workflow_runs: 4, documents: expect.any(Number) });

    expect(await rowsMentioning(s, ALICE)).toEqual([]);
    for (const run of [aliceFact.body.run_id, paused.body.run_id, queued.body.run_id]) expect(await rowsMentioning(s, run)).toEqual([]);
    expect(await rowsMentioning(s, '9am')).toEqual([]);
    expect(await rowsMentioning(s, '415-555-0133')).toEqual([]);

    // Bob's learning is current truth again; his rows are all there.
    expect((await bob('GET', `/learnings/${bobLearning.learning_id}`)).body.status).toBe('active');
    expect((await rowsMentioning(s, BOB)).length).toBeGreaterThan(3);
    expect((await bob('GET', `/runs/${bobFact.body.run_id}`)).status).toBe(200);

    // The audit row: when, who asked, counts — no id, no content.
    const audit = await audits(s);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ id: erased.body.erasure_id, requestedBy: 'self' });
    expect(audit[0]!.counts.workflow_runs).toBe(4);
  });

  it("takes the erased learning's text out of other users' checkpoints that retrieved it; their own turns stay", async () => {
    const carol = await userClient(s, 'carol-teaches');
    const dave = await userClient(s, 'dave-asks');
    const taught = await carol('POST', '/chat', { session_id: 'c1', message: 'Update: the loading dock is now run by Zebulon Marsh.' });
    expect(taught.body.learnings[0]).toMatchObject({ event: 'ADD', state: 'shared' });
    const asked = await dave('POST', '/chat', { session_id: 'd1', message: 'Who runs the loading dock?' });
    expect(asked.body.answer).toContain('Zebulon Marsh');
    const checkpoints = async () =>
      (await storedRows(s)).filter((r) => r.includes('Zebulon Marsh') && (/^(workflow_steps|workflow_progress): /.test(r) || (r.startsWith('runs: ') && /"sk":"(STEP|PROGRESS)#/.test(r))));
    expect((await checkpoints()).length).toBeGreaterThan(0);

    expect((await carol('DELETE', '/users/carol-teaches/data')).status).toBe(200);
    expect(await checkpoints()).toEqual([]);
    // Dave's conversation is his: the answer he was given stays in his turns.
    expect((await rowsMentioning(s, 'Zebulon Marsh')).some((r) => r.startsWith('turns: ') || r.startsWith('sessions: '))).toBe(true);
    expect((await dave('GET', `/runs/${asked.body.run_id}`)).status).toBe(200);
  });

  it('a server without authentication lets its local operator erase any user', async () => {
    const local = await startStack();
    try {
      const api = client(local.url);
      await api('POST', '/chat', { session_id: 'x', message: 'hello' });
      const r = await api('DELETE', '/users/local/data');
      expect(r.status).toBe(200);
      // The audit record is the one thing left (it names no user: requested by the local operator).
      expect((await rowsMentioning(local, 'local')).filter((h) => !h.startsWith('gdpr_erasures') && !h.includes('"gdpr-erasure"'))).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
