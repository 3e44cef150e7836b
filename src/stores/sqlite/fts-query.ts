/**
 * Turning free text into an FTS5 MATCH expression that can never be a syntax error: the text is
 * reduced to letter/digit runs, each is double-quoted (so AND, OR, NEAR, *, ^, : and parentheses
 * are just words or gone), and the terms are OR-ed so any overlap scores and BM25 does the ranking.
 */

import { queryTerms } from '../../memory/query-terms.js';

export { queryTerms };

/** The MATCH expression, or null when the text holds no searchable term. */
export function buildFtsQuery(text: string): string | null {
  const terms = queryTerms(text);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}
