import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildFtsQuery } from '../../src/stores/sqlite/fts-query.js';
import { Bm25Index, bm25QueryTerms, tokenize } from '../../src/stores/dynamodb/knowledge-bm25.js';

/**
 * The in-process BM25 (DynamoDB knowledge store) against SQLite's FTS5 with the tokenizer the
 * SQLite store uses: same matches, same order, same raw scores, on a corpus with stemming,
 * diacritics, digits and repeated terms.
 */
const CORPUS = [
  'Internal API guide. The rate limit of our internal API is 100 req/s per client. Requests above it get HTTP 429.',
  'Vacation policy: employees get 25 days of paid leave per year.',
  'Deployments run every Tuesday through the internal pipeline.',
  'Rate limit for the public API: 10 req/s. Limits are limited, limiting and rated.',
  'Le café est fermé le dimanche; the café opens Monday at 8.',
  'Running runners ran quickly; the runner runs the deployment runs.',
  'Update: the internal API rate limit was increased to 500 req/s.',
  'HTTP 429 means too many requests: back off and retry with jitter.',
];
const QUERIES = [
  'What is the rate limit of our internal API?', 'paid leave days', 'deployment running', 'cafe fermé', 'HTTP 429',
  'limits', 'who are you', '"AND OR NEAR( * ^', 'Running runs', 'nothing matches zebra',
];

function sqliteRanking(query: string): Array<{ i: number; score: number }> {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61')`);
    const ins = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)');
    CORPUS.forEach((text, i) => ins.run(i + 1, text));
    const q = buildFtsQuery(query);
    if (!q) return [];
    return (db.prepare('SELECT rowid AS i, -bm25(t) AS score FROM t WHERE t MATCH ? ORDER BY bm25(t), rowid').all(q) as Array<{ i: number; score: number }>).map((r) => ({ i: r.i - 1, score: r.score }));
  } finally {
    db.close();
  }
}

describe('Bm25Index (FTS5-compatible BM25)', () => {
  it('tokenizes like porter unicode61', () => {
    expect(tokenize('Running Runners RAN, café 429 req/s')).toEqual(['run', 'runner', 'ran', 'cafe', '429', 'req', 's']);
    expect(bm25QueryTerms('What is the rate limit?')).toEqual(['rate', 'limit']);
  });

  for (const query of QUERIES) {
    it(`ranks "${query}" as FTS5 does`, () => {
      const index = new Bm25Index<number>();
      CORPUS.forEach((text, i) => index.add(i, text));
      const mine = index.search(bm25QueryTerms(query));
      const theirs = sqliteRanking(query);
      expect(mine.map((m) => m.key).sort()).toEqual(theirs.map((t) => t.i).sort());
      for (const t of theirs) expect(mine.find((m) => m.key === t.i)!.score).toBeCloseTo(t.score, 9);
    });
  }

  it('removing and re-adding a row updates the statistics', () => {
    const index = new Bm25Index<number>();
    CORPUS.forEach((text, i) => index.add(i, text));
    const before = index.search(['rate']);
    index.remove(0);
    expect(index.search(['rate']).map((x) => x.key)).not.toContain(0);
    index.add(0, CORPUS[0]!);
    expect(index.search(['rate'])).toEqual(before);
    expect(index.size).toBe(CORPUS.length);
  });
});
