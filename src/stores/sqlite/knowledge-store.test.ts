import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knowledgeStoreContract, type KnowledgeStoreFactory } from '../../memory/knowledge-store.contract.js';
import { knowledgeTrustContract } from '../../memory/knowledge-trust.contract.js';
import type { Embedder } from '../../memory/embedder.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lore-kb-'));
  dirs.push(dir);
  return join(dir, 'lore.db');
}
function open(path: string): SqliteDatabase {
  const db = openDatabase(path);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sqliteFactory: KnowledgeStoreFactory = async () => {
  const path = tempDb();
  let db = open(path);
  return {
    store: new SqliteKnowledgeStore(db),
    reopen: async () => {
      db.close();
      db = open(path);
      return new SqliteKnowledgeStore(db);
    },
    close: async () => {
      db.close();
    },
  };
};
knowledgeStoreContract('sqlite', sqliteFactory);
knowledgeTrustContract('sqlite', sqliteFactory);


knowledgeStoreContract('sqlite + embedder', async () => {
  const path = tempDb();
  const embedder = new HashedBagOfWords();
  let db = open(path);
  return {
    store: new SqliteKnowledgeStore(db, { embedder }),
    reopen: async () => {
      db.close();
      db = open(path);
      return new SqliteKnowledgeStore(db, { embedder });
    },
    close: async () => {
      db.close();
    },
  };
});

/**
 * Deterministic stand-in for an embedding model: hashed bag of words over a tiny synonym table, so
 * "vehicle" lands near "car" although BM25 sees no shared term.
 */
class HashedBagOfWords implements Embedder {
  readonly modelId = 'test-bow';
  readonly dimensions = 64;
  calls: string[][] = [];
  fail = false;
  private static readonly SYNONYMS: Record<string, string> = { vehicle: 'car', automobile: 'car', cars: 'car' };

  async embed(texts: string[]): Promise<number[][]> {
    if (this.fail) throw new Error('embedder down');
    this.calls.push(texts);
    return texts.map((t) => {
      const v = new Array<number>(this.dimensions).fill(0);
      for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
        const word = HashedBagOfWords.SYNONYMS[w] ?? w;
        v[createHash('md5').update(word).digest()[0]! % this.dimensions]! += 1;
      }
      return v;
    });
  }
}

