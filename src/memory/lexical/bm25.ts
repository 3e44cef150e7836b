/**
 * Okapi BM25 as SQLite FTS5's bm25() computes it (k1 = 1.2, b = 0.75, idf = ln((N − df + 0.5) /
 * (df + 0.5)) floored at 1e-6 so a term in most documents still counts a little), as pure
 * functions: the in-process index, the brute-force reference in its tests and any store that
 * ranks in process share one definition.
 */
export const K1 = 1.2;
export const B = 0.75;

/**
 * 'fts5': ln((N − df + 0.5) / (df + 0.5)), floored at 1e-6 (a term in half the documents counts
 * for almost nothing). 'lucene': ln(1 + (N − df + 0.5) / (df + 0.5)), Lucene's BM25Similarity,
 * always positive, so a common but wanted word (a speaker's name) still adds a little.
 */
export type IdfFlavour = 'fts5' | 'lucene';

export function idf(n: number, df: number, flavour: IdfFlavour = 'fts5'): number {
  if (flavour === 'lucene') return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const v = Math.log((n - df + 0.5) / (df + 0.5));
  return v > 0 ? v : 1e-6;
}

/** The length-normalised term-frequency factor; increasing in tf, decreasing in dl. */
export function tfNorm(tf: number, dl: number, avgdl: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * dl) / (avgdl > 0 ? avgdl : 1)));
}

/** One term's contribution to a document's score. */
export function termScore(idfValue: number, tf: number, dl: number, avgdl: number): number {
  return tf > 0 ? idfValue * tfNorm(tf, dl, avgdl) : 0;
}

/** Term counts of a document's terms. */
export function termFrequencies(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/**
 * Exact BM25 of every document against a weighted query, best first (ties: lower index first).
 * O(total terms): the reference the index is tested against, and fine for a few thousand chunks.
 */
export function bruteForceBm25(docs: ReadonlyArray<readonly string[]>, query: ReadonlyArray<{ term: string; weight: number }>, k: number, flavour: IdfFlavour = 'fts5'): Array<{ doc: number; score: number }> {
  const n = docs.length;
  const tfs = docs.map(termFrequencies);
  const avgdl = n > 0 ? docs.reduce((s, d) => s + d.length, 0) / n : 0;
  const idfs = query.map((q) => idf(n, tfs.filter((tf) => tf.has(q.term)).length, flavour));
  const scored: Array<{ doc: number; score: number }> = [];
  tfs.forEach((tf, doc) => {
    let score = 0;
    let matched = false;
    query.forEach((q, i) => {
      const f = tf.get(q.term);
      if (f) {
        matched = true;
        score += q.weight * termScore(idfs[i]!, f, docs[doc]!.length, avgdl);
      }
    });
    if (matched) scored.push({ doc, score });
  });
  return scored.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
}
