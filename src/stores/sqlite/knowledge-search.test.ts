import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocKind, SearchHit } from '../../memory/knowledge-store.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { analyze, analyzeFields, queryTerms } from '../../memory/lexical/analyze.js';
import { bruteForceBm25, idf } from '../../memory/lexical/bm25.js';
import { rerank, rerankDepth } from '../../memory/lexical/rerank-stage.js';
import { buildFtsQuery } from './fts-query.js';
import type { LexicalEngine } from './knowledge-search.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';
import { IDF, lexicalQuery } from './lexical-index.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
function open(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lore-kbsearch-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'lore.db'));
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Reference = (db: SqliteDatabase, tenant: string, query: string, kinds: DocKind[] | undefined, topK: number) => Array<{ chunkId: string; raw: number }>;

/**
 * The specification the windowed search must meet: score every match, keep the tenant's active
 * chunks of the wanted kinds, best first (ties: learnings first, then newer chunk ids).
 */
const byReferenceOrder = (a: { raw: number; kind: DocKind; chunkId: string }, b: { raw: number; kind: DocKind; chunkId: string }) =>
  b.raw - a.raw || (a.kind === b.kind ? 0 : a.kind === 'learning' ? -1 : 1) || (a.chunkId < b.chunkId ? 1 : -1);

/** FTS5's engine: its bm25() over every match. */
const ftsReference: Reference = (db, tenant, query, kinds) => {
  const q = buildFtsQuery(query);
  if (!q) return [];
  const rows = db.prepare(`SELECT c.id AS chunkId, -bm25(chunks_fts) AS raw, d.kind
      FROM chunks_fts JOIN chunks c ON c.seq = chunks_fts.rowid JOIN documents d ON d.id = c.doc_id
      WHERE chunks_fts MATCH ? AND d.tenant_id = ? AND d.status = 'active'`).all(q, tenant) as Array<{ chunkId: string; raw: number; kind: DocKind }>;
  return rows.filter((r) => !kinds || kinds.includes(r.kind)).sort(byReferenceOrder);
};

type Row = { chunkId: string; docId: string; idx: number; text: string; title: string; kind: DocKind; tenant: string; status: string };

/** Brute-force BM25 (same fields, idf and query) over every chunk of the database, in scope, best first (ties: insertion order). */
function bruteForceInScope(db: SqliteDatabase, tenant: string, query: string, kinds?: DocKind[]): { rows: Row[]; scored: Array<Row & { raw: number }> } {
  const rows = db.prepare(`SELECT c.id AS chunkId, c.doc_id AS docId, c.idx, c.text, c.title, d.kind, d.tenant_id AS tenant, d.status
      FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY c.seq`).all() as Row[];
  const q = lexicalQuery(query);
  if (q.length === 0) return { rows, scored: [] };
  const scored = bruteForceBm25(rows.map((r) => analyzeFields(r.text, r.title)), q, rows.length, IDF)
    .map((s) => ({ ...rows[s.doc]!, raw: s.score }))
    .filter((r) => r.tenant === tenant && r.status === 'active' && (!kinds || kinds.includes(r.kind)));
  return { rows, scored };
}

/** The in-process index without the re-rank: exact BM25 over every match. */
const indexReference: Reference = (db, tenant, query, kinds) => bruteForceInScope(db, tenant, query, kinds).scored.sort(byReferenceOrder);

/**
 * The in-process index with the re-rank stage: the exact BM25 top M in scope (M = rerankDepth),
 * re-scored by rerank() with neighbours = adjacent idx of the same document, computed here from
 * the table alone (no index).
 */
const rerankReference: Reference = (db, tenant, query, kinds, topK) => {
  const { rows, scored } = bruteForceInScope(db, tenant, query, kinds);
  const first = scored.slice(0, rerankDepth(topK));
  const docs = rows.map((r) => analyzeFields(r.text, r.title));
  const qi = queryTerms(query).map((term) => ({ term, idf: idf(rows.length, docs.filter((d) => d.includes(term)).length, IDF) }));
  const { parts } = rerank(first.map((c) => ({ score: c.raw, group: c.docId, order: c.idx, terms: analyze(c.text) })), qi);
  return first.map((c, i) => ({ ...c, raw: parts[i]!.score })).sort(byReferenceOrder);
};

/**
 * The top `topK` of the reference: same scores in the same order, and the same chunk wherever its
 * score ties with no other match (among equal scores either store may keep any of them).
 */
function expectSameRanking(hits: SearchHit[], ref: Array<{ chunkId: string; raw: number }>, topK: number): void {
  const top = ref.slice(0, topK);
  expect(hits.map((h) => h.rawScore.toFixed(9))).toEqual(top.map((r) => r.raw.toFixed(9)));
  top.forEach((r, i) => {
    const tied = ref.some((o, j) => j !== i && Math.abs(o.raw - r.raw) < 1e-9);
    if (!tied) expect(hits[i]!.chunkId).toBe(r.chunkId);
  });
}

