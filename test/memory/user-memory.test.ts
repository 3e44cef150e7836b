import { afterEach, describe, expect, it } from 'vitest';
import { buildTurnContext } from '../../src/agent/turn.js';
import { loadConfig } from '../../src/config.js';
import { memoryDepsFrom } from '../../src/memory/memory-deps.js';
import { eraseUserData } from '../../src/stores/sqlite/gdpr.js';
import { idleSessions } from '../../src/stores/sqlite/idle-sessions.js';
import { closeAll, say, stack, type Stack } from './support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

afterEach(closeAll);

const ctxFor = (s: Stack, userId: string, sessionId: string, message: string) =>
  buildTurnContext(s.turnDeps, { runId: `probe-${userId}-${sessionId}`, traceId: 't', tenantId: s.config.tenant, sessionId, userId, message });
const systemOf = (ctx: { system: object[] }) => ctx.system.map((b) => ('text' in b ? String(b.text) : '')).join('\n');
const T = 'default';

describe('per-user memory across sessions', () => {
  it("keeps a fact about the user in their own memory, recalls it in their next session, and never in another user's", async () => {
    const s = stack();
    const r = await say(s, { sessionId: 'a1', userId: 'ana', message: 'Please remember that I prefer email for invoice questions.' });
    expect(r.learnings).toEqual([expect.objectContaining({ event: 'ADD', state: 'personal', about: 'user', memoryId: expect.stringMatching(/^mem_/) })]);
    expect(r.answer).toContain("I'll remember that for you.");
    // Not in the shared knowledge base, whatever the learning mode (local mode shares everything else).
    expect(await s.knowledge.search({ tenantId: T, query: 'prefer email invoice questions', topK: 5 })).toEqual([]);

    const next = await say(s, { sessionId: 'a2', userId: 'ana', message: 'How do I prefer to be contacted about invoice questions?' });
    expect(next.answer).toContain('email');
    expect(await s.memory.store.runMemory({ tenantId: T, runId: next.runId })).toContainEqual({ kind: 'user_fact', id: r.learnings[0]!.memoryId! });
    expect(systemOf(await ctxFor(s, 'ana', 'a3', 'hello'))).toMatch(/<user_memory>[\s\S]*I prefer email for invoice questions\.[\s\S]*<\/user_memory>/);

    const bob = await say(s, { sessionId: 'b1', userId: 'bob', message: 'How do I prefer to be contacted about invoice questions?' });
    expect(bob.answer).not.toContain('email');
    expect(systemOf(await ctxFor(s, 'bob', 'b2', 'invoice questions email'))).not.toContain('<user_memory>');

    // A fact about the world still goes to the knowledge base, marked as such.
    const world = await say(s, { sessionId: 'a2', userId: 'ana', message: 'Update: the billing portal now closes at 6pm.' });
    expect(world.learnings[0]).toMatchObject({ about: 'world', state: 'shared' });
  });

  it('a correction of a user fact supersedes the old one', async () => {
    const s = stack();
    await say(s, { sessionId: 'a1', userId: 'ana', message: 'Please remember that my desk is on floor 3.' });
    const fix = await say(s, { sessionId: 'a2', userId: 'ana', message: 'Actually, my desk is on floor 5 now.' });
    expect(fix.learnings[0]).toMatchObject({ event: 'UPDATE', about: 'user' });
    const facts = await s.memory.store.listFacts({ tenantId: T, userId: 'ana' });
    expect(facts).toHaveLength(1);
    expect(facts[0]!.text).toContain('floor 5');
    const ask = await say(s, { sessionId: 'a3', userId: 'ana', message: 'Which floor is my desk on?' });
    expect(ask.answer).toContain('floor 5');
    expect(ask.answer).not.toContain('floor 3');
  });

  it('finds what was decided in an earlier session through its summary', async () => {
    const s = stack();
    await say(s, { sessionId: 'last-week', userId: 'ana', message: 'We decided to split invoice INV-88 into two payments in March.' });
    await say(s, { sessionId: 'last-week', userId: 'ana', message: 'Thanks, that is all.' });
    // Starting a new session gives the earlier one its final summary.
    await say(s, { sessionId: 'today', userId: 'ana', message: 'Hello again.' });
    expect((await s.memory.store.getSummary({ tenantId: T, sessionId: 'last-week' }))!.text).toContain('INV-88');
    const r = await say(s, { sessionId: 'today', userId: 'ana', message: 'What did we decide last week about the invoice payments?' });
    expect(r.answer).toContain('two payments');
    expect(await s.memory.store.runMemory({ tenantId: T, runId: r.runId })).toContainEqual({ kind: 'past_summary', id: 'last-week' });
    const bob = await ctxFor(s, 'bob', 'b', 'What did we decide last week about the invoice?');
    // Ana's session summary is hers: no user memory of hers reaches Bob. (The decision itself may
    // reach him as a shared learning of the tenant: that is the learning path, not her memory.)
    expect(systemOf(bob)).not.toMatch(/<user_memory>[\s\S]*INV-88/);
    expect(systemOf(bob)).not.toMatch(/last-week[^\n]*summary|summary[^\n]*last-week/i);
  });

  it('a session that went quiet gets its final summary once, before its turns expire', async () => {
    const s = stack();
    await say(s, { sessionId: 'short', userId: 'ana', message: 'We agreed the refund for order Q-17 goes to the original card.' });
    expect(await s.memory.store.getSummary({ tenantId: T, sessionId: 'short' })).toBeNull();
    const later = Date.now() + 16 * 60_000;
    expect(idleSessions(sqliteDb(s), { now: Date.now(), idleSeconds: 900 })).toEqual([]);
    const idle = idleSessions(sqliteDb(s), { now: later, idleSeconds: 900 });
    expect(idle).toEqual([{ tenantId: T, sessionId: 'short', userId: 'ana' }]);
    expect(await s.svc.memoryJobs.finaliseIdle(idle, later)).toBe(1);
    expect((await s.memory.store.getSummary({ tenantId: T, sessionId: 'short', now: later }))!.text).toContain('Q-17');
    expect(idleSessions(sqliteDb(s), { now: later, idleSeconds: 900 })).toEqual([]);
  });

  it("a user's erasure removes their memory from every store", async () => {
    const s = stack({ 'memory.historyTurns': 2 });
    await say(s, { sessionId: 'a1', userId: 'ana', message: 'Please remember that my team is in Berlin.' });
    for (let i = 0; i < 3; i++) await say(s, { sessionId: 'a1', userId: 'ana', message: `Box ${i} of the Berlin order is packed.` });
    await say(s, { sessionId: 'b1', userId: 'bob', message: 'Please remember that I prefer phone calls.' });
    expect(await s.memory.store.getSummary({ tenantId: T, sessionId: 'a1' })).not.toBeNull();
    const report = await eraseUserData(sqliteDb(s), s.knowledge, { tenantId: T, userId: 'ana', requestedBy: 'ana' });
    expect(report.counts.user_facts).toBe(1);
    expect(report.counts.session_summaries).toBe(1);
    for (const table of ['user_facts', 'session_summaries', 'run_memory']) {
      expect(sqliteDb(s).prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = 'ana'`).get()).toEqual({ n: 0 });
    }
    expect(sqliteDb(s).prepare(`SELECT count(*) AS n FROM session_summaries_fts WHERE session_summaries_fts MATCH 'berlin'`).get()).toEqual({ n: 0 });
    expect(await s.memory.store.listFacts({ tenantId: T, userId: 'bob' })).toHaveLength(1);
  });
});

describe('retention', () => {
  it('expires each kind after its retention, with per-tenant overrides', async () => {
    const config = loadConfig({}, { 'memory.retention.userFactSeconds': 1000, 'memory.retention.tenants': { acme: { userFactSeconds: 10, summarySeconds: 20, turnSeconds: 30 } } });
    const s = stack();
    const deps = memoryDepsFrom(config, s.memory.store);
    expect(deps.retention('acme')).toEqual({ userFactSeconds: 10, summarySeconds: 20, turnSeconds: 30 });
    expect(deps.retention('other')).toEqual({ userFactSeconds: 1000, summarySeconds: 90 * 86_400, turnSeconds: 3600 });
    const t0 = 1_700_000_000_000;
    await deps.store.addFact({ id: 'f-acme', tenantId: 'acme', userId: 'ana', text: 'I prefer email.', ttlSeconds: deps.retention('acme').userFactSeconds, now: t0 });
    await deps.store.addFact({ id: 'f-other', tenantId: 'other', userId: 'ana', text: 'I prefer email.', ttlSeconds: deps.retention('other').userFactSeconds, now: t0 });
    expect(await deps.store.listFacts({ tenantId: 'acme', userId: 'ana', now: t0 + 10_000 })).toEqual([]);
    expect(await deps.store.listFacts({ tenantId: 'other', userId: 'ana', now: t0 + 10_000 })).toHaveLength(1);
    expect(await deps.store.purgeExpired({ now: t0 + 10_000 })).toEqual({ facts: 1, summaries: 0 });
  });
});
