import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeStore, SearchHit } from './knowledge-store.js';
import { contentHash } from './normalize.js';

/**
 * The behaviour every KnowledgeStore adapter must share: ranking, tenant isolation, supersession
 * with history and rollback, dedupe. Each adapter calls this with a factory for a fresh store.
 */
export interface KnowledgeStoreHarness {
  store: KnowledgeStore;
  /** Close and reopen the same backing storage, when the adapter has one. */
  reopen?: () => Promise<KnowledgeStore>;
  close: () => Promise<void>;
}

export type KnowledgeStoreFactory = () => Promise<KnowledgeStoreHarness>;

const T = 't1';
const RATE_DOC = 'Internal API guide. The rate limit of our internal API is 100 req/s per client. Requests above it get HTTP 429.';
const QUESTION = 'What is the rate limit of our internal API?';

export function knowledgeStoreContract(name: string, factory: KnowledgeStoreFactory): void {
  describe(`KnowledgeStore contract: ${name}`, () => {
    let h: KnowledgeStoreHarness;
    let kb: KnowledgeStore;
    beforeEach(async () => {
      h = await factory();
      kb = h.store;
    });
    afterEach(async () => h.close());

    const doc = (sourceUri: string, text: string, tenantId = T) => kb.upsertDocument({ tenantId, sourceUri, kind: 'document', text, actor: 'ingest' });
    const learn = (sourceUri: string, text: string) =>
      kb.upsertDocument({ tenantId: T, sourceUri, kind: 'learning', text, provenance: { sessionId: 'sA', userId: 'alice', runId: 'r1' } });
    const search = (query: string, topK = 5, kinds?: Array<'document' | 'learning'>) => kb.search({ tenantId: T, query, topK, kinds });
    const chunkOf = async (docId: string, query: string): Promise<string> => {
      const hit = (await search(query, 20)).find((x) => x.docId === docId);
      if (!hit) throw new Error(`no hit for ${docId}`);
      return hit.chunkId;
    };
    const seedCorpus = async () => ({
      rate: await doc('kb://api.md', RATE_DOC),
      vacation: await doc('kb://hr.md', 'Vacation policy: employees get 25 days of paid leave per year.'),
      deploy: await doc('kb://deploy.md', 'Deployments run every Tuesday through the internal pipeline.'),
    });

    it('stores a document and returns it by id with a content hash', async () => {
      const d = await doc('kb://a.md', 'Hello   world.');
      expect(d).toMatchObject({ tenantId: T, sourceUri: 'kb://a.md', kind: 'document', status: 'active', text: 'Hello   world.' });
      expect(d.contentHash).toBe(contentHash('hello world'));
      expect(await kb.getDocument({ tenantId: T, id: d.id })).toEqual(d);
      expect(await kb.getDocument({ tenantId: T, id: 'nope' })).toBeNull();
    });

    it('chunks a transcript by paragraph and lets a turn borrow from the turn beside it (re-rank)', async () => {
      const session = ['Ann said, "Where did you go hiking last weekend?"', 'Bob said, "We went up to the lake above the village."', 'Ann said, "Nice. Did you take the dog?"'].join('\n\n');
      await kb.upsertDocument({ tenantId: T, sourceUri: 'chat/session_1', kind: 'document', text: session, chunking: 'paragraphs' });
      await kb.upsertDocument({ tenantId: T, sourceUri: 'chat/session_2', kind: 'document', text: 'Cid said, "Bob and I saw the lake."\n\nDee said, "I prefer the city."', chunking: 'paragraphs' });
      const hits = await kb.search({ tenantId: T, query: 'where did Bob go hiking, to the lake?', topK: 5, explain: true });
      const turn = (who: string) => hits.find((x) => x.text.startsWith(who))!;
      // One chunk per turn: each hit is exactly one paragraph.
      expect(turn('Bob').text).toBe('Bob said, "We went up to the lake above the village."');
      for (const x of hits) expect(x.text).not.toContain('\n');
      // The lexical ranking (fused with vectors or a KB by some adapters, so read from its parts):
      // BM25 alone puts Cid's turn above Bob's answer; the answer borrows from the question beside it.
      const [ann, bob, cid] = ['Ann said, "Where', 'Bob', 'Cid'].map((w) => turn(w).rerank!);
      expect(bob!.bm25).toBeLessThan(cid!.bm25);
      expect(bob!.neighbour).toBeCloseTo(0.3 * (ann!.bm25 + ann!.proximity), 3);
      expect(cid!.neighbour).toBe(0);
      expect(bob!.score).toBeGreaterThan(cid!.score);
      expect(ann!.score).toBeGreaterThan(bob!.score);
      for (const r of [ann!, bob!, cid!]) expect(r.bm25 + r.proximity + r.neighbour + r.document).toBeCloseTo(r.score, 3);
    });

    it('ranks the relevant chunk first with scores normalised to 0..1', async () => {
      const { rate } = await seedCorpus();
      const hits = await search(QUESTION);
      expect(hits[0]).toMatchObject({ docId: rate.id, sourceUri: 'kb://api.md', kind: 'document', score: 1 });
      expect(hits[0]!.text).toContain('100 req/s');
      for (const x of hits) expect(x.score).toBeGreaterThan(0), expect(x.score).toBeLessThanOrEqual(1);
      expect(hits.map((x) => x.score)).toEqual([...hits.map((x) => x.score)].sort((a, b) => b - a));
      expect(await search('paid leave days')).toMatchObject([{ sourceUri: 'kb://hr.md' }]);
      expect(await search(QUESTION, 1)).toHaveLength(1);
    });

    it('filters by tenant and kind', async () => {
      const mine = await doc('kb://api.md', RATE_DOC);
      const theirs = await doc('kb://api.md', RATE_DOC.replace('100', '999'), 't2');
      expect((await search(QUESTION)).map((x) => x.docId)).toEqual([mine.id]);
      expect((await kb.search({ tenantId: 't2', query: QUESTION, topK: 5 })).map((x) => x.docId)).toEqual([theirs.id]);
      expect(await kb.getDocument({ tenantId: T, id: theirs.id })).toBeNull();
      await expect(kb.deleteDocument({ tenantId: T, id: theirs.id, actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.history({ tenantId: T, id: theirs.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await learn('learning://1', 'The internal API rate limit is now 500 req/s.');
      expect((await search(QUESTION, 5, ['learning'])).every((x) => x.kind === 'learning')).toBe(true);
      expect((await search(QUESTION, 5, ['document'])).every((x) => x.kind === 'document')).toBe(true);
    });

    it('never throws on hostile query text', async () => {
      await seedCorpus();
      const nasty = ['"AND OR NEAR( * ^', '*', '""', 'NEAR(a b, 2)', 'text:rate', '-limit', "'; DROP TABLE documents; --", '(((', '🙂 ^^', '', '   ', 'AND', 'rate* OR'];
      for (const q of nasty) expect(Array.isArray(await search(q))).toBe(true);
      expect((await search('"rate limit" AND ( NEAR'))[0]?.sourceUri).toBe('kb://api.md');
      expect(await search('what is the')).toBeInstanceOf(Array);
    });

    it('replaces text on upsert of the same source and records the update', async () => {
      const v1 = await doc('kb://api.md', RATE_DOC);
      const v2 = await doc('kb://api.md', 'The internal API now allows bursts of 50 requests.');
      expect(v2.id).toBe(v1.id);
      expect(v2.text).toContain('bursts');
      // Old text is gone from the index (a vector adapter may still return something for any query).
      expect((await search('429 req/s HTTP')).some((x) => x.text.includes('429'))).toBe(false);
      expect((await search('bursts'))[0]?.docId).toBe(v1.id);
      expect((await kb.history({ tenantId: T, id: v1.id })).map((e) => e.action)).toEqual(['created', 'updated']);
      const same = await doc('kb://api.md', v2.text);
      expect(same).toEqual(v2);
      expect(await kb.history({ tenantId: T, id: v1.id })).toHaveLength(2);
    });

    it('dedupes through findByHash on normalised text', async () => {
      const l = await learn('learning://1', 'The rate limit is 500 req/s.');
      expect((await kb.findByHash({ tenantId: T, contentHash: contentHash('  the RATE limit is   500 req/s ') }))?.id).toBe(l.id);
      expect(await kb.findByHash({ tenantId: 't2', contentHash: l.contentHash })).toBeNull();
      expect(await kb.findByHash({ tenantId: T, contentHash: contentHash('something else') })).toBeNull();
    });

    it('supersedes a learning: it leaves search but keeps its history', async () => {
      const old = await learn('learning://old', 'The internal API rate limit is 200 req/s.');
      const neu = await learn('learning://new', 'The internal API rate limit is 500 req/s.');
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(old.id, QUESTION), newId: neu.id, actor: 'learner' });
      expect(await kb.getDocument({ tenantId: T, id: old.id })).toMatchObject({ status: 'superseded', supersededBy: neu.id });
      const ids = (await search(QUESTION)).map((x) => x.docId);
      expect(ids).toContain(neu.id);
      expect(ids).not.toContain(old.id);
      const events = await kb.history({ tenantId: T, id: old.id });
      expect(events.map((e) => e.action)).toEqual(['created', 'superseded']);
      expect(events[1]).toMatchObject({ actor: 'learner', detail: { by: neu.id } });
      expect(typeof events[1]!.at).toBe('number');
    });

    it('annotates a superseded document chunk and ranks it after the newer learning', async () => {
      const { rate } = await seedCorpus();
      const other = await doc('kb://limits.md', 'Rate limit for the public API: 10 req/s.');
      const neu = await learn('learning://rate', 'Update: the internal API rate limit was increased to 500 req/s.');
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(rate.id, QUESTION), newId: neu.id, actor: 'learner' });
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(rate.id, QUESTION), newId: neu.id, actor: 'learner' }); // idempotent

      const hits = await search(QUESTION);
      const iNew = hits.findIndex((x) => x.docId === neu.id);
      const iOld = hits.findIndex((x) => x.docId === rate.id);
      expect(iNew).toBeGreaterThanOrEqual(0);
      expect(iOld).toBeGreaterThan(iNew);
      expect(hits[iOld]!.supersededBy).toEqual({ docId: neu.id, text: neu.text });
      expect(hits[iNew]!.supersededBy).toBeUndefined();
      expect((await kb.getDocument({ tenantId: T, id: rate.id }))!.status).toBe('active');
      expect((await kb.history({ tenantId: T, id: rate.id })).map((e) => e.action)).toEqual(['created', 'chunk_superseded']);

      // Learning not in the results: the marked chunk still comes after every unmarked hit.
      const docsOnly = await search(QUESTION, 5, ['document']);
      expect(docsOnly.at(-1)).toMatchObject({ docId: rate.id, supersededBy: { docId: neu.id } });
      expect(docsOnly.map((x) => x.docId)).toContain(other.id);
    });

    it('round-trips delete and restore, including learnings the deleted one superseded', async () => {
      const { rate } = await seedCorpus();
      const l1 = await learn('learning://1', 'The internal API rate limit is 200 req/s.');
      const l2 = await learn('learning://2', 'The internal API rate limit is 500 req/s.');
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(l1.id, QUESTION), newId: l2.id, actor: 'learner' });
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(rate.id, QUESTION), newId: l2.id, actor: 'learner' });

      const deleted = await kb.deleteDocument({ tenantId: T, id: l2.id, actor: 'admin', reason: 'wrong' });
      expect(deleted.status).toBe('deleted');
      let hits = await search(QUESTION);
      expect(hits.map((x) => x.docId)).not.toContain(l2.id);
      expect(hits.map((x) => x.docId)).toContain(l1.id);
      expect(hits.find((x) => x.docId === rate.id)!.supersededBy).toBeUndefined();
      expect(await kb.getDocument({ tenantId: T, id: l1.id })).toMatchObject({ status: 'active' });
      expect((await kb.getDocument({ tenantId: T, id: l1.id }))!.supersededBy).toBeUndefined();
      expect((await kb.history({ tenantId: T, id: l2.id })).at(-1)).toMatchObject({ action: 'deleted', actor: 'admin', detail: { reason: 'wrong' } });
      expect((await kb.history({ tenantId: T, id: l1.id })).at(-1)).toMatchObject({ action: 'restored', actor: 'admin' });
      expect((await kb.deleteDocument({ tenantId: T, id: l2.id, actor: 'admin' })).status).toBe('deleted');

      const restored = await kb.restoreDocument({ tenantId: T, id: l2.id, actor: 'admin2' });
      expect(restored.status).toBe('active');
      hits = await search(QUESTION);
      expect(hits.map((x) => x.docId)).toContain(l2.id);
      expect(hits.map((x) => x.docId)).not.toContain(l1.id);
      expect(hits.find((x) => x.docId === rate.id)!.supersededBy?.docId).toBe(l2.id);
      expect(await kb.getDocument({ tenantId: T, id: l1.id })).toMatchObject({ status: 'superseded', supersededBy: l2.id });
      expect((await kb.history({ tenantId: T, id: l2.id })).map((e) => [e.action, e.actor])).toEqual([
        ['created', 'alice'], ['deleted', 'admin'], ['restored', 'admin2'],
      ]);
      expect((await kb.history({ tenantId: T, id: l1.id })).map((e) => e.action)).toEqual(['created', 'superseded', 'restored', 'superseded']);
    });

    it('does not resurrect an older fact when an already-superseded learning is deleted', async () => {
      const a = await learn('learning://a', 'Rate limit 100.');
      const b = await learn('learning://b', 'Rate limit 200.');
      const c = await learn('learning://c', 'Rate limit 300.');
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(a.id, 'rate limit'), newId: b.id, actor: 'l' });
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(b.id, 'rate limit'), newId: c.id, actor: 'l' });
      await kb.deleteDocument({ tenantId: T, id: b.id, actor: 'admin' });
      expect((await kb.getDocument({ tenantId: T, id: a.id }))!.status).toBe('superseded');
      expect((await search('rate limit')).map((x) => x.docId)).toEqual([c.id]);
      // Restoring b puts it back under c, where it was.
      expect((await kb.restoreDocument({ tenantId: T, id: b.id, actor: 'admin' })).status).toBe('superseded');
    });

    it('rejects unknown ids with NOT_FOUND', async () => {
      const d = await doc('kb://a.md', 'alpha beta');
      const chunkId = await chunkOf(d.id, 'alpha');
      await expect(kb.supersede({ tenantId: T, chunkId: 'nope', newId: d.id, actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.supersede({ tenantId: T, chunkId, newId: 'nope', actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.supersede({ tenantId: 't2', chunkId, newId: d.id, actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.deleteDocument({ tenantId: T, id: 'nope', actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.restoreDocument({ tenantId: T, id: 'nope', actor: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(kb.history({ tenantId: T, id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists documents with filters and records non-state events', async () => {
      const { rate } = await seedCorpus();
      const l = await learn('learning://1', 'Rate limit is 500.');
      await kb.deleteDocument({ tenantId: T, id: rate.id, actor: 'admin' });
      const uris = async (p: Parameters<KnowledgeStore['listDocuments']>[0]) => (await kb.listDocuments(p)).map((d) => d.sourceUri).sort();
      expect(await uris({ tenantId: T })).toEqual(['kb://api.md', 'kb://deploy.md', 'kb://hr.md', 'learning://1']);
      expect(await uris({ tenantId: T, kind: 'learning' })).toEqual(['learning://1']);
      expect(await uris({ tenantId: T, status: 'deleted' })).toEqual(['kb://api.md']);
      expect(await uris({ tenantId: T, sourcePrefix: 'kb://' , status: 'active' })).toEqual(['kb://deploy.md', 'kb://hr.md']);
      expect(await uris({ tenantId: T, text: 'VACATION' })).toEqual(['kb://hr.md']);
      expect(await kb.listDocuments({ tenantId: T, limit: 2 })).toHaveLength(2);
      expect(await kb.listDocuments({ tenantId: 't2' })).toEqual([]);
      await kb.recordEvent({ tenantId: T, event: { docId: l.id, action: 'noop', actor: 'learner', at: Date.now(), detail: { why: 'duplicate' } } });
      expect((await kb.history({ tenantId: T, id: l.id })).at(-1)).toMatchObject({ action: 'noop', detail: { why: 'duplicate' } });
    });

    it('keeps documents, supersessions and history across close and reopen', async ({ skip }) => {
      if (!h.reopen) return skip();
      const { rate } = await seedCorpus();
      const l = await learn('learning://rate', 'The internal API rate limit was increased to 500 req/s.');
      await kb.supersede({ tenantId: T, chunkId: await chunkOf(rate.id, QUESTION), newId: l.id, actor: 'learner' });
      kb = await h.reopen();
      const hits: SearchHit[] = await search(QUESTION);
      expect(hits[0]!.docId).toBe(l.id);
      expect(hits.find((x) => x.docId === rate.id)!.supersededBy?.docId).toBe(l.id);
      expect(await kb.getDocument({ tenantId: T, id: l.id })).toMatchObject({ provenance: { sessionId: 'sA', userId: 'alice', runId: 'r1' } });
      expect((await kb.history({ tenantId: T, id: rate.id })).map((e) => e.action)).toEqual(['created', 'chunk_superseded']);
    });
  });
}
