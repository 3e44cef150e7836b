import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocKind } from '../../memory/knowledge-store.js';
import { ReferenceKnowledgeSearch } from '../../../test/support/knowledge-search-reference.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';

/**
 * The optimised search (candidate rows fetched lazily, cached term sequences for proximity) must
 * return exactly what the search before it returned: same hits, order, scores and explain parts.
 * Both run over the same database; writes between searches check the caches follow the table.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function open(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lore-kbequiv-'));
  dirs.push(dir);
  return openDatabase(join(dir, 'lore.db'));
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'limit', 'limits', 'limiting', 'rate', 'refund', 'refunds', 'policy', 'days', 'team', 'x2', 'é', 'Ünïcode', 'the', 'of'];

const docArb = fc.record({
  tenant: fc.constantFrom('a', 'a', 'a', 'b'),
  kind: fc.constantFrom<DocKind>('document', 'document', 'learning'),
  paragraphs: fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 6 }),
  chunking: fc.constantFrom<'paragraphs' | undefined>('paragraphs', undefined),
  fate: fc.constantFrom('keep', 'keep', 'keep', 'delete', 'pending', 'supersede', 'rewrite'),
});

const searchArb = fc.record({
  words: fc.array(fc.constantFrom(...WORDS, 'unknown'), { minLength: 1, maxLength: 5 }),
  topK: fc.integer({ min: 1, max: 40 }),
  kinds: fc.option(fc.constantFrom<DocKind[]>(['learning'], ['document'], ['document', 'learning']), { nil: undefined }),
  tenant: fc.constantFrom('a', 'a', 'b', 'c'),
  viewer: fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
  explain: fc.boolean(),
});

describe('optimised knowledge search equals the reference implementation', () => {
  it('on generated corpora and queries (filters, tenants, viewers, supersession, multi-chunk and paragraph documents, writes between searches)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(docArb, { minLength: 1, maxLength: 30 }), fc.array(searchArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 4 }), async (docs, searches, depthCase) => {
        const db = open();
        try {
          // Small chunks so default chunking splits documents into several overlapping chunks.
          // depthCase 3: both stages at work on a small corpus (proximity for the cheap top 3 only);
          // 4: a deep pool of 20 that other tenants fill, so the thin-share fallback runs too.
          const ranking = depthCase === 2 ? { depth: 7 } : depthCase === 3 ? { proximityDepth: 3 } : depthCase === 4 ? { cheapDepth: 20, proximityDepth: 5 } : {};
          const kb = new SqliteKnowledgeStore(db, { chunkTokens: 24, chunkOverlap: 4, ranking });
          const reference = new ReferenceKnowledgeSearch(db, undefined, undefined, {}, 'index', ranking);
          const ids: string[] = [];
          const check = async () => {
            for (const s of searches) {
              const p = { tenantId: s.tenant, query: s.words.join(' '), topK: s.topK, explain: s.explain, ...(s.kinds ? { kinds: s.kinds } : {}), ...(s.viewer ? { viewer: { userId: s.viewer } } : {}) };
              expect(await kb.search(p)).toEqual(await reference.search(p));
            }
          };
          for (const [i, d] of docs.entries()) {
            const text = d.paragraphs.map((p) => p.join(' ')).join('\n\n');
            const pending = d.fate === 'pending' && d.kind === 'learning';
            const written = await kb.upsertDocument({
              tenantId: d.tenant, sourceUri: `u${i}`, kind: d.kind, text, ...(d.chunking ? { chunking: d.chunking } : {}),
              ...(pending ? { status: 'pending' as const, provenance: { userId: i % 2 ? 'u1' : 'u2' } } : {}),
            });
            ids.push(written.id);
            if (i === Math.floor(docs.length / 2)) await check(); // caches warmed, then more writes
            if (d.fate === 'delete') await kb.deleteDocument({ tenantId: d.tenant, id: written.id, actor: 'test' });
            if (d.fate === 'rewrite') await kb.upsertDocument({ tenantId: d.tenant, sourceUri: `u${i}`, id: written.id, kind: d.kind, text: [...d.paragraphs].reverse().map((p) => p.join(' ')).join('\n\n') });
            if (d.fate === 'supersede' && i > 0) {
              const target = db.prepare('SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.id = ? LIMIT 1').pluck().get(ids[i - 1]) as string | undefined;
              const sameTenant = docs[i - 1]!.tenant === d.tenant;
              if (target && sameTenant) await kb.supersede({ tenantId: d.tenant, chunkId: target, newId: written.id, actor: 'test' }).catch(() => undefined);
            }
          }
          await check();
        } finally {
          db.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('on a larger corpus where the first window holds foreign and deleted chunks (both windows, then the scope fallback)', async () => {
    const db = open();
    try {
      const kb = new SqliteKnowledgeStore(db, { chunkTokens: 40, chunkOverlap: 8 });
      const reference = new ReferenceKnowledgeSearch(db);
      const rnd = fc.sample(fc.array(fc.constantFrom(...WORDS), { minLength: 5, maxLength: 80 }), { numRuns: 600, seed: 11 });
      db.exec('BEGIN IMMEDIATE');
      for (const [i, words] of rnd.entries()) {
        const tenant = i % 10 === 0 ? 'small' : 'big';
        const doc = await kb.upsertDocument({ tenantId: tenant, sourceUri: `d${i}`, kind: i % 7 === 0 ? 'learning' : 'document', text: words.join(' '), ...(i % 3 === 0 ? { chunking: 'paragraphs' as const } : {}) });
        if (i % 13 === 0) await kb.deleteDocument({ tenantId: tenant, id: doc.id, actor: 'test' });
      }
      db.exec('COMMIT');
      for (const tenant of ['big', 'small', 'none']) {
        for (const query of ['alpha beta', 'rate limit policy', 'refunds days team gamma', 'the of', 'x2 é delta']) {
          for (const topK of [1, 5, 25, 100]) {
            for (const kinds of [undefined, ['learning'] as DocKind[]]) {
              const p = { tenantId: tenant, query, topK, explain: true, ...(kinds ? { kinds } : {}) };
              expect(await kb.search(p)).toEqual(await reference.search(p));
            }
          }
        }
      }
    } finally {
      db.close();
    }
  });
});
