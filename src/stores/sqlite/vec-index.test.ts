import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashEmbedding } from '../../../test/servers/openai-server.js';
import type { Embedder } from '../../memory/embedder.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';
import { eraseUserData } from './gdpr.js';

/**
 * The deterministic embedding the local wire-format server serves, in process, plus a small
 * per-text jitter: bag-of-words counts tie exactly, and how ties are broken is not what is tested.
 */
const jitter = (t: string, j: number) => {
  let h = 2166136261;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
  return ((Math.imul(h, j + 1) >>> 0) % 1000) / 20_000;
};
const hashed = (dims: number, modelId = 'test-hash'): Embedder => ({
  modelId,
  dimensions: dims,
  embed: async (texts) => texts.map((t) => hashEmbedding(t, dims).map((x, j) => x + jitter(t, j))),
});

describe('sqlite-vec index for nearest vectors', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-vec-'));
    db = openDatabase(join(dir, 'lore.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const count = () => db.prepare('SELECT count(*) FROM vec_chunks').pluck().get() as number;

  it('gives the same results as the JS scan, with tenant, status, viewer and kind filters applied', async () => {
    const e = hashed(48);
    const indexed = new SqliteKnowledgeStore(db, { embedder: e });
    const scanned = new SqliteKnowledgeStore(db, { embedder: e, vectorIndex: false });
    // A tenant with a thin share of a big index: its chunks must still come back (filter after a widened k).
    // Varied texts (a fixed pseudo-random pick of words), so no two chunks tie on similarity.
    const WORDS = 'warehouse parcels ship region weekdays crate truck harbour invoice pallet depot freight customs route label courier'.split(' ');
    let seed = 7;
    const pick = () => WORDS[((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) % WORDS.length]!; // high bits: the low ones cycle
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 6 + (i % 5) }, pick).join(' ');
      await indexed.upsertDocument({ tenantId: 'big', sourceUri: `b/${i}`, kind: 'document', text: `${text} ${i}.` });
    }
    await indexed.upsertDocument({ tenantId: 'small', sourceUri: 's/1', kind: 'document', text: 'Our warehouse ships parcels on Saturdays too.' });
    await indexed.upsertDocument({ tenantId: 'small', sourceUri: 's/2', kind: 'learning', text: 'Parcels to islands ship from the warehouse on Fridays.' });
    await indexed.upsertDocument({ tenantId: 'small', sourceUri: 's/3', kind: 'learning', text: 'Warehouse parcels ship Sundays now.', status: 'pending', provenance: { userId: 'ann' } as never });
    for (const q of ['when does the warehouse ship parcels', 'islands', 'customs route for the freight truck']) {
      for (const extra of [{}, { viewer: { userId: 'ann' } }, { kinds: ['learning' as const] }]) {
        for (const tenantId of ['big', 'small']) {
          const a = await indexed.search({ tenantId, query: q, topK: 8, ...extra });
          const b = await scanned.search({ tenantId, query: q, topK: 8, ...extra });
          // Same hits with the same scores at each position; equal RRF sums (rank 3+5 vs 5+3)
          // may differ in the last float bit and swap neighbours, so ids are compared as a set.
          expect(new Set(a.map((h) => h.chunkId))).toEqual(new Set(b.map((h) => h.chunkId)));
          a.forEach((h, i) => expect(h.rawScore).toBeCloseTo(b[i]!.rawScore, 6));
          if (tenantId === 'small') expect(a.every((h) => h.sourceUri.startsWith('s/'))).toBe(true);
        }
      }
    }
    expect(count()).toBe(303); // the index was built and used
    const small = await indexed.search({ tenantId: 'small', query: 'when does the warehouse ship parcels', topK: 8 });
    expect(small.map((h) => h.sourceUri).sort()).toEqual(['s/1', 's/2']); // not ann's pending learning
  });

  it('catches up with writes from another store on the same file, and rebuilds for a new model size', async () => {
    const a = new SqliteKnowledgeStore(db, { embedder: hashed(32) });
    await a.upsertDocument({ tenantId: 't', sourceUri: 'x', kind: 'document', text: 'Alpha beta gamma.' });
    await a.search({ tenantId: 't', query: 'alpha', topK: 3 });
    expect(count()).toBe(1);
    const db2 = openDatabase(join(dir, 'lore.db'));
    try {
      const writer = new SqliteKnowledgeStore(db2, { embedder: hashed(32), vectorIndex: false });
      await writer.upsertDocument({ tenantId: 't', sourceUri: 'y', kind: 'document', text: 'Delta epsilon.' });
      const y = await writer.upsertDocument({ tenantId: 't', sourceUri: 'x', kind: 'document', text: 'Alpha beta gamma. Zeta eta.' });
      expect(y.sourceUri).toBe('x');
    } finally {
      db2.close();
    }
    const hits = await a.search({ tenantId: 't', query: 'delta epsilon', topK: 3 });
    expect(hits[0]!.sourceUri).toBe('y');
    expect(count()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM vec_pending').pluck().get()).toBe(0);

    const resized = new SqliteKnowledgeStore(db, { embedder: hashed(16) });
    await resized.search({ tenantId: 't', query: 'alpha', topK: 3 });
    expect(db.prepare('SELECT dims FROM vec_meta').pluck().get()).toBe(16);
    expect(count()).toBe(0); // no 16-d vectors stored yet: `lore reindex` fills them
  });

  it("a GDPR erasure leaves no vector of the erased user's learnings in the index", async () => {
    const k = new SqliteKnowledgeStore(db, { embedder: hashed(32) });
    await k.upsertDocument({ tenantId: 't', sourceUri: 'docs/a.md', kind: 'document', text: 'The depot ships parcels on weekdays.' });
    await k.upsertDocument({ tenantId: 't', sourceUri: 'learnings/t/s/l1.md', kind: 'learning', text: 'Ana moved the depot to the harbour.', id: 'l1', provenance: { userId: 'ana' } });
    await k.search({ tenantId: 't', query: 'depot harbour', topK: 3 });
    expect(count()).toBe(2);
    await eraseUserData(db, k, { tenantId: 't', userId: 'ana', requestedBy: 'self' });
    // Without waiting for another search: the learning's vector is gone, the document's stays.
    expect(count()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM vec_pending').pluck().get()).toBe(0);
  });

  it('falls back to the exact scan, once reported, when the index breaks', async () => {
    const errors: unknown[] = [];
    const kb = new SqliteKnowledgeStore(db, { embedder: hashed(32), onVectorIndexUnavailable: (e) => errors.push(e) });
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'x', kind: 'document', text: 'Alpha beta gamma.' });
    await kb.search({ tenantId: 't', query: 'alpha', topK: 3 });
    db.exec('DROP TABLE vec_chunks');
    const hits = await kb.search({ tenantId: 't', query: 'gamma beta', topK: 3, explain: true });
    expect(hits[0]).toMatchObject({ sourceUri: 'x', ranks: { lexical: 1, vector: 1 } });
    await kb.search({ tenantId: 't', query: 'alpha', topK: 3 });
    expect(errors).toHaveLength(1);
  });
});
