import { STOP_WORDS } from './analyze.js';
import type { WeightedTerm } from './inverted-index.js';

/**
 * Ranking techniques on top of BM25, as pure functions over candidates a first pass returned, so
 * any store that ranks in process can use them. Which ones the SQLite store applies, and why the
 * others are not used, is measured by bench/lexical-techniques.ts on two retrieval sets.
 */

/**
 * RM3 pseudo-relevance feedback (Lavrenko & Croft; Anserini's defaults: 10 feedback documents, 10
 * terms, original query weight 0.5): the terms most likely under the top documents' language
 * model, weighted by each document's share of the first-pass score, are added to the query.
 */
export function rm3(
  query: readonly WeightedTerm[],
  feedback: ReadonlyArray<{ score: number; terms: readonly string[] }>,
  options: { terms?: number; originalWeight?: number } = {},
): WeightedTerm[] {
  const fbTerms = options.terms ?? 10;
  const alpha = options.originalWeight ?? 0.5;
  const total = feedback.reduce((s, d) => s + d.score, 0);
  if (total <= 0 || query.length === 0) return [...query];
  const rel = new Map<string, number>();
  for (const d of feedback) {
    if (d.terms.length === 0) continue;
    const w = d.score / total / d.terms.length;
    for (const t of d.terms) if (t.length > 1 && !STOP_WORDS.has(t) && !/^\d+$/.test(t)) rel.set(t, (rel.get(t) ?? 0) + w);
  }
  const top = [...rel].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, fbTerms);
  const sum = top.reduce((s, [, v]) => s + v, 0);
  const qsum = query.reduce((s, q) => s + q.weight, 0);
  const out = new Map<string, number>();
  for (const q of query) out.set(q.term, alpha * (q.weight / qsum));
  for (const [t, v] of top) out.set(t, (out.get(t) ?? 0) + (1 - alpha) * (v / sum));
  return [...out].map(([term, weight]) => ({ term, weight }));
}

/**
 * Proximity: a bonus for pairs of query terms that occur within `window` positions of each other
 * in the candidate (a soft phrase match), worth the rarer term's idf times `weight`.
 */
export function proximityBonus(terms: readonly string[], query: ReadonlyArray<{ term: string; idf: number }>, window = 3, weight = 0.5): number {
  if (query.length < 2) return 0;
  const at = new Map<string, number[]>();
  const wanted = new Set(query.map((q) => q.term));
  terms.forEach((t, i) => {
    if (wanted.has(t)) (at.get(t) ?? at.set(t, []).get(t)!).push(i);
  });
  return proximityAt(at, query, window, weight);
}

/** proximityBonus from each query term's positions (ascending) in the candidate. */
export function proximityAt(at: ReadonlyMap<string, readonly number[]>, query: ReadonlyArray<{ term: string; idf: number }>, window = 3, weight = 0.5): number {
  if (query.length < 2 || at.size < 2) return 0;
  let bonus = 0;
  for (let i = 0; i < query.length; i++) {
    const a = at.get(query[i]!.term);
    if (!a) continue;
    for (let j = i + 1; j < query.length; j++) {
      const b = at.get(query[j]!.term);
      if (!b) continue;
      if (minDistance(a, b) <= window) bonus += weight * Math.min(query[i]!.idf, query[j]!.idf);
    }
  }
  return bonus;
}

function minDistance(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let best = Infinity;
  while (i < a.length && j < b.length) {
    best = Math.min(best, Math.abs(a[i]! - b[j]!));
    if (a[i]! < b[j]!) i++;
    else j++;
  }
  return best;
}

/**
 * Neighbour expansion as score smoothing: a candidate gains `weight` times the better of its two
 * neighbours' scores (the adjacent chunk or turn of the same document or session), so a passage
 * whose context matches the question rises, while each result stays one unit.
 */
export function smoothWithNeighbours<T>(scores: ReadonlyMap<T, number>, neighbours: (id: T) => readonly T[], weight = 0.3): Map<T, number> {
  const out = new Map<T, number>();
  for (const [id, s] of scores) {
    let best = 0;
    for (const n of neighbours(id)) best = Math.max(best, scores.get(n) ?? 0);
    out.set(id, s + weight * best);
  }
  return out;
}

/**
 * Document-level evidence (Callan 1994, passage retrieval): a candidate gains `weight` times the
 * best score among the candidates of its own document or session, so passages of the document
 * that matches the question best rise together.
 */
export function boostByGroup<T>(scores: ReadonlyMap<T, number>, group: (id: T) => string, weight = 0.3): Map<T, number> {
  const best = new Map<string, number>();
  for (const [id, s] of scores) best.set(group(id), Math.max(best.get(group(id)) ?? 0, s));
  return new Map([...scores].map(([id, s]) => [id, s + weight * best.get(group(id))!]));
}

const WHEN = /\b(when|what (?:year|month|day|date|time)|how long ago|since (?:which|what) (?:version|release)|which (?:year|release|version))\b/i;
const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DATED = new RegExp(
  `\\b((?:19|20)\\d\\d|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})|(?:${MONTHS})\\s+\\d{1,2}|yesterday|today|tomorrow|tonight|last (?:week|month|year|night|weekend|summer|winter|spring|fall)|next (?:week|month|year)|(?:weeks?|months?|years?|days?) ago|v?\\d+\\.\\d+(?:\\.\\d+)?)\\b`,
  'i',
);

/** Whether a question asks for a time ("when …", "what year …", "since which version …"). */
export function asksWhen(question: string): boolean {
  return WHEN.test(question);
}

/** Whether a passage states a time: a year, a date, a relative time ("last week") or a version. */
export function statesTime(text: string): boolean {
  return DATED.test(text);
}
