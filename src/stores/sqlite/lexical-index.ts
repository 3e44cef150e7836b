import type { Statement } from 'better-sqlite3';
import { analyzeFields, fieldQuery, queryTerms } from '../../memory/lexical/analyze.js';
import type { IdfFlavour } from '../../memory/lexical/bm25.js';
import { InvertedIndex, type WeightedTerm } from '../../memory/lexical/inverted-index.js';
import type { SqliteDatabase } from './database.js';
import { TermSequences } from './term-sequences.js';

/**
 * The ranking the store applies, chosen by bench/lexical-techniques.ts (kept only because it raised
 * recall@10 on LoCoMo and on the npm-docs set): BM25 with Lucene's always-positive idf, and the
 * chunk's title field (source + heading) weighted at half the body.
 */
export const IDF: IdfFlavour = 'lucene';
export const TITLE_WEIGHT = 0.5;

/** The weighted terms the index is searched with for a question. */
export function lexicalQuery(question: string): WeightedTerm[] {
  return fieldQuery(queryTerms(question), TITLE_WEIGHT);
}

type Row = { seq: number; text: string; title: string; doc_id: string; idx: number };

/** Log rows kept behind the newest; a process further behind than this rebuilds from `chunks`. */
const LOG_KEEP = 100_000;

/**
 * The in-process inverted index (src/memory/lexical) over every chunk of the database, kept in
 * step with the `chunks` table through `lex_log` (migration 802): triggers append the rowid of
 * each inserted, updated or deleted chunk, and `sync()` — run before each search, one indexed
 * max() when nothing changed — re-reads those rows. Any process may write; each reader catches up
 * on its own cursor. Built on first use from the whole table (see bench/learning.ts for the cost).
 */
export class LexicalIndex {
  index = new InvertedIndex(IDF);
  /** Term sequences of recently re-ranked chunks (proximity); kept in step with `index` by sync(). */
  readonly sequences = new TermSequences();
  /**
   * Each indexed chunk's document (interned id) and position, so the re-rank's cheap stage can
   * place a thousand candidates without reading their rows: a chunk's seq keeps its document and
   * idx for life (a rewrite deletes and inserts chunks), and `lex_log` names every changed seq.
   */
  private readonly placeOf = new Map<number, number>();
  private readonly idxOf = new Map<number, number>();
  private readonly docNumber = new Map<string, number>();
  private readonly docIds: string[] = [];
  private cursor = 0;
  private readonly maxId: Statement;
  private readonly minId: Statement;
  private readonly changed: Statement;
  private readonly textOf: Statement;
  private readonly all: Statement;

  private constructor(private readonly db: SqliteDatabase) {
    this.maxId = db.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'lex_log'), 0)").pluck();
    this.minId = db.prepare('SELECT min(id) FROM lex_log').pluck();
    this.changed = db.prepare('SELECT DISTINCT seq FROM lex_log WHERE id > ? AND id <= ?').pluck();
    this.textOf = db.prepare('SELECT text, title, doc_id, idx FROM chunks WHERE seq = ?');
    this.all = db.prepare('SELECT seq, text, title, doc_id, idx FROM chunks');
  }

  /**
   * Build without blocking the event loop for long: the table is read in batches of `batch`
   * chunks by seq, yielding between them. Writes made meanwhile are in `lex_log` after the cursor
   * taken first, so the `sync()` before the first search applies them (a chunk read twice is just
   * re-added). For large knowledge bases, where a synchronous build would stall every request.
   */
  static async buildInBackground(db: SqliteDatabase, batch = 2_000): Promise<LexicalIndex> {
    const lex = new LexicalIndex(db);
    lex.cursor = lex.maxId.get() as number;
    const page = db.prepare('SELECT seq, text, title, doc_id, idx FROM chunks WHERE seq > ? ORDER BY seq LIMIT CAST(? AS INTEGER)');
    let after = 0;
    for (;;) {
      const rows = page.all(after, batch) as Row[];
      for (const row of rows) lex.add(row);
      if (rows.length < batch) break;
      after = rows[rows.length - 1]!.seq;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return lex;
  }

  static build(db: SqliteDatabase): LexicalIndex {
    const lex = new LexicalIndex(db);
    lex.db.transaction(() => {
      lex.cursor = lex.maxId.get() as number;
      for (const row of lex.all.iterate() as Iterable<Row>) lex.add(row);
    })();
    return lex;
  }

  /** Apply what was written since the last call (by this process or another). */
  sync(): void {
    const max = this.maxId.get() as number;
    if (max === this.cursor) return;
    this.db.transaction(() => {
      const top = this.maxId.get() as number;
      const min = this.minId.get() as number | null;
      if (min !== null && min > this.cursor + 1) {
        // The rows we missed were pruned: start over from the table.
        const fresh = LexicalIndex.build(this.db);
        this.index = fresh.index;
        this.cursor = fresh.cursor;
        for (const m of [this.placeOf, this.idxOf, this.docNumber]) m.clear();
        this.docIds.length = 0;
        for (const [seq, n] of fresh.placeOf) this.place(seq, fresh.docIds[n]!, fresh.idxOf.get(seq)!);
        this.sequences.clear();
        return;
      }
      for (const seq of this.changed.all(this.cursor, top) as number[]) {
        this.sequences.forget(seq);
        const row = this.textOf.get(seq) as Omit<Row, 'seq'> | undefined;
        if (row === undefined) {
          this.index.remove(seq);
          this.placeOf.delete(seq);
          this.idxOf.delete(seq);
        } else this.add({ seq, ...row });
      }
      this.cursor = top;
    })();
  }

  /** The chunk's document id and position, as indexed (undefined for a seq the index does not hold). */
  locate(seq: number): { docId: string; idx: number } | undefined {
    const n = this.placeOf.get(seq);
    return n === undefined ? undefined : { docId: this.docIds[n]!, idx: this.idxOf.get(seq)! };
  }

  private add(row: Row): void {
    this.index.add(row.seq, analyzeFields(row.text, row.title));
    this.place(row.seq, row.doc_id, row.idx);
  }

  private place(seq: number, docId: string, idx: number): void {
    let n = this.docNumber.get(docId);
    if (n === undefined) {
      n = this.docIds.length;
      this.docNumber.set(docId, n);
      this.docIds.push(docId);
    }
    this.placeOf.set(seq, n);
    this.idxOf.set(seq, idx);
  }

  /** Trim the log to its last LOG_KEEP rows (called from the write path, inside its transaction). */
  static prune(db: SqliteDatabase): void {
    db.prepare("DELETE FROM lex_log WHERE id <= (SELECT seq FROM sqlite_sequence WHERE name = 'lex_log') - ?").run(LOG_KEEP);
  }
}
