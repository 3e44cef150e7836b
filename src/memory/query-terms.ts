/**
 * The terms of a free-text search query, shared by every knowledge adapter so they match on the
 * same words: letter/digit runs (NFKC, lower-cased), stop-words dropped, at most MAX_TERMS.
 */

/**
 * Question words and glue that would otherwise match nearly every chunk, plus the fragments the
 * tokenizer cuts from contractions and possessives ("what's" → what + s, "don't" → don + t).
 */
const STOP_WORDS = new Set(
  `s t d ll m re ve
  a about above after again all also am an and any are as at be been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her
  here hers him his how i if in into is it its itself just me more most my no nor not of off on once
  only or other our ours out over own please same she should so some such tell than that the their
  theirs them then there these they this those through to too under until up very was we were what
  when where which while who whom why will with would you your yours`.split(/\s+/),
);

/** Bound on terms per query: keeps a pasted essay from becoming a thousand-way OR. */
const MAX_TERMS = 32;

export function queryTerms(text: string): string[] {
  const words = (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length <= 64);
  const unique = [...new Set(words)];
  const content = unique.filter((w) => !STOP_WORDS.has(w));
  // A query of nothing but stop-words ("who are you") still deserves an attempt.
  return (content.length > 0 ? content : unique).slice(0, MAX_TERMS);
}