async function bulk(db: SqliteDatabase, write: () => Promise<void>): Promise<void> {
  // One transaction around many upserts (each becomes a savepoint) keeps big fixtures fast.
  db.exec('BEGIN IMMEDIATE');
  try {
    await write();
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

const ENGINES: Array<[string, LexicalEngine, boolean, Reference]> = [
  ['index + re-rank', 'index', true, rerankReference],
  ['index, BM25 alone', 'index', false, indexReference],
  ['fts5', 'fts5', false, ftsReference],
];

describe.each(ENGINES)('knowledge search (%s): ranking first, filtering after', (_name, lexicalEngine, rerankOn, reference) => {
  const engine = { lexicalEngine, ranking: { rerank: rerankOn } };
  it('finds a small tenant\'s chunks in a shared index dominated by another tenant (both windows, then the full join)', async () => {
    const db = open();
    const kb = new SqliteKnowledgeStore(db, engine);
    // Ranked for "alpha": 100 "big" chunks with it twice, then 25 "mid" ones (beyond the first
    // window of 40 rows, inside the second of 1,280), 1,300 more "big" ones, then 30 long "tiny"
    // ones that lie beyond both windows, so only the exhaustive join finds them.
    const counts = { big: 1400, mid: 25, tiny: 30 };
    await bulk(db, async () => {
      for (let i = 0; i < 100; i++) await kb.upsertDocument({ tenantId: 'big', sourceUri: `b${i}`, kind: 'document', text: `alpha alpha ${i}` });
      for (let i = 0; i < counts.mid; i++) await kb.upsertDocument({ tenantId: 'mid', sourceUri: `m${i}`, kind: 'document', text: `alpha beta ${i}` });
      for (let i = 100; i < counts.big; i++) await kb.upsertDocument({ tenantId: 'big', sourceUri: `b${i}`, kind: 'document', text: `alpha beta ${i} gamma delta` });
      for (let i = 0; i < counts.tiny; i++) {
        const filler = Array.from({ length: 40 + i }, (_, j) => `filler${j}`).join(' ');
        await kb.upsertDocument({ tenantId: 'tiny', sourceUri: `t${i}`, kind: 'document', text: `alpha ${filler}` });
      }
    });
    for (const tenant of ['big', 'mid', 'tiny'] as const) {
      for (const topK of [1, 5, 30]) {
        const hits = await kb.search({ tenantId: tenant, query: 'alpha', topK });
        expect(hits).toHaveLength(Math.min(topK, counts[tenant]));
        expectSameRanking(hits, reference(db, tenant, 'alpha', undefined, topK), topK);
        expect(new Set(hits.map((h) => h.sourceUri[0]))).toEqual(new Set([tenant[0]]));
      }
    }
    expect(await kb.search({ tenantId: 'nobody', query: 'alpha', topK: 5 })).toEqual([]);
  });

  it('skips deleted and superseded learnings that outrank the active ones, and still fills topK', async () => {
    const db = open();
    const kb = new SqliteKnowledgeStore(db, engine);
    const ids: string[] = [];
    await bulk(db, async () => {
      for (let i = 0; i < 60; i++) ids.push((await kb.upsertDocument({ tenantId: 't', sourceUri: `l${i}`, kind: 'learning', text: `quota ${i}` })).id);
      for (let i = 0; i < 10; i++) await kb.upsertDocument({ tenantId: 't', sourceUri: `d${i}`, kind: 'document', text: `The quota is described in a longer document number ${i} with more words.` });
    });
    // The best-ranked (shortest) chunks go away: 50 deleted, some superseded by a survivor.
    for (const id of ids.slice(0, 50)) await kb.deleteDocument({ tenantId: 't', id, actor: 'test' });
    const survivor = ids[55]!;
    for (const id of ids.slice(50, 54)) {
      const chunk = db.prepare('SELECT id FROM chunks WHERE doc_id = ?').pluck().get(id) as string;
      await kb.supersede({ tenantId: 't', chunkId: chunk, newId: survivor, actor: 'test' });
    }
    const hits = await kb.search({ tenantId: 't', query: 'quota', topK: 10 });
    expect(hits).toHaveLength(10);
    const active = new Set((await kb.listDocuments({ tenantId: 't', status: 'active', limit: 1000 })).map((d) => d.id));
    for (const h of hits) expect(active.has(h.docId)).toBe(true);
    expectSameRanking(hits, reference(db, 't', 'quota', undefined, 10), 10);
  });

  it('applies the kinds filter inside the window (learnings only, documents only)', async () => {
    const db = open();
    const kb = new SqliteKnowledgeStore(db, engine);
    await bulk(db, async () => {
      for (let i = 0; i < 200; i++) await kb.upsertDocument({ tenantId: 't', sourceUri: `d${i}`, kind: 'document', text: `refund window ${i}` });
      for (let i = 0; i < 8; i++) await kb.upsertDocument({ tenantId: 't', sourceUri: `l${i}`, kind: 'learning', text: `The refund window is now ${i + 30} days after delivery for every order.` });
    });
    const learnings = await kb.search({ tenantId: 't', query: 'refund window', topK: 5, kinds: ['learning'] });
    expect(learnings.map((h) => h.kind)).toEqual(Array(5).fill('learning'));
    expectSameRanking(learnings, reference(db, 't', 'refund window', ['learning'], 5), 5);
    const documents = await kb.search({ tenantId: 't', query: 'refund window', topK: 5, kinds: ['document'] });
    expectSameRanking(documents, reference(db, 't', 'refund window', ['document'], 5), 5);
  });

  it('ranks exactly as scoring every match would, over random corpora, tenants, statuses and queries', async () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'limit', 'rate', 'api', 'refund', 'policy', 'days', 'team', 'owner'];
    const doc = fc.record({
      tenant: fc.constantFrom('a', 'a', 'a', 'a', 'b', 'c'),
      kind: fc.constantFrom<DocKind>('document', 'document', 'learning'),
      words: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 30 }),
      deleted: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { minLength: 1, maxLength: 120 }),
        fc.array(fc.constantFrom(...words, 'what', 'is', 'the', 'unknown'), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('a', 'b', 'c'),
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.constantFrom<DocKind[]>(['learning'], ['document']), { nil: undefined }),
        async (docs, queryWords, tenant, topK, kinds) => {
          const db = open();
          const kb = new SqliteKnowledgeStore(db, engine);
          for (const [i, d] of docs.entries()) {
            const written = await kb.upsertDocument({ tenantId: d.tenant, sourceUri: `u${i}`, kind: d.kind, text: d.words.join(' ') });
            if (d.deleted) await kb.deleteDocument({ tenantId: d.tenant, id: written.id, actor: 'test' });
          }
          const query = queryWords.join(' ');
          const hits = await kb.search({ tenantId: tenant, query, topK, ...(kinds ? { kinds } : {}) });
          expectSameRanking(hits, reference(db, tenant, query, kinds, topK), topK);
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows pending learnings to their owner only, ranked with everything else', async () => {
    const words = ['quota', 'limit', 'rate', 'api', 'team', 'owner', 'days'];
    const doc = fc.record({
      words: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }),
      owner: fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 40 }), fc.constantFrom(...words), fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }), async (docs, query, viewer) => {
        const db = open();
        const kb = new SqliteKnowledgeStore(db, engine);
        for (const [i, d] of docs.entries()) {
          await kb.upsertDocument({
            tenantId: 't', sourceUri: `u${i}`, kind: 'learning', text: d.words.join(' '),
            ...(d.owner ? { status: 'pending' as const, provenance: { userId: d.owner } } : {}),
          });
        }
        const hits = await kb.search({ tenantId: 't', query, topK: 50, ...(viewer ? { viewer: { userId: viewer } } : {}) });
        const visible = docs.map((d, i) => ({ d, uri: `u${i}` })).filter(({ d }) => d.words.includes(query) && (!d.owner || d.owner === viewer));
        expect(hits.map((h) => h.sourceUri).sort()).toEqual(visible.map((v) => v.uri).sort());
        db.close();
      }),
      { numRuns: 40 },
    );
  });
});

