import { content, sentenceCase, tokens, type Token } from './facts.js';

/**
 * How a statement's wording meets an existing sentence's, for the memory decision (memory.ts): the
 * clauses of a compound sentence, a word the statement denies, a one-letter slip in a subject word.
 * General English patterns; nothing here knows a scenario.
 */

const stems = (ts: Token[]) => new Set(ts.map((t) => t.stem));

/**
 * The two clauses of a compound sentence with a subject each ("The clinic opens at 8:00 and the
 * pharmacy opens at 9:00."), each with a way to put a rewritten clause back into the sentence: a
 * correction of one clause keeps the other.
 */
export function clauses(sentence: string): Array<readonly [string, (t: string) => string]> {
  const m = /^(.+?),?\s+and\s+((?:the|our|a|an|its|their)\s.+)$/i.exec(sentence);
  if (!m) return [];
  const [left, right] = [m[1]!, m[2]!];
  if (content(tokens(left)).length < 3 || content(tokens(right)).length < 3) return [];
  const rest = sentence.slice(left.length);
  const prefix = sentence.slice(0, sentence.length - right.length);
  const bare = (t: string) => t.replace(/[.!]+$/, '');
  return [
    [left, (t: string) => sentenceCase(bare(t) + rest)] as const,
    [right, (t: string) => sentenceCase(prefix + (/^\p{Ll}/u.test(right) ? t[0]!.toLowerCase() + t.slice(1) : t))] as const,
  ];
}

/** A negation or a verb of ending, then within three words a word of the sentence (`words`). */
export function deniesWord(fact: string, words: Token[]): boolean {
  if (!words.length) return false;
  const want = stems(words);
  const all = tokens(fact);
  for (const m of fact.matchAll(/\b(?:no longer|not|never|no more|isn't|aren't|doesn't|don't|won't|(?:stopp|discontinu|dropp|cancell?|end)(?:ed|s))\b/gi)) {
    const after = all.filter((t) => t.start >= m.index! + m[0].length).slice(0, 3);
    if (after.some((t) => want.has(t.stem))) return true;
  }
  return false;
}

/** A plain word one slip away from a word of the other statement ("custmer" / "customer"): a typo, not another subject. */
export function misspelt(t: Token, other: Set<string>): boolean {
  if (t.value || t.stem.length < 5) return false;
  for (const o of other) if (o.length >= 5 && Math.abs(o.length - t.stem.length) <= 1 && editDistance(o, t.stem) <= 1) return true;
  return false;
}

/** Levenshtein distance with adjacent swaps counted as one edit ("teh" / "the"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
