import type { Embedder } from '../../src/memory/embedder.js';
import { STOP_WORDS, words } from '../../src/memory/lexical/analyze.js';
import { addRow, type WordVectors } from './file.js';

/**
 * Sentence vectors as SIF-weighted averages of static word vectors (Arora, Liang & Ma, ICLR 2017:
 * weight a / (a + p(w)), a = 1e-3). p(w) comes either from the corpus being searched or, with no
 * corpus at hand (an `Embedder` sees one text at a time), from the word's frequency rank in the
 * vectors' own training corpus under Zipf's law: p(rank r) = 1 / ((r + 1) · H), H ≈ ln N + γ.
 */
export interface SifOptions {
  a?: number;
  /** p(w) of a word; default: Zipf over the vectors' frequency rank. */
  p?: (word: string, row: number) => number;
  /** Leave the query stop words (analyze.ts) out. */
  stopWords?: boolean;
}

export function sifVector(v: WordVectors, text: string, o: SifOptions = {}): Float64Array {
  const a = o.a ?? 1e-3;
  const h = Math.log(v.words.length) + 0.5772;
  const out = new Float64Array(v.dims);
  for (const w of words(text)) {
    if (o.stopWords && STOP_WORDS.has(w)) continue;
    const r = v.rowOf.get(w);
    if (r === undefined) continue;
    const p = o.p ? o.p(w, r) : 1 / ((r + 1) * h);
    addRow(v, r, a / (a + p), out);
  }
  return out;
}

/** The stateless (Zipf-p) SIF average as an in-process `Embedder`, for the store's hybrid path in the benches. */
export function createSifEmbedder(v: WordVectors): Embedder {
  return {
    modelId: `sif-word-vectors-${v.dims}d`,
    dimensions: v.dims,
    embed: (texts) => Promise.resolve(texts.map((t) => {
      const x = sifVector(v, t);
      // An all-zero vector (no known word) would be skipped by cosine anyway; a tiny constant keeps it valid.
      return x.some((y) => y !== 0) ? [...x] : Array.from({ length: v.dims }, () => 1e-6);
    })),
  };
}