describe('a large knowledge base builds the in-process index in the background', () => {
  it('answers through FTS5 until the index is ready, then through the index, seeing writes made meanwhile', async () => {
    const db = open();
    const warnings: unknown[] = [];
    const kb = new SqliteKnowledgeStore(db, { indexSyncBuildMaxChunks: 3, onIndexBuildError: (e) => warnings.push(e) });
    for (let i = 0; i < 8; i++) await kb.upsertDocument({ tenantId: 't', sourceUri: `docs/${i}.md`, kind: 'document', text: `Runbook ${i}: the pager rotation is owned by team ${i}.` });
    // Above the threshold: the first search starts the build and is answered by FTS5's bm25().
    const first = await kb.search({ tenantId: 't', query: 'pager rotation team 5', topK: 3 });
    expect(first[0]?.sourceUri).toBe('docs/5.md');
    // A write while the index builds is in the change log the first indexed search applies.
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'docs/new.md', kind: 'document', text: 'The escalation matrix lists the pager rotation for nights.' });
    await kb.warmUp();
    const after = await kb.search({ tenantId: 't', query: 'escalation matrix', topK: 3 });
    expect(after.map((h) => h.sourceUri)).toEqual(['docs/new.md']);
    const explained = kb.explainTerms('escalation matrix', after);
    expect(explained?.[0]?.map((t) => t.term)).toEqual(expect.arrayContaining(['escalation', 'matrix']));
    // The same ranking the synchronous build gives.
    const direct = new SqliteKnowledgeStore(db);
    const q = { tenantId: 't', query: 'pager rotation team 2', topK: 5 };
    expect((await kb.search(q)).map((h) => h.chunkId)).toEqual((await direct.search(q)).map((h) => h.chunkId));
    expect(warnings).toEqual([]);
  });
});

