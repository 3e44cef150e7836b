import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { newRun } from './fixtures.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

const T0 = 1_700_000_000_000;
const text = (t: string) => [{ type: 'text' as const, text: t }];

/** Alice and Bob each leave a session, a run, a rating, a fact and a learning; Alice's supersedes Bob's. */
async function seed(b: Backend) {
  const turn = (userId: string, sessionId: string, runId: string, role: 'user' | 'assistant', t: string) => ({
    tenantId: 't', sessionId, userId, runId, role, content: text(t), inputTokens: 1, outputTokens: 1, createdAt: T0 + (role === 'user' ? 0 : 1),
  });
  for (const [user, session, run] of [['alice', 's-alice', 'run_alice'], ['bob', 's-bob', 'run_bob']] as const) {
    await b.runs.createRun(newRun({ runId: run, tenantId: 't', sessionId: session, userId: user, message: `hello from ${user}`, createdAt: T0 }));
    await b.sessions.appendTurns({ turns: [turn(user, session, run, 'user', `${user} asks`), turn(user, session, run, 'assistant', `answer to ${user}`)] });
    await b.feedback.put({ tenantId: 't', runId: run, userId: user, rating: 'up', comment: `${user} liked it` });
    await b.memory.addFact({ id: `fact_${user}`, tenantId: 't', userId: user, text: `${user} prefers tea`, ttlSeconds: 3600, now: T0 });
  }
  const bobs = await b.knowledge.upsertDocument({ tenantId: 't', sourceUri: 'learning://bob', kind: 'learning', text: 'The cafeteria opens at 8am on weekdays.', provenance: { userId: 'bob', runId: 'run_bob' } });
  const alices = await b.knowledge.upsertDocument({ tenantId: 't', sourceUri: 'learning://alice', kind: 'learning', text: 'The cafeteria now opens at 9am on weekdays.', provenance: { userId: 'alice', runId: 'run_alice' } });
  const [hit] = await b.knowledge.search({ tenantId: 't', query: 'cafeteria opens 8am', topK: 5, kinds: ['learning'] });
  expect(hit?.docId).toBe(bobs.id);
  await b.knowledge.supersede({ tenantId: 't', chunkId: hit!.chunkId, newId: alices.id, actor: 'user:alice' });
  return { bobs, alices };
}

/**
 * The optional erasure and idle-session methods of a Backend (GDPR, README "Governance"; the
 * final-summary job): what one user leaves behind goes, and only that.
 */
export function erasureContract(name: string, make: MakeBackend): void {
  describe(`Backend.eraseUser / idleSessions contract: ${name}`, () => {
    let b: BackendUnderTest;
    beforeEach(async () => {
      b = await make({ startAt: T0 });
    });
    afterEach(async () => b.close());

    it("erases one user's sessions, runs, feedback, memory and learnings; their learning gives back what it superseded; others keep theirs", async () => {
      const be = b.backend;
      expect(be.eraseUser).toBeTypeOf('function');
      const { bobs, alices } = await seed(be);
      expect((await be.knowledge.getDocument({ tenantId: 't', id: bobs.id }))?.status).toBe('superseded');

      const report = await be.eraseUser!({ tenantId: 't', userId: 'alice', requestedBy: 'alice', now: T0 + 10 });
      expect(report).toMatchObject({ tenantId: 't', at: T0 + 10, erasureId: expect.stringMatching(/^gdpr_/) });
      expect(report.counts).toMatchObject({ workflow_runs: 1, turns: expect.any(Number), feedback: 1 });

      expect(await be.runs.getRun({ runId: 'run_alice' })).toBeNull();
      expect(await be.sessions.getSession({ tenantId: 't', sessionId: 's-alice', now: T0 + 10 })).toBeNull();
      expect(await be.sessions.listSessions({ tenantId: 't', userId: 'alice', now: T0 + 10 })).toEqual([]);
      expect(await be.feedback.list({ tenantId: 't', runId: 'run_alice' })).toEqual([]);
      expect(await be.memory.listFacts({ tenantId: 't', userId: 'alice', now: T0 + 10 })).toEqual([]);
      expect(await be.knowledge.getDocument({ tenantId: 't', id: alices.id })).toBeNull();
      const back = await be.knowledge.search({ tenantId: 't', query: 'cafeteria opens', topK: 5, kinds: ['learning'] });
      expect(back.map((h) => h.docId)).toEqual([bobs.id]);
      expect((await be.knowledge.getDocument({ tenantId: 't', id: bobs.id }))?.status).toBe('active');

      // Bob's data is untouched.
      expect(await be.runs.getRun({ runId: 'run_bob' })).toMatchObject({ userId: 'bob' });
      expect((await be.sessions.recentTurns({ tenantId: 't', sessionId: 's-bob', limit: 10, now: T0 + 10 })).map((t) => t.role)).toEqual(['user', 'assistant']);
      expect(await be.feedback.list({ tenantId: 't', runId: 'run_bob' })).toHaveLength(1);
      expect(await be.memory.listFacts({ tenantId: 't', userId: 'bob', now: T0 + 10 })).toHaveLength(1);

      // Erasing again finds nothing more.
      const again = await be.eraseUser!({ tenantId: 't', userId: 'alice', requestedBy: 'operator', now: T0 + 20 });
      expect(again.erasureId).not.toBe(report.erasureId);
      expect(again.counts.workflow_runs ?? 0).toBe(0);
    });

    it('lists a quiet, live session until its summary covers the last turn', async () => {
      const be = b.backend;
      expect(be.idleSessions).toBeTypeOf('function');
      await be.sessions.appendTurns({
        turns: [{ tenantId: 't', sessionId: 'quiet', userId: 'u', role: 'user', content: text('hi'), inputTokens: 1, outputTokens: 1, createdAt: T0, ttlSeconds: 3600 }],
      });
      // Not quiet yet (5 minutes of idleness asked), then quiet; an expired session is never listed.
      expect(await be.idleSessions!({ now: T0 + 60_000, idleSeconds: 300 })).toEqual([]);
      expect(await be.idleSessions!({ now: T0 + 400_000, idleSeconds: 300 })).toEqual([{ tenantId: 't', sessionId: 'quiet', userId: 'u' }]);
      expect(await be.idleSessions!({ now: T0 + 3_700_000, idleSeconds: 300 })).toEqual([]);
      expect(await be.memory.putSummary({ tenantId: 't', sessionId: 'quiet', userId: 'u', text: 'said hi', coveredThrough: T0, coveredTurns: 1, expected: null, ttlSeconds: 86_400, now: T0 + 400_000 })).toBe(true);
      expect(await be.idleSessions!({ now: T0 + 400_000, idleSeconds: 300 })).toEqual([]);
    });
  });
}
