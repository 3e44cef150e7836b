import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from './memory-store.js';

/**
 * The behaviour every MemoryStore adapter must share (SQLite today, the DynamoDB backend next).
 * Adapters call this from their own test file with a factory building a fresh, empty store.
 */
export interface MemoryStoreHarness {
  store: MemoryStore;
  close: () => Promise<void>;
}

const T0 = 1_700_000_000_000;
const DAY = 86_400;
const base = { tenantId: 't1', sessionId: 's1', userId: 'alice', ttlSeconds: DAY };

export function memoryStoreContract(name: string, factory: () => Promise<MemoryStoreHarness>): void {
  describe(`MemoryStore contract: ${name}`, () => {
    let h: MemoryStoreHarness;
    let m: MemoryStore;
    beforeEach(async () => {
      h = await factory();
      m = h.store;
    });
    afterEach(async () => h.close());

    it('compare-and-sets a rolling summary on its coverage', async () => {
      expect(await m.putSummary({ ...base, text: 'A.', coveredThrough: 10, coveredTurns: 2, expected: null, now: T0 })).toBe(true);
      // A second writer that read "no summary" loses: the turns are never folded in twice.
      expect(await m.putSummary({ ...base, text: 'A. A.', coveredThrough: 10, coveredTurns: 2, expected: null, now: T0 })).toBe(false);
      // Coverage must advance.
      expect(await m.putSummary({ ...base, text: 'B.', coveredThrough: 10, coveredTurns: 2, expected: 10, now: T0 })).toBe(false);
      expect(await m.putSummary({ ...base, text: 'A. B.', coveredThrough: 20, coveredTurns: 4, expected: 10, now: T0 + 1 })).toBe(true);
      expect(await m.getSummary({ tenantId: 't1', sessionId: 's1', now: T0 + 2 })).toMatchObject({ text: 'A. B.', coveredThrough: 20, coveredTurns: 4, userId: 'alice', createdAt: T0, updatedAt: T0 + 1 });
      expect(await m.getSummary({ tenantId: 't2', sessionId: 's1', now: T0 })).toBeNull();
    });

    it("searches only the user's own summaries", async () => {
      await m.putSummary({ ...base, sessionId: 'a1', text: 'We decided to split the invoice INV-9 into two payments.', coveredThrough: 1, coveredTurns: 2, expected: null, now: T0 });
      await m.putSummary({ ...base, sessionId: 'a2', text: 'Talked about the weather in Lisbon.', coveredThrough: 1, coveredTurns: 2, expected: null, now: T0 });
      await m.putSummary({ ...base, sessionId: 'b1', userId: 'bob', text: 'Bob decided the invoice is paid.', coveredThrough: 1, coveredTurns: 2, expected: null, now: T0 });
      const hits = await m.searchSummaries({ tenantId: 't1', userId: 'alice', query: 'what did we decide about the invoice?', limit: 5, now: T0 });
      expect(hits.map((s) => s.sessionId)).toEqual(['a1']);
      expect(await m.searchSummaries({ tenantId: 't1', userId: 'alice', query: 'invoice', limit: 5, excludeSessionId: 'a1', now: T0 })).toEqual([]);
      expect(await m.searchSummaries({ tenantId: 't1', userId: 'alice', query: '"*) OR', limit: 5, now: T0 })).toEqual([]);
      expect((await m.listSummaries({ tenantId: 't1', userId: 'alice', now: T0 })).map((s) => s.sessionId).sort()).toEqual(['a1', 'a2']);
      expect(await m.deleteSummary({ tenantId: 't1', userId: 'bob', sessionId: 'a1' })).toBe(false);
      expect(await m.deleteSummary({ tenantId: 't1', userId: 'alice', sessionId: 'a1' })).toBe(true);
      expect(await m.searchSummaries({ tenantId: 't1', userId: 'alice', query: 'invoice', limit: 5, now: T0 })).toEqual([]);
    });

    it("rewrites only the owner's live summary, keeping its coverage, and search follows the new text", async () => {
      await m.putSummary({ ...base, text: 'I prefer email. We split invoice INV-9.', coveredThrough: 5, coveredTurns: 2, expected: null, now: T0 });
      expect(await m.rewriteSummary({ tenantId: 't1', userId: 'bob', sessionId: 's1', text: 'x', now: T0 + 1 })).toBe(false);
      expect(await m.rewriteSummary({ tenantId: 't1', userId: 'alice', sessionId: 'nope', text: 'x', now: T0 + 1 })).toBe(false);
      expect(await m.rewriteSummary({ tenantId: 't1', userId: 'alice', sessionId: 's1', text: 'We split invoice INV-9.', now: T0 + 1 })).toBe(true);
      expect(await m.getSummary({ tenantId: 't1', sessionId: 's1', now: T0 + 2 })).toMatchObject({ text: 'We split invoice INV-9.', coveredThrough: 5, coveredTurns: 2, updatedAt: T0 + 1 });
      const q = { tenantId: 't1', userId: 'alice', limit: 5, now: T0 + 2 };
      expect(await m.searchSummaries({ ...q, query: 'email' })).toEqual([]);
      expect((await m.searchSummaries({ ...q, query: 'invoice' })).map((s) => s.sessionId)).toEqual(['s1']);
      // Expired: nothing to rewrite.
      expect(await m.rewriteSummary({ tenantId: 't1', userId: 'alice', sessionId: 's1', text: 'y', now: T0 + (DAY + 1) * 1000 })).toBe(false);
    });

    it('finds no past summary for a user without another live one', async () => {
      const put = (sessionId: string, userId: string, text: string, ttlSeconds = DAY) => m.putSummary({ ...base, sessionId, userId, text, ttlSeconds, coveredThrough: 1, coveredTurns: 2, expected: null, now: T0 });
      await put('b1', 'bob', 'Bob asked about the invoice.');
      await put('here', 'alice', 'The invoice, in this very session.');
      await put('old', 'alice', 'An old invoice question.', 60);
      const q = { tenantId: 't1', userId: 'alice', query: 'invoice', limit: 5 };
      expect((await m.searchSummaries({ ...q, excludeSessionId: 'here', now: T0 + 1000 })).map((s) => s.sessionId)).toEqual(['old']);
      // 'old' expired, 'here' excluded, bob's is not hers: nothing, whatever matches elsewhere.
      expect(await m.searchSummaries({ ...q, excludeSessionId: 'here', now: T0 + 60_000 })).toEqual([]);
      expect((await m.searchSummaries({ ...q, now: T0 + 60_000 })).map((s) => s.sessionId)).toEqual(['here']);
      expect(await m.searchSummaries({ ...q, userId: 'carol', now: T0 })).toEqual([]);
      expect(await m.searchSummaries({ ...q, limit: 0, now: T0 })).toEqual([]);
    });

    it('keeps user facts per user, idempotent on id, correctable and deletable', async () => {
      const f = await m.addFact({ ...base, id: 'f1', text: 'I prefer email.', runId: 'r1', now: T0 });
      expect(f).toMatchObject({ id: 'f1', text: 'I prefer email.', sessionId: 's1', runId: 'r1', expiresAt: T0 + DAY * 1000 });
      expect(await m.addFact({ ...base, id: 'f1', text: 'changed', now: T0 + 5 })).toMatchObject({ text: 'I prefer email.' });
      await m.addFact({ ...base, id: 'f2', text: 'My team is in Berlin.', now: T0 + 10 });
      await expect(m.addFact({ ...base, userId: 'bob', id: 'f1', text: 'x', now: T0 })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await m.listFacts({ tenantId: 't1', userId: 'alice', now: T0 + 20 })).map((x) => x.id)).toEqual(['f2', 'f1']);
      expect(await m.listFacts({ tenantId: 't1', userId: 'bob', now: T0 + 20 })).toEqual([]);
      expect(await m.getFact({ tenantId: 't1', userId: 'bob', id: 'f1', now: T0 })).toBeNull();
      expect(await m.updateFact({ tenantId: 't1', userId: 'bob', id: 'f1', text: 'x', ttlSeconds: DAY, now: T0 })).toBeNull();
      expect(await m.updateFact({ tenantId: 't1', userId: 'alice', id: 'f1', text: 'I prefer phone calls.', ttlSeconds: DAY, now: T0 + 30 })).toMatchObject({ id: 'f1', text: 'I prefer phone calls.', updatedAt: T0 + 30 });
      expect(await m.deleteFact({ tenantId: 't1', userId: 'bob', id: 'f2' })).toBe(false);
      expect(await m.deleteFact({ tenantId: 't1', userId: 'alice', id: 'f2' })).toBe(true);
      expect((await m.listFacts({ tenantId: 't1', userId: 'alice', now: T0 + 40 })).map((x) => x.text)).toEqual(['I prefer phone calls.']);
    });

    it('forgets a user entirely, and nobody else', async () => {
      await m.addFact({ ...base, id: 'f1', text: 'I prefer email.', now: T0 });
      await m.addFact({ ...base, userId: 'bob', id: 'g1', text: 'I prefer SMS.', now: T0 });
      await m.putSummary({ ...base, text: 'Alice summary.', coveredThrough: 1, coveredTurns: 2, expected: null, now: T0 });
      await m.recordRunMemory({ tenantId: 't1', runId: 'r1', userId: 'alice', refs: [{ kind: 'user_fact', id: 'f1' }, { kind: 'user_fact', id: 'f1' }, { kind: 'summary', id: 's1' }] });
      expect(await m.runMemory({ tenantId: 't1', runId: 'r1' })).toEqual([{ kind: 'summary', id: 's1' }, { kind: 'user_fact', id: 'f1' }]);
      expect(await m.forgetUser({ tenantId: 't1', userId: 'alice' })).toEqual({ facts: 1, summaries: 1 });
      expect(await m.listFacts({ tenantId: 't1', userId: 'alice', now: T0 })).toEqual([]);
      expect(await m.getSummary({ tenantId: 't1', sessionId: 's1', now: T0 })).toBeNull();
      expect(await m.runMemory({ tenantId: 't1', runId: 'r1' })).toEqual([]);
      expect(await m.listFacts({ tenantId: 't1', userId: 'bob', now: T0 })).toHaveLength(1);
    });

    it('expires each kind after its own retention', async () => {
      await m.addFact({ ...base, id: 'short', text: 'I am in Lisbon this week.', ttlSeconds: 60, now: T0 });
      await m.addFact({ ...base, id: 'long', text: 'I prefer email.', ttlSeconds: DAY, now: T0 });
      await m.putSummary({ ...base, text: 'Summary.', coveredThrough: 1, coveredTurns: 2, expected: null, ttlSeconds: 120, now: T0 });
      expect((await m.listFacts({ tenantId: 't1', userId: 'alice', now: T0 + 60_000 })).map((f) => f.id)).toEqual(['long']);
      expect(await m.getSummary({ tenantId: 't1', sessionId: 's1', now: T0 + 119_999 })).not.toBeNull();
      expect(await m.purgeExpired({ now: T0 + 120_000 })).toEqual({ facts: 1, summaries: 1 });
      expect(await m.purgeExpired({ now: T0 + 120_000 })).toEqual({ facts: 0, summaries: 0 });
      expect((await m.listFacts({ tenantId: 't1', userId: 'alice', now: T0 })).map((f) => f.id)).toEqual(['long']);
    });
  });
}
