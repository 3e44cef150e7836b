import { proximityAt, proximityBonus } from './rerank.js';

/**
 * The re-rank stage the knowledge stores apply over their first-pass BM25 candidates: the
 * combination bench/lexical-techniques.ts kept because, together, it raised recall@10 on LoCoMo
 * and on the npm-docs set (neither neighbours nor document evidence did on the docs alone). The
 * weights are the single-technique rows' values, fixed before the combination was measured.
 *
 *   s1 = bm25 + proximity              (query-term pairs within PROXIMITY_WINDOW words)
 *   s2 = s1 + NEIGHBOUR_WEIGHT × max s1 of the adjacent chunks of the same document
 *   s3 = s2 + DOCUMENT_WEIGHT × max s2 over the candidates of the same document (itself included)
 *
 * Only candidates lend: a neighbour or a document's best passage outside the first pass adds
 * nothing, which is why the depth matters. Neighbours and document evidence need only each
 * candidate's document and position, so they are computed over a deep pool (CHEAP_DEPTH);
 * proximity, which needs the chunk's words, only over the top of that (RERANK_DEPTH). Both
 * depths' recall and cost are in bench/locomo.ts and bench/learning.ts.
 */
export const NEIGHBOUR_WEIGHT = 0.3;
export const DOCUMENT_WEIGHT = 0.3;
export const PROXIMITY_WEIGHT = 0.5;
export const PROXIMITY_WINDOW = 3;
/**
 * Proximity depth: the candidates (by the cheap score) whose text is read for proximity — the
 * depth bench/lexical-techniques.ts re-ranked at since its first run, or 4 × topK when more are
 * asked for. Proximity is the only signal that needs a chunk's words.
 */
export const RERANK_DEPTH = 100;
/**
 * First-pass depth: the BM25 candidates the cheap signals (neighbours, document evidence: each
 * needs only a candidate's document and position) are computed over. 1,000 is the depth a TREC
 * ad-hoc run is scored at, chosen before measuring; re-ranking only the top 100 cost LoCoMo
 * recall (a neighbour or a document's best passage outside the pool lends nothing).
 */
export const CHEAP_DEPTH = 1_000;

/** Candidates proximity is computed for (the top of the cheap ranking). */
export function rerankDepth(topK: number): number {
  return Math.max(RERANK_DEPTH, 4 * topK);
}

/** First-pass candidates the cheap signals see. */
export function firstPassDepth(topK: number): number {
  return Math.max(CHEAP_DEPTH, rerankDepth(topK));
}

export interface RerankCandidate {
  /** First-pass BM25 score. */
  score: number;
  /** The document (or session) the chunk belongs to. */
  group: string;
  /** The chunk's position in its document; order ± 1 are its neighbours. */
  order: number;
  /** The chunk's analysed body terms, in order (positions for proximity)… */
  terms?: readonly string[];
  /** …or, instead, the positions of the query terms it holds (analyze.ts wantedPositions). */
  positions?: ReadonlyMap<string, readonly number[]>;
}

export interface RerankWeights {
  neighbours: number;
  document: number;
  proximity: number;
  window: number;
}

export const RERANK_WEIGHTS: RerankWeights = { neighbours: NEIGHBOUR_WEIGHT, document: DOCUMENT_WEIGHT, proximity: PROXIMITY_WEIGHT, window: PROXIMITY_WINDOW };

/** What each part added to a candidate's final score (`lore search --explain`). */
export interface RerankParts {
  bm25: number;
  proximity: number;
  neighbour: number;
  document: number;
  score: number;
}

export interface RerankOptions {
  /** Proximity for the top this many by the cheap score only (default: every candidate). */
  proximityDepth?: number;
  /** The words of candidate i, when the candidate does not carry them (read lazily). */
  proximityOf?: (i: number) => Pick<RerankCandidate, 'terms' | 'positions'>;
  /**
   * Instead of proximityDepth: given every candidate in cheap-score order (ties in input order),
   * which ones get proximity — e.g. the first M a filter admits (the SQLite store's scope check).
   * Always called, so a caller may use it to read rows in that order.
   */
  proximityFor?: (cheapOrder: readonly number[]) => Iterable<number>;
}

/**
 * Each candidate's re-ranked score and its parts, in input order, and the order to rank them in:
 * final score descending, ties kept in input (first-pass) order, so the result is deterministic.
 * `query` carries the body query terms (stemmed) with their idf, as the first pass computed it.
 *
 * Two stages when `proximityDepth` is below the number of candidates: the cheap score (bm25 +
 * neighbours + document evidence, proximity 0) ranks every candidate; proximity is then computed
 * for its top `proximityDepth` only (`proximityOf(i)` supplies their words when the candidate does
 * not carry them), and the formula above is applied again with proximity 0 for the others. With
 * the whole list in reach of proximity it is exactly the one-stage formula.
 */
