import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTurn, SessionStore } from './session-store.js';

/**
 * The behaviour every SessionStore adapter must share. Adapters call this from their own test file
 * with a factory that builds a fresh, empty store (real backend, no mocks).
 */
export interface SessionStoreHarness {
  store: SessionStore;
  /** Close and reopen the same backing storage, when the adapter has one. */
  reopen?: () => Promise<SessionStore>;
  close: () => Promise<void>;
}

export type SessionStoreFactory = (options: { ttlSeconds: number }) => Promise<SessionStoreHarness>;

const T0 = 1_700_000_000_000;
const TTL = 60;

function turn(over: Partial<NewTurn> & { text?: string } = {}): NewTurn {
  const { text, ...rest } = over;
  return {
    tenantId: 't1',
    sessionId: 's1',
    userId: 'alice',
    role: 'user',
    content: [{ text: text ?? 'hello' }],
    inputTokens: 1,
    outputTokens: 0,
    createdAt: T0,
    ...rest,
  };
}

const texts = (turns: Array<{ content: unknown[] }>) => turns.map((t) => (t.content[0] as { text: string }).text);

export function sessionStoreContract(name: string, factory: SessionStoreFactory): void {
  describe(`SessionStore contract: ${name}`, () => {
    let h: SessionStoreHarness;
    let store: SessionStore;
    beforeEach(async () => {
      h = await factory({ ttlSeconds: TTL });
      store = h.store;
    });
    afterEach(async () => h.close());

    it('appends turns and returns the last N oldest-first', async () => {
      const batch = Array.from({ length: 5 }, (_, i) => turn({ text: `m${i}`, createdAt: T0 + i * 1000, role: i % 2 ? 'assistant' : 'user' }));
      const written = await store.appendTurns({ turns: batch });
      expect(written).toHaveLength(5);
      expect(written[0]).toMatchObject({ tenantId: 't1', sessionId: 's1', userId: 'alice', createdAt: T0, expiresAt: T0 + TTL * 1000 });
      expect(written[0]!.id).toBeTruthy();
      const last3 = await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 3, now: T0 + 5000 });
      expect(texts(last3)).toEqual(['m2', 'm3', 'm4']);
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 50, now: T0 + 5000 }))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 0, now: T0 })).toEqual([]);
    });

    it('reads only turns created strictly after `since`, the last N of those', async () => {
      // Two turns per millisecond (a user turn and its answer), the way a turn writes them.
      const pairs = Array.from({ length: 4 }, (_, i) => [
        turn({ text: `q${i}`, createdAt: T0 + i * 1000 }),
        turn({ text: `a${i}`, createdAt: T0 + i * 1000, role: 'assistant' }),
      ]);
      for (const p of pairs) await store.appendTurns({ turns: p });
      const since = (s: number, limit = 50, now = T0 + 5000) => store.recentTurns({ tenantId: 't1', sessionId: 's1', limit, since: s, now }).then(texts);
      expect(await since(T0 + 1000)).toEqual(['q2', 'a2', 'q3', 'a3']);
      expect(await since(T0 + 999)).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3']);
      expect(await since(T0 + 1000, 3)).toEqual(['a2', 'q3', 'a3']);
      expect(await since(T0 + 3000)).toEqual([]);
      expect(await since(T0 - 1)).toEqual(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 50, now: T0 + 5000 })));
      expect(await since(T0 + 1500.5)).toEqual(['q2', 'a2', 'q3', 'a3']);
      // Still only live turns.
      expect(await since(T0 - 1, 50, T0 + TTL * 1000 + 2500)).toEqual(['q3', 'a3']);
      expect(await store.recentTurns({ tenantId: 't1', sessionId: 's2', limit: 50, since: T0 - 1, now: T0 })).toEqual([]);
    });

    it('keeps insertion order for turns written in the same millisecond', async () => {
      await store.appendTurns({ turns: [turn({ text: 'q' }), turn({ text: 'a', role: 'assistant' })] });
      await store.appendTurns({ turns: [turn({ text: 'q2' }), turn({ text: 'a2', role: 'assistant' })] });
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['q', 'a', 'q2', 'a2']);
    });

    it('round-trips content blocks, tokens, trace and run ids', async () => {
      const content = [{ text: 'x' }, { toolUse: { toolUseId: 'tu1', name: 'calc', input: { a: 1 } } }];
      const [t] = await store.appendTurns({ turns: [turn({ content, role: 'assistant', inputTokens: 7, outputTokens: 9, traceId: 'tr1', runId: 'r1' })] });
      const [back] = await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 1, now: T0 });
      expect(back).toEqual(t);
      expect(back).toMatchObject({ content, inputTokens: 7, outputTokens: 9, traceId: 'tr1', runId: 'r1' });
    });

    it('never returns expired turns (default and per-turn TTL)', async () => {
      await store.appendTurns({
        turns: [turn({ text: 'old', createdAt: T0 }), turn({ text: 'short', createdAt: T0 + 1000, ttlSeconds: 5 }), turn({ text: 'new', createdAt: T0 + 30_000 })],
      });
      const at = (now: number) => store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now }).then(texts);
      expect(await at(T0 + 5_999)).toEqual(['old', 'short', 'new']);
      expect(await at(T0 + 6_000)).toEqual(['old', 'new']);
      expect(await at(T0 + TTL * 1000)).toEqual(['new']);
      expect(await at(T0 + 30_000 + TTL * 1000)).toEqual([]);
      expect(await store.getSession({ tenantId: 't1', sessionId: 's1', now: T0 + TTL * 1000 })).toMatchObject({ turnCount: 1, firstAt: T0 + 30_000 });
      expect(await store.getSession({ tenantId: 't1', sessionId: 's1', now: T0 + 30_000 + TTL * 1000 })).toBeNull();
    });

    it('purges expired turns and reports how many', async () => {
      await store.appendTurns({ turns: [turn({ text: 'a' }), turn({ text: 'b', createdAt: T0 + 10_000 }), turn({ sessionId: 's2', createdAt: T0 + 120_000 })] });
      expect(await store.purgeExpired({ now: T0 + TTL * 1000 })).toBe(1);
      expect(await store.purgeExpired({ now: T0 + TTL * 1000 })).toBe(0);
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['b']);
      expect(await store.purgeExpired({ now: T0 + 10_000 + TTL * 1000 })).toBe(1);
      expect(await store.getSession({ tenantId: 't1', sessionId: 's1', now: T0 })).toBeNull();
      expect(await store.getSession({ tenantId: 't1', sessionId: 's2', now: T0 + 120_000 })).toMatchObject({ turnCount: 1 });
    });

    it('skips turns whose (runId, role) already exists, in later and in the same batch', async () => {
      const first = await store.appendTurns({ turns: [turn({ runId: 'r1', text: 'q' }), turn({ runId: 'r1', role: 'assistant', text: 'a' })] });
      expect(first).toHaveLength(2);
      const again = await store.appendTurns({ turns: [turn({ runId: 'r1', text: 'q (retry)' }), turn({ runId: 'r1', role: 'assistant', text: 'a (retry)' })] });
      expect(again).toEqual([]);
      const mixed = await store.appendTurns({ turns: [turn({ runId: 'r2', text: 'q2' }), turn({ runId: 'r2', text: 'dup' }), turn({ text: 'no run' })] });
      expect(texts(mixed)).toEqual(['q2', 'no run']);
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['q', 'a', 'q2', 'no run']);
    });

    it("replaces a run's turn text once, idempotently, within its tenant", async () => {
      await store.appendTurns({ turns: [turn({ runId: 'r1', text: 'q' }), turn({ runId: 'r1', role: 'assistant', text: 'a' })] });
      expect(await store.setTurnText({ tenantId: 't1', runId: 'r1', role: 'assistant', text: 'a\n\nNoted.' })).toBe(true);
      expect(await store.setTurnText({ tenantId: 't1', runId: 'r1', role: 'assistant', text: 'a\n\nNoted.' })).toBe(false);
      expect(await store.setTurnText({ tenantId: 't2', runId: 'r1', role: 'assistant', text: 'x' })).toBe(false);
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['q', 'a\n\nNoted.']);
    });

    it('appends all or nothing', async () => {
      const bad = { ...turn({ text: 'bad' }), role: 'system' } as unknown as NewTurn;
      await expect(store.appendTurns({ turns: [turn({ text: 'ok' }), bad] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 })).toEqual([]);
    });

    it('sessionOwner agrees with getSession: first user, live turns only, gone after delete', async () => {
      const owner = (sessionId: string, now: number) => store.sessionOwner({ tenantId: 't1', sessionId, now });
      const summaryUser = async (sessionId: string, now: number) => (await store.getSession({ tenantId: 't1', sessionId, now }))?.userId ?? null;
      expect(await owner('s1', T0)).toBeNull();
      await store.appendTurns({ turns: [turn({ createdAt: T0 }), turn({ userId: 'bob', createdAt: T0 + 1000 })] });
      await store.appendTurns({ turns: [turn({ sessionId: 's2', userId: 'bob', createdAt: T0, ttlSeconds: 5 })] });
      for (const [sessionId, now] of [['s1', T0 + 1000], ['s1', T0 + 1000 + TTL * 1000], ['s2', T0 + 4999], ['s2', T0 + 5000], ['s3', T0]] as const) {
        expect(await owner(sessionId, now)).toBe(await summaryUser(sessionId, now));
      }
      expect(await owner('s1', T0 + 1000)).toBe('alice');
      expect(await store.sessionOwner({ tenantId: 't2', sessionId: 's1', now: T0 })).toBeNull();
      await store.deleteSession({ tenantId: 't1', sessionId: 's1' });
      expect(await owner('s1', T0 + 1000)).toBeNull();
    });

    it('summarises sessions and lists them by owner, newest first', async () => {
      await store.appendTurns({ turns: [turn({ sessionId: 's1', createdAt: T0 }), turn({ sessionId: 's1', role: 'assistant', createdAt: T0 + 1000 })] });
      await store.appendTurns({ turns: [turn({ sessionId: 's2', createdAt: T0 + 5000 })] });
      await store.appendTurns({ turns: [turn({ sessionId: 's3', userId: 'bob', createdAt: T0 + 6000 })] });
      // A later turn by someone else does not change the owner: the first turn's user owns it.
      await store.appendTurns({ turns: [turn({ sessionId: 's1', userId: 'bob', createdAt: T0 + 7000 })] });
      await store.appendTurns({ turns: [turn({ tenantId: 't2', sessionId: 's9', createdAt: T0 })] });

      expect(await store.getSession({ tenantId: 't1', sessionId: 's1', now: T0 + 7000 })).toEqual({
        tenantId: 't1', sessionId: 's1', userId: 'alice', turnCount: 3, firstAt: T0, lastAt: T0 + 7000,
      });
      const alice = await store.listSessions({ tenantId: 't1', userId: 'alice', now: T0 + 7000 });
      expect(alice.map((s) => s.sessionId)).toEqual(['s1', 's2']);
      expect((await store.listSessions({ tenantId: 't1', userId: 'alice', limit: 1, now: T0 + 7000 })).map((s) => s.sessionId)).toEqual(['s1']);
      expect((await store.listSessions({ tenantId: 't1', userId: 'bob', now: T0 + 7000 })).map((s) => s.sessionId)).toEqual(['s3']);
      expect((await store.listSessions({ tenantId: 't2', userId: 'alice', now: T0 })).map((s) => s.sessionId)).toEqual(['s9']);
      expect(await store.getSession({ tenantId: 't2', sessionId: 's1', now: T0 })).toBeNull();
    });

    it('lists the newest `limit` of many sessions exactly, also when a newest turn expired before older ones', async () => {
      // 25 sessions with distinct last-turn times; s07's newest turn has a short TTL of its own and
      // has expired by `now`, so its live lastAt is its older turn's (below several others').
      for (let i = 0; i < 25; i++) {
        const sessionId = `s${String(i).padStart(2, '0')}`;
        await store.appendTurns({ turns: [turn({ sessionId, createdAt: T0 + i * 1000 })] });
      }
      await store.appendTurns({ turns: [turn({ sessionId: 's07', role: 'assistant', createdAt: T0 + 30_000, ttlSeconds: 5 })] });
      const now = T0 + 40_000;
      const all = await store.listSessions({ tenantId: 't1', userId: 'alice', now });
      expect(all).toHaveLength(25);
      expect(all.map((x) => x.lastAt)).toEqual([...all.map((x) => x.lastAt)].sort((a, b) => b - a));
      expect(all.find((x) => x.sessionId === 's07')).toMatchObject({ lastAt: T0 + 7000, turnCount: 1 });
      for (const limit of [1, 3, 12, 24]) {
        expect((await store.listSessions({ tenantId: 't1', userId: 'alice', limit, now })).map((x) => x.sessionId)).toEqual(all.slice(0, limit).map((x) => x.sessionId));
      }
      expect(all.slice(0, 3).map((x) => x.sessionId)).toEqual(['s24', 's23', 's22']);
    });

    it('isolates tenants that reuse a session id', async () => {
      await store.appendTurns({ turns: [turn({ tenantId: 'ta', text: 'A' }), turn({ tenantId: 'tb', text: 'B' })] });
      expect(texts(await store.recentTurns({ tenantId: 'ta', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['A']);
      expect(await store.deleteSession({ tenantId: 'ta', sessionId: 's1' })).toBe(1);
      expect(texts(await store.recentTurns({ tenantId: 'tb', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['B']);
    });

    it('deletes a session and reports the turns removed', async () => {
      await store.appendTurns({ turns: [turn(), turn({ role: 'assistant' }), turn({ sessionId: 's2' })] });
      expect(await store.deleteSession({ tenantId: 't1', sessionId: 's1' })).toBe(2);
      expect(await store.deleteSession({ tenantId: 't1', sessionId: 's1' })).toBe(0);
      expect(await store.getSession({ tenantId: 't1', sessionId: 's1', now: T0 })).toBeNull();
      expect(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 })).toEqual([]);
      expect(await store.getSession({ tenantId: 't1', sessionId: 's2', now: T0 })).not.toBeNull();
    });

    it('keeps turns across close and reopen', async ({ skip }) => {
      if (!h.reopen) return skip();
      await store.appendTurns({ turns: [turn({ text: 'persisted', runId: 'r1' })] });
      store = await h.reopen();
      expect(texts(await store.recentTurns({ tenantId: 't1', sessionId: 's1', limit: 10, now: T0 }))).toEqual(['persisted']);
      expect(await store.appendTurns({ turns: [turn({ runId: 'r1' })] })).toEqual([]);
    });
  });
}
