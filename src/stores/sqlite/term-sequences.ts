import { analyze, wantedPositions } from '../../memory/lexical/analyze.js';
import type { InvertedIndex } from '../../memory/lexical/inverted-index.js';

/** Tokens kept by default: 16 MiB of term ids, about 10k chunks of 512 tokens. */
export const TERM_SEQUENCE_BUDGET = 4_000_000;
/** Chunks remembered as seen once (admission); the set starts over when it reaches this. */
const SEEN_LIMIT = 200_000;
/** Chunks analysed for the cache per search at most: bounds what a search of new ground pays. */
const ADMISSIONS_PER_SEARCH = 8;

/**
 * Each recently re-ranked chunk's body as the sequence of its analysed terms (analyze(text)), as
 * ids of the in-process index's dictionary, so proximity over a chunk a search has seen before
 * needs neither its text nor a scan of it: the index keeps no positions, and re-analysing ~80
 * candidate texts per search was half the re-rank's cost. Bounded (least recently used dropped
 * first); the owner (LexicalIndex) forgets a chunk whenever its row changes, so an entry always
 * describes the text the index holds for that seq. A chunk is admitted on its second miss: the
 * full analysis a cache entry needs costs several times the scan one search needs
 * (wantedPositions), so chunks met once (most candidates of a large corpus) are only scanned,
 * and at most ADMISSIONS_PER_SEARCH per search (see beginSearch), so a search over new ground
 * costs about what a scan-only search costs while the chunks that keep coming back get cached.
 */
export class TermSequences {
  private readonly seqs = new Map<number, Int32Array>();
  private readonly seen = new Set<number>();
  private tokens = 0;
  private admissions = 0;

  constructor(private readonly budget = TERM_SEQUENCE_BUDGET) {}

  /** The chunk's term ids in order; `text` is asked for on a miss only. */
  get(seq: number, index: InvertedIndex, text: () => string): Int32Array {
    const hit = this.seqs.get(seq);
    if (hit) {
      // Re-insert: Map order is the recency order eviction walks.
      this.seqs.delete(seq);
      this.seqs.set(seq, hit);
      return hit;
    }
    const ids = index.termIdsOf(analyze(text()));
    if (ids.length > this.budget) return ids;
    this.tokens += ids.length;
    for (const [old, v] of this.seqs) {
      if (this.tokens <= this.budget) break;
      this.seqs.delete(old);
      this.tokens -= v.length;
    }
    this.seqs.set(seq, ids);
    return ids;
  }

  /** Called once per search: resets its admission allowance. */
  beginSearch(): void {
    this.admissions = ADMISSIONS_PER_SEARCH;
  }

  /**
   * The positions of the query terms (`terms`, their ids `ids`) in the chunk, as wantedPositions
   * gives them for its text; `text` is asked for on a miss only.
   */
  positions(seq: number, index: InvertedIndex, terms: readonly string[], ids: Int32Array, text: () => string): Map<string, number[]> {
    if (this.seqs.has(seq)) return positionsIn(this.get(seq, index, text), ids, terms);
    if (this.seen.has(seq) && this.admissions > 0) {
      this.admissions--;
      this.seen.delete(seq);
      return positionsIn(this.get(seq, index, text), ids, terms);
    }
    if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
    this.seen.add(seq);
    return wantedPositions(text(), new Set(terms));
  }

  forget(seq: number): void {
    this.seen.delete(seq);
    const v = this.seqs.get(seq);
    if (!v) return;
    this.seqs.delete(seq);
    this.tokens -= v.length;
  }

  clear(): void {
    this.seen.clear();
    this.seqs.clear();
    this.tokens = 0;
  }

  get size(): number {
    return this.seqs.size;
  }
}

/**
 * Positions of the query terms (ids `wanted`, -1 for a term the index lacks) in a term sequence:
 * what analyze.ts wantedPositions gives for the chunk's text, keyed by term.
 */
export function positionsIn(seq: Int32Array, wanted: Int32Array, terms: readonly string[]): Map<string, number[]> {
  const lists: Array<number[] | undefined> = new Array(wanted.length);
  const k = wanted.length;
  for (let p = 0; p < seq.length; p++) {
    const v = seq[p]!;
    if (v < 0) continue;
    for (let s = 0; s < k; s++) {
      if (wanted[s] === v) {
        (lists[s] ??= []).push(p);
        break;
      }
    }
  }
  const at = new Map<string, number[]>();
  for (let s = 0; s < k; s++) if (lists[s]) at.set(terms[s]!, lists[s]!);
  return at;
}
