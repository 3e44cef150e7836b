/**
 * The second retrieval set through the knowledge store itself: the npm-docs files of
 * bench/docs-qa/corpus.ts ingested as documents (128-token chunks, no overlap, source = file path),
 * the 72 hand-written questions of bench/docs-qa/questions.json searched against them, recall@k
 * of the passages that answer them, in one run: FTS5's bm25 (the store before the in-process
 * index), the index's BM25 alone (Lucene idf, title field: before the re-rank), and the store's
 * ranking now (that BM25 re-ranked in two stages: neighbours and document evidence over the
 * first-pass top 1,000, proximity over the top M of that), the one-stage re-rank over the top M it
 * replaced, and the re-rank over every match.
 *
 *   npx tsx bench/docs-qa.ts [--embedder word-vectors:<path>]
 *
 * With --embedder, the store's hybrid ranking (RRF of that ranking and cosine over SIF-averaged
 * static word vectors, bench/word-vectors/) is printed too, labelled as such.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/stores/sqlite/database.js';
import { SqliteKnowledgeStore, type SqliteKnowledgeStoreOptions } from '../src/stores/sqlite/knowledge-store.js';
import { CHUNK_TOKENS, loadDocs, loadQuestions } from './docs-qa/corpus.js';
import { loadWordVectors } from './word-vectors/file.js';
import { createSifEmbedder } from './word-vectors/sif.js';

const spec = process.argv.indexOf('--embedder') > 0 ? process.argv[process.argv.indexOf('--embedder') + 1] : undefined;
if (spec !== undefined && !/^word-vectors:\S+$/.test(spec)) {
  console.error('usage: npx tsx bench/docs-qa.ts [--embedder word-vectors:<path>]');
  process.exit(2);
}
const embedder = spec ? createSifEmbedder(loadWordVectors(spec.slice('word-vectors:'.length))) : undefined;

const KS = [1, 5, 10, 25];
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const dir = mkdtempSync(join(tmpdir(), 'lore-docsqa-'));
const db = openDatabase(join(dir, 'lore.db'));
try {
  const { files, units } = loadDocs();
  const questions = loadQuestions();
  const variants: Array<[string, SqliteKnowledgeStoreOptions]> = [
    ['FTS5 bm25', { lexicalEngine: 'fts5' }],
    ['index BM25 alone', { ranking: { rerank: false } }],
    ['one-stage re-rank (top M)', { ranking: { cheapDepth: 0 } }],
    ['after: re-rank', {}],
    ['re-rank all matches', { ranking: { depth: 1_000_000 } }],
    ...(embedder ? [['hybrid: word vectors, RRF', { embedder }] as [string, SqliteKnowledgeStoreOptions]] : []),
  ];
  const stores = new Map(variants.map(([label, o]) => [label, new SqliteKnowledgeStore(db, { chunkTokens: CHUNK_TOKENS, chunkOverlap: 0, ...o })]));
  for (const f of files) await stores.get(embedder ? 'hybrid: word vectors, RRF' : 'after: re-rank')!.upsertDocument({ tenantId: 'docs', sourceUri: f.file, kind: 'document', text: f.text });
  const chunks = db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
  console.log(`npm docs: ${files.length} files, ${chunks} chunks in the store (${units.length} units in the technique bench), ${questions.length} questions written before tuning`);
  console.log(`packages: ${[...new Map(files.map((x) => [x.file.split('/')[0], x.version]))].map(([p, v]) => `${p}@${v}`).join(' ')}`);
  console.log('FTS5 bm25: the store before the index; index BM25 alone: Lucene idf + title field 0.5 (before the re-rank); after: + two-stage re-rank (topK 25: first pass 1,000, proximity M = 100)');
  console.log('');
  console.log(`recall@k (%)                       n${KS.map((k) => `@${k}`.padStart(7)).join('')}`);
  for (const [label] of variants) {
    const rows: Array<{ type: string; r: number[] }> = [];
    for (const q of questions) {
      const hits = await stores.get(label)!.search({ tenantId: 'docs', query: q.question, topK: Math.max(...KS) });
      const r = KS.map((k) => {
        const top = hits.slice(0, k);
        return q.relevant.filter((p) => top.some((h) => h.sourceUri === p.file && norm(h.text).includes(norm(p.text)))).length / q.relevant.length;
      });
      rows.push({ type: q.type, r });
    }
    for (const type of ['all', 'fact', 'multi', 'temporal']) {
      const rs = rows.filter((x) => type === 'all' || x.type === type);
      const mean = KS.map((_, i) => (100 * rs.reduce((s, x) => s + x.r[i]!, 0)) / rs.length);
      console.log(`${`${label} ${type}`.padEnd(36)}${String(rs.length).padStart(3)}${mean.map((v) => v.toFixed(1).padStart(7)).join('')}`);
    }
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
