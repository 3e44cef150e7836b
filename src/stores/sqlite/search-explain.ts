import type { SearchHit } from '../../memory/knowledge-store.js';
import type { SqliteDatabase } from './database.js';
import { queryTerms } from './fts-query.js';

/** One query term's share of a hit's BM25 score. */
export interface TermScore {
  term: string;
  /** Chunks in the whole index that contain the term (FTS5's document frequency; BM25's idf reads it). */
  df: number;
  /** This term's BM25 contribution to the hit (0 when the chunk does not contain it). */
  bm25: number;
}

export interface ExplainedHit {
  chunkId: string;
  /** Sum of the term contributions: the hit's BM25 score (its raw score when search is BM25 alone). */
  bm25: number;
  terms: TermScore[];
}

/**
 * Per-term BM25 for each hit, computed by FTS5 itself: BM25 over an OR of terms is the sum of each
 * term's contribution (same idf, same length normalisation), so bm25() of a one-term MATCH on the
 * hit's row is exactly that term's share. A few indexed queries per term and hit; for the CLI.
 */
export function explainTerms(db: SqliteDatabase, query: string, hits: SearchHit[], fromIndex?: Array<Array<{ term: string; df: number; bm25: number }>> | null): ExplainedHit[] {
  // The in-process index ranked: its own per-term scores are the ranking's exact parts.
  if (fromIndex) {
    return hits.map((h, i) => {
      const terms = fromIndex[i] ?? [];
      return { chunkId: h.chunkId, bm25: round(terms.reduce((n, t) => n + t.bm25, 0)), terms: terms.map((t) => ({ ...t, bm25: round(t.bm25) })) };
    });
  }
  const terms = queryTerms(query);
  const df = db.prepare('SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?').pluck();
  const one = db
    .prepare('SELECT -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH @q AND rowid = (SELECT seq FROM chunks WHERE id = @chunk)')
    .pluck();
  const dfs = new Map(terms.map((t) => [t, df.get(quote(t)) as number]));
  return hits.map((h) => {
    // undefined: the chunk lacks the term. A term in most chunks scores ~0 (FTS5 floors its idf) but is listed.
    const scored = terms.flatMap((term) => {
      const s = one.get({ q: quote(term), chunk: h.chunkId }) as number | undefined;
      return s === undefined ? [] : [{ term, df: dfs.get(term)!, bm25: s }];
    });
    return { chunkId: h.chunkId, bm25: round(scored.reduce((n, t) => n + t.bm25, 0)), terms: scored.map((t) => ({ ...t, bm25: round(t.bm25) })) };
  });
}

const quote = (t: string) => `"${t.replaceAll('"', '""')}"`;
const round = (x: number) => Math.round(x * 10_000) / 10_000;
