import { estimateTokens } from '../util/tokens.js';
import type { SearchHit } from './knowledge-store.js';

/**
 * How much knowledge a question gets. A question that joins several things ("X and Y", "compare",
 * "between", several named entities) usually needs facts from several chunks (multi-hop), so it
 * asks the index for more candidates — and, to stay within the same token budget, each of them gets
 * a smaller share, trimmed if needed. A simple lookup keeps the configured top-k.
 *
 * The rule (documented in the README, "Retrieval"): complexity = number of signals among
 *   - each conjunction joining clauses or names (`and`, `or`, `as well as`, `vs`, `versus`) — at most 2
 *   - a comparison word (`compare`, `difference`, `between`, `both`, `than`, `which of`)
 *   - more than one question mark
 *   - two or more distinct capitalised names after the first word
 * capped at 3; topK grows by half the configured topK per signal (at most 2.5×, at most 50).
 */
export interface RetrievalPlan {
  /** Candidates asked of the index. */
  topK: number;
  /** Token budget of the whole `<semantic_memory>` block (0 = unbounded). */
  budgetTokens: number;
  /** Upper bound per chunk, so several hops fit the budget (0 = unbounded). */
  perChunkTokens: number;
  complexity: number;
}

const CONJUNCTION = /\b(?:and|or|as well as|vs\.?|versus)\b/gi;
const COMPARISON = /\b(?:compare[ds]?|comparison|difference|differ|between|both|than|which of)\b/i;

export function questionComplexity(question: string): number {
  let n = Math.min(2, (question.match(CONJUNCTION) ?? []).length);
  if (COMPARISON.test(question)) n += 1;
  if ((question.match(/\?/g) ?? []).length > 1) n += 1;
  const names = new Set((question.trim().split(/\s+/).slice(1).join(' ').match(/\b[A-Z][\p{L}0-9-]+/gu) ?? []).filter((w) => !/^(?:I|I'm|What|Who|When|Where|Which|How|Why)$/.test(w)));
  if (names.size >= 2) n += 1;
  return Math.min(3, n);
}

export function planRetrieval(question: string, opts: { topK: number; contextTokens: number }): RetrievalPlan {
  const complexity = questionComplexity(question);
  const topK = Math.min(50, opts.topK + Math.ceil((opts.topK / 2) * complexity));
  const budgetTokens = Math.max(0, opts.contextTokens);
  // A simple question lets one chunk use the whole budget; a multi-hop one shares it among its hops.
  const perChunkTokens = budgetTokens === 0 || complexity === 0 ? budgetTokens : Math.max(48, Math.floor(budgetTokens / topK));
  return { topK, budgetTokens, perChunkTokens, complexity };
}

/**
 * Hits in rank order until the budget is spent: each is trimmed to perChunkTokens (on a word
 * boundary, marked with `…`), and the last one is trimmed to what remains when at least 32 tokens
 * do. The first hit is always kept (trimmed) so a small budget never empties the context.
 */
export function fitToBudget(hits: SearchHit[], plan: Pick<RetrievalPlan, 'budgetTokens' | 'perChunkTokens'>): SearchHit[] {
  if (plan.budgetTokens === 0) return hits;
  const out: SearchHit[] = [];
  let left = plan.budgetTokens;
  for (const h of hits) {
    const cap = Math.min(plan.perChunkTokens || left, left);
    if (cap < 32 && out.length > 0) break;
    const text = trimToTokens(h.text, Math.max(cap, 32));
    out.push(text === h.text ? h : { ...h, text });
    left -= estimateTokens(text);
    if (left <= 0) break;
  }
  return out;
}

function trimToTokens(text: string, max: number): string {
  if (estimateTokens(text) <= max) return text;
  const words = text.split(/(\s+)/);
  let out = '';
  for (const w of words) {
    if (estimateTokens(out + w + ' …') > max) break;
    out += w;
  }
  return `${out.trimEnd()} …`;
}
