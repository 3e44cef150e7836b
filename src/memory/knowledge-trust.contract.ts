import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeStoreFactory, KnowledgeStoreHarness } from './knowledge-store.contract.js';
import type { KnowledgeStore } from './knowledge-store.js';

/**
 * The trust model every KnowledgeStore adapter must share: a pending learning is its owner's only,
 * its supersessions hold for its owner until approval, review transitions are audited, and
 * returning a shared learning to review gives the tenant back what it had superseded.
 */
const T = 't1';
const DOC = 'Internal API guide. The rate limit of our internal API is 100 req/s per client.';
const Q = 'What is the rate limit of our internal API?';

export function knowledgeTrustContract(name: string, factory: KnowledgeStoreFactory): void {
  describe(`KnowledgeStore trust contract: ${name}`, () => {
    let h: KnowledgeStoreHarness;
    let kb: KnowledgeStore;
    beforeEach(async () => {
      h = await factory();
      kb = h.store;
    });
    afterEach(async () => h.close());

    const teach = (id: string, userId: string, text: string, status: 'active' | 'pending') =>
      kb.upsertDocument({ id, tenantId: T, sourceUri: `learnings/${id}.md`, kind: 'learning', text, status, provenance: { userId } });
    const ids = async (userId?: string) => (await kb.search({ tenantId: T, query: Q, topK: 10, ...(userId ? { viewer: { userId } } : {}) })).map((x) => x.docId);
    const docChunk = async (docId: string) => (await kb.search({ tenantId: T, query: Q, topK: 10 })).find((x) => x.docId === docId)!.chunkId;

    it('shows a pending learning to its owner only, with its supersession scoped to them', async () => {
      const doc = await kb.upsertDocument({ tenantId: T, sourceUri: 'docs/api.md', kind: 'document', text: DOC });
      const l = await teach('lrn_a', 'alice', 'The rate limit of our internal API is 500 req/s.', 'pending');
      expect(l).toMatchObject({ status: 'pending', scope: 'personal', ownerId: 'alice', review: 'pending', trust: 1 });
      await kb.supersede({ tenantId: T, chunkId: await docChunk(doc.id), newId: l.id, actor: 'user:alice' });

      expect(await ids('alice')).toEqual([l.id, doc.id]);
      const aliceView = await kb.search({ tenantId: T, query: Q, topK: 10, viewer: { userId: 'alice' } });
      expect(aliceView.find((x) => x.docId === doc.id)!.supersededBy?.docId).toBe(l.id);
      for (const viewer of ['bob', undefined]) {
        const view = await kb.search({ tenantId: T, query: Q, topK: 10, ...(viewer ? { viewer: { userId: viewer } } : {}) });
        expect(view.map((x) => x.docId)).toEqual([doc.id]);
        expect(view[0]!.supersededBy).toBeUndefined();
      }

      const approved = await kb.review({ tenantId: T, id: l.id, decision: 'approve', actor: 'user:carol', reason: 'checked' });
      expect(approved).toMatchObject({ status: 'active', scope: 'shared', review: 'approved' });
      const bobView = await kb.search({ tenantId: T, query: Q, topK: 10, viewer: { userId: 'bob' } });
      expect(bobView[0]!.docId).toBe(l.id);
      expect(bobView.find((x) => x.docId === doc.id)!.supersededBy?.docId).toBe(l.id);
      const events = await kb.history({ tenantId: T, id: l.id });
      expect(events.at(-1)).toMatchObject({ action: 'approved', actor: 'user:carol', detail: { reason: 'checked' } });
    });

    it('approval supersedes a shared learning for the tenant; return to review gives it back', async () => {
      const old = await teach('lrn_old', 'dora', 'The rate limit of our internal API is 200 req/s.', 'active');
      const chunk = (await kb.search({ tenantId: T, query: Q, topK: 10 })).find((x) => x.docId === old.id)!.chunkId;
      const l = await teach('lrn_new', 'alice', 'The rate limit of our internal API is 500 req/s.', 'pending');
      await kb.supersede({ tenantId: T, chunkId: chunk, newId: l.id, actor: 'user:alice' });
      expect((await kb.getDocument({ tenantId: T, id: old.id }))!.status).toBe('active'); // not for the tenant yet
      expect(await ids('bob')).toEqual([old.id]);

      await kb.review({ tenantId: T, id: l.id, decision: 'approve', actor: 'user:carol' });
      expect((await kb.getDocument({ tenantId: T, id: old.id }))!.status).toBe('superseded');
      expect(await ids('bob')).toEqual([l.id]);

      const back = await kb.review({ tenantId: T, id: l.id, decision: 'return', actor: 'system:feedback', reason: '3 users rated it down' });
      expect(back).toMatchObject({ status: 'pending', scope: 'personal' });
      expect((await kb.getDocument({ tenantId: T, id: old.id }))!.status).toBe('active');
      expect(await ids('bob')).toEqual([old.id]);
      expect(await ids('alice')).toContain(l.id);
    });

    it('rejects: nobody sees it, it lists as rejected, only pending can be decided, restore re-queues it', async () => {
      const l = await teach('lrn_r', 'alice', 'The rate limit of our internal API is 900 req/s.', 'pending');
      const r = await kb.review({ tenantId: T, id: l.id, decision: 'reject', actor: 'user:carol', reason: 'wrong' });
      expect(r).toMatchObject({ status: 'rejected', review: 'rejected' });
      expect(await ids('alice')).toEqual([]);
      expect((await kb.listDocuments({ tenantId: T, status: 'rejected' })).map((d) => d.id)).toEqual([l.id]);
      expect(await kb.listDocuments({ tenantId: T, status: 'deleted' })).toEqual([]);
      await expect(kb.review({ tenantId: T, id: l.id, decision: 'approve', actor: 'user:carol' })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await kb.restoreDocument({ tenantId: T, id: l.id, actor: 'user:carol' })).status).toBe('pending');
    });

    it('counts votes once per user, moves trust, counts learnings per owner, remembers run context', async () => {
      const l = await teach('lrn_v', 'alice', 'The rate limit of our internal API is 500 req/s.', 'active');
      expect(await kb.vote({ tenantId: T, id: l.id, userId: 'bob', kind: 'down', trustDelta: -0.5 })).toEqual({ added: true, count: 1, trust: 0.5 });
      expect(await kb.vote({ tenantId: T, id: l.id, userId: 'bob', kind: 'down', trustDelta: -0.5 })).toEqual({ added: false, count: 1, trust: 0.5 });
      expect((await kb.vote({ tenantId: T, id: l.id, userId: 'cy', kind: 'down', trustDelta: -0.5 })).trust).toBe(0);
      expect((await kb.vote({ tenantId: T, id: l.id, userId: 'bob', kind: 'corroborate' })).count).toBe(1);
      expect(await kb.countLearningsSince({ tenantId: T, userId: 'alice', since: 0 })).toBe(1);
      expect(await kb.countLearningsSince({ tenantId: T, userId: 'bob', since: 0 })).toBe(0);
      await kb.recordRunContext({ tenantId: T, runId: 'run1', docIds: [l.id, l.id] });
      expect(await kb.runContext({ tenantId: T, runId: 'run1' })).toEqual([l.id]);
      expect(await kb.runContext({ tenantId: 'other', runId: 'run1' })).toEqual([]);
      // The chunks that reached the prompt, with their scores: context first, idempotent per (chunk, via).
      const ctxChunk = { docId: l.id, chunkId: 'ch1', score: 0.5, rawScore: 1.25, via: 'context' as const, rank: 2 };
      const toolChunk = { docId: l.id, chunkId: 'ch1', score: 1, rawScore: 2.5, via: 'tool' as const, rank: 1 };
      await kb.recordRunContext({ tenantId: T, runId: 'run2', docIds: [], chunks: [toolChunk] });
      await kb.recordRunContext({ tenantId: T, runId: 'run2', docIds: [l.id], chunks: [ctxChunk] });
      await kb.recordRunContext({ tenantId: T, runId: 'run2', docIds: [l.id], chunks: [ctxChunk] });
      expect(await kb.runContextChunks({ tenantId: T, runId: 'run2' })).toEqual([ctxChunk, toolChunk]);
      expect(await kb.runContext({ tenantId: T, runId: 'run2' })).toEqual([l.id]);
      expect(await kb.runContextChunks({ tenantId: 'other', runId: 'run2' })).toEqual([]);
    });
  });
}
