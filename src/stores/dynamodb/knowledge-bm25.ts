import { stemmer } from 'stemmer';
import { queryTerms } from '../../memory/query-terms.js';

/**
 * BM25 in process, scoring as SQLite's FTS5 does with `tokenize = 'porter unicode61'` so the
 * DynamoDB knowledge store ranks like the SQLite one: the same tokens (letter/digit runs,
 * lower-cased, diacritics removed, Porter-stemmed), the same query terms (fts-query's stop words
 * and bounds) and FTS5's formula (k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)), at
 * least 1e-6). Raw scores are FTS5's -bm25(), so higher is better.
 */

const K1 = 1.2;
const B = 0.75;
/** FTS5's porter tokenizer leaves shorter and longer tokens as they are. */
const MIN_STEM = 3;
const MAX_STEM = 64;

/** unicode61 (remove_diacritics) then porter, as FTS5 tokenizes both the text and a quoted query term. */
export function tokenize(text: string): string[] {
  const words = text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.map(stem);
}

function stem(w: string): string {
  return w.length >= MIN_STEM && w.length <= MAX_STEM && /^[a-z]+$/.test(w) ? stemmer(w) : w;
}

/**
 * The stemmed query terms; empty when the text holds nothing searchable. Not deduplicated after
 * stemming: FTS5 scores "running" OR "runs" as two phrases that both match `run`.
 */
export function bm25QueryTerms(query: string): string[] {
  return queryTerms(query).flatMap(tokenize);
}

interface Entry {
  tf: Map<string, number>;
  length: number;
}

/** An inverted index over a set of rows (chunks), rebuilt or patched as the rows change. */
export class Bm25Index<K> {
  private readonly rows = new Map<K, Entry>();
  private readonly postings = new Map<string, Set<K>>();
  private totalLength = 0;

  get size(): number {
    return this.rows.size;
  }

  /** Rows holding the term. */
  df(term: string): number {
    return this.postings.get(term)?.size ?? 0;
  }

  /** FTS5's idf of a term over these rows (what search() weighs it by). */
  idf(term: string): number {
    const n = this.rows.size;
    const df = this.df(term);
    const v = Math.log((n - df + 0.5) / (df + 0.5));
    return v > 0 ? v : 1e-6;
  }

  add(key: K, text: string): void {
    if (this.rows.has(key)) this.remove(key);
    const tokens = tokenize(text);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    this.rows.set(key, { tf, length: tokens.length });
    this.totalLength += tokens.length;
    for (const t of tf.keys()) {
      let set = this.postings.get(t);
      if (!set) this.postings.set(t, (set = new Set()));
      set.add(key);
    }
  }

  remove(key: K): void {
    const e = this.rows.get(key);
    if (!e) return;
    this.rows.delete(key);
    this.totalLength -= e.length;
    for (const t of e.tf.keys()) {
      const set = this.postings.get(t);
      set?.delete(key);
      if (set?.size === 0) this.postings.delete(t);
    }
  }

  /** How many of the distinct terms the row holds (the re-rank tokenizes only rows with two). */
  holds(key: K, terms: ReadonlySet<string>): number {
    const tf = this.rows.get(key)?.tf;
    if (!tf) return 0;
    let n = 0;
    for (const t of terms) if (tf.has(t)) n++;
    return n;
  }

  /** Every row matching any term, with its score, best first (ties in insertion order). */
  search(terms: string[]): Array<{ key: K; score: number }> {
    const n = this.rows.size;
    if (n === 0 || terms.length === 0) return [];
    const avg = this.totalLength / n;
    const scores = new Map<K, number>();
    for (const term of terms) {
      const keys = this.postings.get(term);
      if (!keys) continue;
      const idf = this.idf(term);
      for (const key of keys) {
        const e = this.rows.get(key)!;
        const tf = e.tf.get(term)!;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * e.length) / avg));
        scores.set(key, (scores.get(key) ?? 0) + s);
      }
    }
    return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
  }
}
