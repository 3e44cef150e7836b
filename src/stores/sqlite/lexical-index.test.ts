import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';
import { chunkTitles } from '../../memory/lexical/titles.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lore-lexidx-'));
  dirs.push(dir);
  return dir;
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

const sources = async (kb: SqliteKnowledgeStore, query: string) => (await kb.search({ tenantId: 't', query, topK: 10 })).map((h) => h.sourceUri).sort();

describe('in-process lexical index kept in step with the chunks table', () => {
  it('sees what another connection (another process) inserted, replaced and erased', async () => {
    const path = join(tempDir(), 'lore.db');
    const reader = new SqliteKnowledgeStore(open(path));
    const writer = new SqliteKnowledgeStore(open(path));
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'a', kind: 'document', text: 'the zebra crossing rule' });
    expect(await sources(reader, 'zebra')).toEqual(['a']); // built from the table
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'b', kind: 'document', text: 'a zebra in the office' });
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'a', kind: 'document', text: 'the pelican crossing rule' });
    expect(await sources(reader, 'zebra')).toEqual(['b']);
    expect(await sources(reader, 'pelican')).toEqual(['a']);
    // A chunk row deleted outright (as the GDPR erasure does) leaves the index at once.
    open(path).prepare("DELETE FROM chunks WHERE doc_id = (SELECT id FROM documents WHERE source_uri = 'b')").run();
    expect(await sources(reader, 'zebra')).toEqual([]);
    expect(reader.lexicalIndex().size).toBe(1);
  });

  it('rebuilds from the table when the change log it needed was pruned', async () => {
    const path = join(tempDir(), 'lore.db');
    const db = open(path);
    const reader = new SqliteKnowledgeStore(db);
    const writer = new SqliteKnowledgeStore(open(path));
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'a', kind: 'document', text: 'first walrus' });
    expect(await sources(reader, 'walrus')).toEqual(['a']);
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'b', kind: 'document', text: 'second walrus' });
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'c', kind: 'document', text: 'third walrus' });
    // Everything the reader has not seen is gone from the log, as after a long absence.
    db.prepare('DELETE FROM lex_log').run();
    await writer.upsertDocument({ tenantId: 't', sourceUri: 'd', kind: 'document', text: 'fourth walrus' });
    expect(await sources(reader, 'walrus')).toEqual(['a', 'b', 'c', 'd']);
    expect(reader.lexicalIndex().size).toBe(4);
  });

  it('weights a chunk title (source and the heading above it) and explains the parts', async () => {
    const db = open(join(tempDir(), 'lore.db'));
    const kb = new SqliteKnowledgeStore(db, { chunkTokens: 16, chunkOverlap: 0 });
    const text = '# Refunds\n\nMoney goes back to the card within five working days of the return.\n\nThe card statement shows it as a credit line.';
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'policies/payments.md', kind: 'document', text });
    await kb.upsertDocument({ tenantId: 't', sourceUri: 'notes.md', kind: 'document', text: 'Card statement lines show each payment made with the card.' });
    const titles = db.prepare('SELECT title FROM chunks ORDER BY seq').pluck().all() as string[];
    expect(titles.filter((t) => t.startsWith('policies/payments.md'))).toEqual(titles.slice(0, -1));
    expect(titles.slice(0, -1).every((t) => t === 'policies/payments.md Refunds')).toBe(true);
    // "refunds" occurs only in the heading: the section's later chunks are found through their title.
    const hits = await kb.search({ tenantId: 't', query: 'refunds on the card statement', topK: 3, explain: true });
    expect(hits[0]!.sourceUri).toBe('policies/payments.md');
    const [parts] = kb.explainTerms('refunds on the card statement', hits)!;
    expect(parts!.map((p) => p.term)).toContain('title:refunds');
    // The terms add up to the first-pass BM25; the re-rank's parts add up to the final score.
    const r = hits[0]!.rerank!;
    expect(parts!.reduce((s, p) => s + p.bm25, 0)).toBeCloseTo(r.bm25, 3);
    expect(r.bm25 + r.proximity + r.neighbour + r.document).toBeCloseTo(hits[0]!.rawScore, 3);
    expect(r.document).toBeGreaterThan(0);
  });
});

describe('chunkTitles', () => {
  it('gives each chunk its source and the nearest heading at or above its start', () => {
    const text = 'intro\n# One\nbody\n## Two\nmore';
    const at = (s: string) => text.indexOf(s);
    expect(chunkTitles('doc.md', text, [{ index: 0, start: 0 }, { index: 1, start: at('body') }, { index: 2, start: at('## Two') }, { index: 3, start: at('more') }]))
      .toEqual(['doc.md', 'doc.md One', 'doc.md Two', 'doc.md Two']);
  });
});
