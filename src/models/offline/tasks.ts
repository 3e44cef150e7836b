import { isNumeric, keywords, numbers, overlap, sentences } from './text.js';

/**
 * Structured side tasks the product asks models to do (judge a reply, classify intent, decide a
 * memory update). The offline model recognises them by their instructions, as an LLM would.
 */

export function isJudgeTask(system: string): boolean {
  return /only\s+(?:a|the)\s+number/i.test(system) && /\brate\b|\bscore\b/i.test(system);
}

/** Deterministic quality guess: does the answer address the question's content words? */
export function judge(user: string): string {
  // Either tagged (<question>…</question>) or labelled ("Question: … Answer: …").
  const q = /<question>([\s\S]*?)<\/question>/i.exec(user)?.[1] ?? /question:?\s*([\s\S]*?)\n\s*(?:answer|response):?/i.exec(user)?.[1] ?? '';
  const a = /<answer>([\s\S]*?)<\/answer>/i.exec(user)?.[1] ?? /(?:answer|response):?\s*([\s\S]*)$/i.exec(user)?.[1] ?? user;
  if (!a.trim()) return '0.0';
  if (/i don't have information|could not complete|did not carry out|stopped after/i.test(a)) return '0.3';
  const qk = keywords(q);
  const ak = keywords(a);
  const cov = qk.size ? overlap(qk, ak) / qk.size : 0.5;
  const score = Math.min(1, 0.5 + cov * 0.5);
  return score.toFixed(2);
}

const INTENTS = ['question', 'task', 'feedback', 'clarification', 'chitchat'] as const;

export function isIntentTask(system: string): boolean {
  return /\bintent\b/i.test(system) && INTENTS.every((i) => system.toLowerCase().includes(i));
}

export function classifyIntent(message: string): string {
  const m = message.trim().toLowerCase();
  if (/^(hi|hello|hey|thanks|thank you|good (morning|afternoon|evening)|how are you)\b[\s!.?]*$/.test(m)) return 'chitchat';
  if (/\b(thumbs (up|down)|great answer|good answer|bad answer|wrong answer|that was (wrong|right|helpful|unhelpful)|not helpful)\b/.test(m)) return 'feedback';
  if (/^(what do you mean|can you clarify|i meant|i mean|to clarify|sorry,? i meant)\b/.test(m)) return 'clarification';
  if (/^(please\s+)?(issue|create|send|book|cancel|refund|delete|schedule|update the|set|add|remove|transfer|pay|order|run|deploy)\b/.test(m)) return 'task';
  return 'question';
}

export function isMemoryDecisionTask(system: string): boolean {
  return /\bADD\b/.test(system) && /\bUPDATE\b/.test(system) && /\bNOOP\b/.test(system) && /json/i.test(system);
}

interface Candidate {
  id: string;
  text: string;
}

/**
 * Words that say a value changed, or when, rather than what the fact is about ("the rate limit WAS
 * INCREASED to 500 LAST MONTH"): they never make two statements about different subjects.
 */
const CHANGE_WORDS = keywords(
  `now currently new newly updated update changed change increased increase decreased decrease raised
  raise lowered lower reduced bumped moved switched became become since ago recently today yesterday
  last this next week month year quarter sprint release actually correction instead anymore longer`,
);

/**
 * Two statements are about the same subject when they share at least two content words and
 * neither names something the other does not: "the Foo service's rate limit" and "the Bar
 * service's rate limit" share three words but each names its own service, so they are two facts.
 * A statement may leave out qualifiers the other has ("the rate limit" vs "the internal API rate
 * limit"), and words about the change itself do not count. Returns the shared fraction of the
 * smaller statement's words, or 0 when the subjects differ.
 */
function subjectOverlap(fact: Set<string>, stated: Set<string>): number {
  const shared = overlap(fact, stated);
  const share = shared / (Math.min(fact.size, stated.size) || 1);
  if (shared < 2 || share < 0.4) return 0;
  const onlyIn = (a: Set<string>, b: Set<string>) => [...a].some((w) => !b.has(w) && !CHANGE_WORDS.has(w));
  return onlyIn(fact, stated) && onlyIn(stated, fact) ? 0 : share;
}

/**
 * Mem0-style decision: NOOP when a candidate already states the fact, UPDATE when one is about the
 * same subject with different values, ADD otherwise. Candidates come as JSON lines in the request.
 */
export function decideMemory(user: string): string {
  const fact = /new fact:?\s*(.+)/i.exec(user)?.[1]?.trim() ?? '';
  const candidates: Candidate[] = [];
  for (const line of user.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const c = JSON.parse(t) as Candidate;
      if (c.id && typeof c.text === 'string') candidates.push(c);
    } catch {
      // not a candidate line
    }
  }
  const fk = keywords(fact);
  const fWords = new Set([...fk].filter((k) => !isNumeric(k)));
  const fNums = new Set(numbers(fact));
  let best: { id: string; event: 'UPDATE' | 'NOOP'; strength: number } | null = null;
  for (const c of candidates) {
    for (const s of sentences(c.text)) {
      const sk = keywords(s);
      const sWords = new Set([...sk].filter((k) => !isNumeric(k)));
      const strength = subjectOverlap(fWords, sWords);
      if (strength === 0) continue;
      const sNums = new Set(numbers(s));
      const sameNums = [...fNums].every((n) => sNums.has(n)) && [...sNums].every((n) => fNums.has(n));
      // Already known: the same numbers, and nearly the same words on both sides.
      const restated = sameNums && overlap(fWords, sWords) / Math.max(fWords.size, sWords.size, 1) >= 0.8;
      const event = restated ? 'NOOP' : fNums.size && sNums.size && !sameNums ? 'UPDATE' : null;
      if (!event) continue;
      if (!best || strength > best.strength) best = { id: c.id, event, strength };
    }
  }
  if (!best) return JSON.stringify({ event: 'ADD', text: fact, reason: 'no existing fact covers this' });
  if (best.event === 'NOOP') return JSON.stringify({ event: 'NOOP', id: best.id, reason: 'already known' });
  return JSON.stringify({ event: 'UPDATE', id: best.id, text: fact, reason: 'same subject, new value' });
}
