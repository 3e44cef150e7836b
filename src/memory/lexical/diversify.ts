/**
 * Result diversification over a ranked list, as pure functions: greedy re-selection of the top k
 * so that the results do not all come from one document (or session) or all answer the same part
 * of the question. Screened by bench/lexical-techniques.ts on both retrieval sets (a technique is
 * kept only if it raises recall@10 on both); parameters are the literature's, fixed beforehand.
 *
 * Each function takes candidates best first and returns indices into them: the first `k` chosen
 * greedily, then the rest in their input order, so nothing is dropped, only re-ordered.
 */

export interface DiversifyCandidate {
  score: number;
  /** The document (or session) the unit belongs to. */
  group: string;
  /** The query aspects (here: query terms) the unit covers. */
  covers?: ReadonlySet<string>;
}

/**
 * MMR (Carbonell & Goldstein 1998) with the similarity of two units taken as 1 when they share a
 * document and 0 otherwise: each pick maximises λ·rel − (1−λ)·max sim to those already picked,
 * rel being the score over the best score. λ = 0.5, the balanced setting.
 */
export function mmrByDocument(candidates: readonly DiversifyCandidate[], k: number, lambda = 0.5): number[] {
  const max = Math.max(0, ...candidates.map((c) => c.score));
  const rel = (i: number) => (max > 0 ? candidates[i]!.score / max : 0);
  const used = new Set<string>();
  return greedy(candidates.length, k, (i) => lambda * rel(i) - (1 - lambda) * (used.has(candidates[i]!.group) ? 1 : 0), (i) => used.add(candidates[i]!.group));
}

/**
 * xQuAD (Santos, Macdonald & Ounis 2010) with the query's terms as its aspects: each pick
 * maximises (1−λ)·P(d|q) + λ·Σ_t P(t|q)·P(d|t)·Π_{s picked}(1 − P(s|t)), with P(d|q) the score
 * over the best score, P(t|q) the term's share of the query's idf, P(d|t) 1 when the unit holds
 * the term. A unit covering a term no pick covers yet gains; λ = 0.5.
 */
export function xquadByTerms(candidates: readonly DiversifyCandidate[], aspects: ReadonlyArray<{ term: string; idf: number }>, k: number, lambda = 0.5): number[] {
  const max = Math.max(0, ...candidates.map((c) => c.score));
  const total = aspects.reduce((s, a) => s + Math.max(0, a.idf), 0);
  const weight = new Map(aspects.map((a) => [a.term, total > 0 ? Math.max(0, a.idf) / total : 0]));
  const uncovered = new Map([...weight.keys()].map((t) => [t, 1]));
  const gain = (i: number) => {
    let g = 0;
    for (const t of candidates[i]!.covers ?? []) g += (weight.get(t) ?? 0) * (uncovered.get(t) ?? 0);
    return g;
  };
  return greedy(candidates.length, k, (i) => (1 - lambda) * (max > 0 ? candidates[i]!.score / max : 0) + lambda * gain(i), (i) => {
    for (const t of candidates[i]!.covers ?? []) if (uncovered.has(t)) uncovered.set(t, 0);
  });
}

/**
 * Host crowding as web search engines apply it: at most `perGroup` units of one document in the
 * top k; the others move below it, in order.
 */
export function crowdByDocument(candidates: readonly DiversifyCandidate[], k: number, perGroup = 2): number[] {
  const count = new Map<string, number>();
  const first: number[] = [];
  const later: number[] = [];
  candidates.forEach((c, i) => {
    const n = count.get(c.group) ?? 0;
    if (first.length < k && n < perGroup) {
      first.push(i);
      count.set(c.group, n + 1);
    } else later.push(i);
  });
  return [...first, ...later];
}

/** Greedy selection of k indices by `value` (ties: earlier index), then the rest in input order. */
function greedy(n: number, k: number, value: (i: number) => number, pick: (i: number) => void): number[] {
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  for (let r = 0; r < Math.min(k, n); r++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const v = value(i);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    taken[best] = 1;
    chosen.push(best);
    pick(best);
  }
  for (let i = 0; i < n; i++) if (!taken[i]) chosen.push(i);
  return chosen;
}
