import { keywords, overlap } from './text.js';

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

export { decideMemory } from './memory.js';