describe('SqliteKnowledgeStore with an embedder (hybrid)', () => {
  const T = 't1';
  const seed = async (kb: SqliteKnowledgeStore) => ({
    car: await kb.upsertDocument({ tenantId: T, sourceUri: 'kb://car.md', kind: 'document', text: 'Car maintenance: change the oil every 5000 miles.' }),
    leave: await kb.upsertDocument({ tenantId: T, sourceUri: 'kb://hr.md', kind: 'document', text: 'Vacation policy: 25 days of paid leave.' }),
    oil: await kb.upsertDocument({ tenantId: T, sourceUri: 'kb://kitchen.md', kind: 'document', text: 'Olive oil is stored in the kitchen.' }),
  });

  it('finds semantically close chunks that share no term with the query', async () => {
    const db = open(tempDb());
    const embedder = new HashedBagOfWords();
    const { car } = await seed(new SqliteKnowledgeStore(db, { embedder }));
    expect(await new SqliteKnowledgeStore(db).search({ tenantId: T, query: 'vehicle', topK: 3 })).toEqual([]);
    const hits = await new SqliteKnowledgeStore(db, { embedder }).search({ tenantId: T, query: 'vehicle', topK: 3 });
    expect(hits.map((x) => x.docId)).toEqual([car.id]);
    expect(hits[0]).toMatchObject({ score: 1 });
  });

  it('fuses BM25 and cosine ranks with RRF (k = 60)', async () => {
    const db = open(tempDb());
    const kb = new SqliteKnowledgeStore(db, { embedder: new HashedBagOfWords() });
    const { car, oil } = await seed(kb);
    const hits = await kb.search({ tenantId: T, query: 'automobile oil change', topK: 3 });
    // The car chunk is top in both lists (lexically on oil + change, semantically also on car).
    expect(hits[0]!.docId).toBe(car.id);
    expect(hits[0]!.rawScore).toBeCloseTo(2 / 61, 10);
    expect(hits.map((x) => x.docId)).toContain(oil.id);
    expect(hits[1]!.score).toBeLessThan(1);
  });

  it('embeds only new chunk text, stores vectors across reopen, and falls back to BM25 on embedder failure', async () => {
    const path = tempDb();
    const embedder = new HashedBagOfWords();
    let db = open(path);
    const kb = new SqliteKnowledgeStore(db, { embedder, chunkTokens: 16, chunkOverlap: 0 });
    const para = (s: string) => `${s} one two three four five six seven eight nine.`;
    const text = [para('Alpha'), para('Bravo'), para('Charlie')].join('\n\n');
    const d = await kb.upsertDocument({ tenantId: T, sourceUri: 'kb://long.md', kind: 'document', text });
    expect(embedder.calls.at(-1)).toHaveLength(3);
    const chunkIds = () => db.prepare('SELECT id FROM chunks WHERE doc_id = ? ORDER BY idx').pluck().all(d.id) as string[];
    const before = chunkIds();
    expect(before).toHaveLength(3);

    await kb.upsertDocument({ tenantId: T, sourceUri: 'kb://long.md', kind: 'document', text: text.replace('Bravo', 'Delta') });
    expect(embedder.calls.at(-1)).toEqual([para('Delta')]);
    const after = chunkIds();
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(after[1]).not.toBe(before[1]);

    db.close();
    db = open(path);
    embedder.calls = [];
    const reopened = new SqliteKnowledgeStore(db, { embedder });
    expect((await reopened.search({ tenantId: T, query: 'delta', topK: 1 }))[0]?.docId).toBe(d.id);
    expect(embedder.calls).toEqual([['delta']]);

    embedder.fail = true;
    const errors: unknown[] = [];
    const degraded = new SqliteKnowledgeStore(db, { embedder, onEmbedError: (e) => errors.push(e) });
    expect((await degraded.search({ tenantId: T, query: 'charlie', topK: 1 }))[0]?.docId).toBe(d.id);
    expect(errors).toHaveLength(1);
    await expect(degraded.upsertDocument({ tenantId: T, sourceUri: 'kb://x', kind: 'document', text: 'x' })).rejects.toThrow('embedder down');
    expect(await degraded.listDocuments({ tenantId: T, sourcePrefix: 'kb://x' })).toEqual([]);
  });
});

describe('SqliteKnowledgeStore indexing', () => {
  it('keeps the FTS index in step with chunk rows and chunks long documents', async () => {
    const db = open(tempDb());
    const kb = new SqliteKnowledgeStore(db, { chunkTokens: 32, chunkOverlap: 0.25 });
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} mentions topic${i}.`).join(' ');
    const d = await kb.upsertDocument({ tenantId: 't', sourceUri: 'kb://big', kind: 'document', text: sentences });
    const n = db.prepare('SELECT count(*) FROM chunks WHERE doc_id = ?').pluck().get(d.id) as number;
    expect(n).toBeGreaterThan(5);
    expect((await kb.search({ tenantId: 't', query: 'topic37', topK: 3 }))[0]!.text).toContain('topic37');
    // BM25 alone returns nothing rather than noise when no term matches.
    expect(await kb.search({ tenantId: 't', query: 'quantum chromodynamics', topK: 3 })).toEqual([]);
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'kb://big', kind: 'document', text: 'short now' });
    expect(db.prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'topic37'").pluck().get()).toBe(0);
    db.exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')");
  });

  it('never lets query text reach FTS5 as syntax (fuzzed)', async () => {
    const kb = new SqliteKnowledgeStore(open(tempDb()));
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'u', kind: 'document', text: 'Rate limit "quoted" NEAR stuff: 100 req/s ünïcödé 東京' });
    const syntax = fc.constantFrom('"', '*', '^', '(', ')', ':', '-', '+', 'AND', 'OR', 'NOT', 'NEAR', '{', '}', ',', ' ', "'", '\\');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(syntax, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 20 }), async (parts) => {
        await kb.search({ tenantId: 't', query: parts.join(''), topK: 3 });
      }),
      { numRuns: 300 },
    );
    expect((await kb.search({ tenantId: 't', query: '東京', topK: 1 }))[0]?.sourceUri).toBe('u');
  });

  it('rejects empty text and unknown kinds', async () => {
    const kb = new SqliteKnowledgeStore(open(tempDb()));
    await expect(kb.upsertDocument({ tenantId: 't', sourceUri: 'u', kind: 'document', text: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(kb.upsertDocument({ tenantId: 't', sourceUri: 'u', kind: 'x' as never, text: 'a' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
