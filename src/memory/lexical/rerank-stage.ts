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
 * nothing, which is why the depth matters (RERANK_DEPTH; its recall cost is in the bench).
 */
export const NEIGHBOUR_WEIGHT = 0.3;
export const DOCUMENT_WEIGHT = 0.3;
export const PROXIMITY_WEIGHT = 0.5;
export const PROXIMITY_WINDOW = 3;
/**
 * First-pass candidates re-ranked: the depth bench/lexical-techniques.ts re-ranks at (its top 100
 * since the first run), or 4 × topK when more are asked for. Re-ranking every match instead gains
 * LoCoMo recall (measured) at a cost that grows with the corpus; 50 loses docs recall.
 */
export const RERANK_DEPTH = 100;

export function rerankDepth(topK: number): number {
  return Math.max(RERANK_DEPTH, 4 * topK);
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

/**
 * Each candidate's re-ranked score and its parts, in input order, and the order to rank them in:
 * final score descending, ties kept in input (first-pass) order, so the result is deterministic.
 * `query` carries the body query terms (stemmed) with their idf, as the first pass computed it.
 */
export function rerank(
  candidates: readonly RerankCandidate[],
  query: ReadonlyArray<{ term: string; idf: number }>,
  weights: RerankWeights = RERANK_WEIGHTS,
): { parts: RerankParts[]; order: number[] } {
  const key = (group: string, order: number) => `${group}\u0000${order}`;
  const prox = candidates.map((c) =>
    weights.proximity > 0 ? (c.positions ? proximityAt(c.positions, query, weights.window, weights.proximity) : proximityBonus(c.terms ?? [], query, weights.window, weights.proximity)) : 0,
  );
  const s1 = candidates.map((c, i) => c.score + prox[i]!);
  const at = new Map<string, number>();
  candidates.forEach((c, i) => at.set(key(c.group, c.order), Math.max(at.get(key(c.group, c.order)) ?? 0, s1[i]!)));
  const nb = candidates.map((c) => weights.neighbours * Math.max(at.get(key(c.group, c.order - 1)) ?? 0, at.get(key(c.group, c.order + 1)) ?? 0));
  const s2 = s1.map((s, i) => s + nb[i]!);
  const best = new Map<string, number>();
  candidates.forEach((c, i) => best.set(c.group, Math.max(best.get(c.group) ?? 0, s2[i]!)));
  const parts = candidates.map((c, i) => {
    const document = weights.document * best.get(c.group)!;
    return { bm25: c.score, proximity: prox[i]!, neighbour: nb[i]!, document, score: s2[i]! + document };
  });
  const order = candidates.map((_, i) => i).sort((a, b) => parts[b]!.score - parts[a]!.score || a - b);
  return { parts, order };
}