describe('the re-rank over documents of several chunks (paragraph chunking)', () => {
  it('equals the reference re-rank of the exact BM25 top M, with tenant, status and kind filters applied first', async () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'limit', 'rate', 'refund', 'policy', 'days', 'team'];
    const doc = fc.record({
      tenant: fc.constantFrom('a', 'a', 'a', 'b'),
      kind: fc.constantFrom<DocKind>('document', 'document', 'learning'),
      paragraphs: fc.array(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
      deleted: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...words, 'the', 'unknown'), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.constantFrom<DocKind[]>(['learning'], ['document']), { nil: undefined }),
        async (docs, queryWords, topK, kinds) => {
          const db = open();
          const kb = new SqliteKnowledgeStore(db);
          for (const [i, d] of docs.entries()) {
            const text = d.paragraphs.map((p) => p.join(' ')).join('\n\n');
            const written = await kb.upsertDocument({ tenantId: d.tenant, sourceUri: `u${i}`, kind: d.kind, text, chunking: 'paragraphs' });
            if (d.deleted) await kb.deleteDocument({ tenantId: d.tenant, id: written.id, actor: 'test' });
          }
          const query = queryWords.join(' ');
          const hits = await kb.search({ tenantId: 'a', query, topK, ...(kinds ? { kinds } : {}) });
          expectSameRanking(hits, rerankReference(db, 'a', query, kinds, topK), topK);
          db.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('lets a turn borrow from the turn beside it, keeps supersession ordering, and is deterministic', async () => {
    const db = open();
    const kb = new SqliteKnowledgeStore(db);
    const bm25 = new SqliteKnowledgeStore(db, { ranking: { rerank: false } });
    const session = [
      'Ann said, "Where did you go hiking last weekend?"',
      'Bob said, "We went up to the lake above the village."',
      'Ann said, "Nice. Did you take the dog?"',
    ].join('\n\n');
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'session_1', kind: 'document', text: session, chunking: 'paragraphs' });
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'session_2', kind: 'document', text: 'Cid said, "Bob and I saw the lake."\n\nDee said, "I prefer the city."', chunking: 'paragraphs' });
    expect(db.prepare('SELECT count(*) FROM chunks').pluck().get()).toBe(5);
    const q = { tenantId: 't', query: 'where did Bob go hiking, to the lake?', topK: 5, explain: true };
    const who = (hs: SearchHit[]) => hs.map((h) => h.text.slice(0, 3));
    // BM25 alone puts Cid's turn (Bob, lake) above Bob's answer; the re-rank lifts the answer,
    // which sits beside the hiking question, and lets the session that matches best rise together.
    expect(who(await bm25.search(q))).toEqual(['Ann', 'Cid', 'Bob']);
    const hits = await kb.search(q);
    expect(who(hits)).toEqual(['Ann', 'Bob', 'Cid']);
    const [ann, bob, cid] = hits.map((h) => h.rerank!);
    expect(bob!.neighbour).toBeCloseTo(0.3 * (ann!.bm25 + ann!.proximity), 3);
    expect(ann!.proximity).toBeGreaterThan(0); // "go hiking" within three words
    expect(cid!.neighbour).toBe(0); // Dee's turn holds no query term: not a candidate, lends nothing
    expect(bob!.document).toBeCloseTo(ann!.document, 4);
    expect((await kb.search(q)).map((h) => h.chunkId)).toEqual(hits.map((h) => h.chunkId));

    // A learning supersedes Bob's turn: the turn stays, marked, right after the learning.
    const learning = await kb.upsertDocument({ tenantId: 't', sourceUri: 'learning:1', kind: 'learning', text: 'Bob went hiking to the glacier, not the lake.' });
    await kb.supersede({ tenantId: 't', chunkId: hits[1]!.chunkId, newId: learning.id, actor: 'test' });
    const after = await kb.search(q);
    const at = after.findIndex((h) => h.chunkId === hits[1]!.chunkId);
    expect(after[at]!.supersededBy?.docId).toBe(learning.id);
    expect(after[at - 1]!.docId).toBe(learning.id);
    // Filters: another tenant and the documents-only view see no learning.
    expect(await kb.search({ ...q, tenantId: 'other' })).toEqual([]);
    expect((await kb.search({ ...q, kinds: ['document'] })).every((h) => h.kind === 'document')).toBe(true);
  });
});
