import { keywords, isNumeric, overlap } from './text.js';
import type { ContextFact } from './context.js';
import { canonical } from './synonyms.js';

/**
 * Pick the context sentence that best answers a question: keyword overlap, discounted when the
 * block is marked superseded, nudged toward learnings and earlier retrieval ranks.
 */
export function bestFact(question: string, facts: ContextFact[]): ContextFact | null {
  const q = canonical(keywords(question.replace(INTERROGATIVE, '$1')));
  const qWords = [...q].filter((k) => !isNumeric(k));
  if (qWords.length === 0) return null;
  let best: { fact: ContextFact; score: number } | null = null;
  for (const f of facts) {
    const s = canonical(keywords(f.sentence));
    const hits = overlap(q, s);
    // A question in the context (a FAQ's "Q: …") asks; it answers nothing.
    if (hits === 0 || isTitle(f.sentence, s, q) || f.sentence.trim().endsWith('?')) continue;
    const coverage = hits / qWords.length;
    if (coverage < 0.34 && hits < 2) continue;
    let score = hits + coverage + kindBonus(question, f.sentence);
    // A stale sentence loses to a current one — unless its header names the learning that replaced
    // it: then it is a way to that learning (answerWith answers with it), as good as its words are.
    if (f.superseded && !f.newer) score *= 0.3;
    if (f.learned) score += 0.5;
    // "Order 88412 ships tomorrow" is about one order; a question that names no number asks about all.
    const one = INSTANCE.exec(f.sentence);
    if (one && !question.includes(one[1]!)) score *= 0.5;
    score -= f.rank * 0.01;
    if (!best || score > best.score) best = { fact: f, score };
  }
  return best?.fact ?? null;
}

const INSTANCE = /^(?:the\s+)?\p{L}[\p{L}-]*\s+(?:no\.?\s*|number\s+|#)?(\d[\d-]{2,})\s+\p{L}/iu;

/** "how long", "what time": the second word belongs to the question word, it names nothing the answer must say. */
const INTERROGATIVE = /\b(how|what)\s+(?:long|often|many|much|far|soon|fast|quickly|big|large|old|time|day|date)\b/gi;

/** The kind of value a question asks for, and whether a sentence holds one: a small tie-breaker. */
const DURATION = /\d\s*(?:ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|yrs?)\b|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several)\s+(?:business\s+|working\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)\b/i;
const FREQUENCY = /\b(?:every|each|per|once|twice|daily|weekly|monthly|yearly|annually|quarterly|nightly|hourly|times? a)\b/i;

const ASKS: Array<[RegExp, RegExp]> = [
  // A question for a length of time wants a duration, one for a frequency a rate: not a clock time.
  [/^\s*(?:for\s+)?how long\b/i, DURATION],
  [/^\s*how often\b/i, FREQUENCY],
  [/^\s*(?:when|what time|what day|until when|by when)\b/i, /\b\d{1,2}(?::\d{2})?\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i],
  [/^\s*who\b/i, /\b[A-Z][a-z]+ [A-Z][a-z]+\b/],
  [/^\s*how (?:many|much|fast|quickly)\b/i, /\d/],
];

function kindBonus(question: string, sentence: string): number {
  for (const [asks, holds] of ASKS) if (asks.test(question)) return holds.test(sentence) ? 0.3 : 0;
  return 0;
}

/**
 * A heading ("Customer service") echoed by the question: a few words, no sentence end, nothing the
 * question does not already say. It names the section, it answers nothing.
 */
function isTitle(sentence: string, words: Set<string>, question: Set<string>): boolean {
  return !/[.!?]\s*$/.test(sentence) && sentence.trim().split(/\s+/).length <= 4 && [...words].every((w) => question.has(w));
}