export function rerank(
  candidates: readonly RerankCandidate[],
  query: ReadonlyArray<{ term: string; idf: number }>,
  weights: RerankWeights = RERANK_WEIGHTS,
  options: RerankOptions = {},
): { parts: RerankParts[]; order: number[] } {
  const n = candidates.length;
  const depth = options.proximityDepth ?? n;
  const proxOf = (i: number) => {
    const c = options.proximityOf ? options.proximityOf(i) : candidates[i]!;
    return c.positions ? proximityAt(c.positions, query, weights.window, weights.proximity) : proximityBonus(c.terms ?? [], query, weights.window, weights.proximity);
  };
  const shape = layout(candidates);
  const prox = new Float64Array(n);
  const wanted = weights.proximity > 0 && query.length >= 2;
  if (options.proximityFor) {
    const chosen = options.proximityFor(rankOf(combine(candidates, shape, prox, weights)));
    if (wanted) for (const i of chosen) prox[i] = proxOf(i);
  } else if (wanted) {
    if (depth >= n) for (let i = 0; i < n; i++) prox[i] = proxOf(i);
    else if (depth > 0) {
      const cheap = combine(candidates, shape, prox, weights);
      for (const i of rankOf(cheap).slice(0, depth)) prox[i] = proxOf(i);
    }
  }
  const parts = combine(candidates, shape, prox, weights);
  return { parts, order: rankOf(parts) };
}

/**
 * Who lends to whom, computed once per re-rank with integers instead of string keys (1,000
 * candidates): each candidate's document number and its (document, position) slot, and each
 * slot's adjacent slots (position ± 1 in the same document), -1 when that position is no candidate.
 */
interface Layout {
  group: Int32Array;
  groups: number;
  slot: Int32Array;
  slots: number;
  prev: Int32Array;
  next: Int32Array;
}

function layout(candidates: readonly RerankCandidate[]): Layout {
  const n = candidates.length;
  const ids = new Map<string, number>();
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = candidates[i]!.group;
    let id = ids.get(g);
    if (id === undefined) ids.set(g, (id = ids.size));
    group[i] = id;
  }
  const byPlace = Array.from({ length: n }, (_, i) => i).sort((a, b) => group[a]! - group[b]! || candidates[a]!.order - candidates[b]!.order);
  const slot = new Int32Array(n);
  const prev = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  let slots = 0;
  for (let j = 0; j < n; j++) {
    const i = byPlace[j]!;
    const before = j > 0 ? byPlace[j - 1]! : -1;
    if (before >= 0 && group[before] === group[i] && candidates[before]!.order === candidates[i]!.order) {
      slot[i] = slot[before]!; // the same position twice: one slot, its best score lends
      continue;
    }
    slot[i] = slots;
    if (before >= 0 && group[before] === group[i] && candidates[before]!.order === candidates[i]!.order - 1) {
      prev[slots] = slot[before]!;
      next[slot[before]!] = slots;
    }
    slots++;
  }
  return { group, groups: ids.size, slot, slots, prev, next };
}

/** s1 = bm25 + proximity, s2 = s1 + neighbours × best adjacent s1, s3 = s2 + document × best s2 of the document. */
function combine(candidates: readonly RerankCandidate[], shape: Layout, prox: Float64Array, weights: RerankWeights): RerankParts[] {
  const n = candidates.length;
  const s1 = new Float64Array(n);
  const at = new Float64Array(shape.slots);
  for (let i = 0; i < n; i++) {
    s1[i] = candidates[i]!.score + prox[i]!;
    const k = shape.slot[i]!;
    at[k] = Math.max(at[k]!, s1[i]!);
  }
  const nb = new Float64Array(n);
  const s2 = new Float64Array(n);
  const best = new Float64Array(shape.groups);
  for (let i = 0; i < n; i++) {
    const k = shape.slot[i]!;
    const p = shape.prev[k]!;
    const q = shape.next[k]!;
    nb[i] = weights.neighbours * Math.max(p >= 0 ? at[p]! : 0, q >= 0 ? at[q]! : 0);
    s2[i] = s1[i]! + nb[i]!;
    const g = shape.group[i]!;
    best[g] = Math.max(best[g]!, s2[i]!);
  }
  const parts: RerankParts[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const document = weights.document * best[shape.group[i]!]!;
    parts[i] = { bm25: candidates[i]!.score, proximity: prox[i]!, neighbour: nb[i]!, document, score: s2[i]! + document };
  }
  return parts;
}

/** Indices by score descending, ties in input order. */
function rankOf(parts: readonly RerankParts[]): number[] {
  return parts.map((_, i) => i).sort((a, b) => parts[b]!.score - parts[a]!.score || a - b);
}
