import { isQuestion } from '../../learning/claims.js';
import { hedged } from './learn.js';
import { DECIDED, isRequest, isSpeakerAttribute, OUR_ACCOUNT, REACH_ME } from './personal.js';
import { keywords, sentences } from './text.js';

/**
 * The offline model's long-term-memory side tasks, recognised by their instructions as an LLM
 * would: the extractive session summary, and "is this fact about the user or about the world".
 */

export function isSummaryTask(system: string): boolean {
  return /PREVIOUS SUMMARY/.test(system) && /NEW TURNS/.test(system) && /"summary"/.test(system);
}

const FILLER = /^(hi|hello|hey|thanks|thank you|ok|okay|great|cool|sure|bye|good (morning|afternoon|evening))\b/i;
/** Runtime notices and the model's own stock replies carry nothing worth keeping. */
const STOCK = /^(got it|you're welcome|i don't have information|hello!|sorry|\(?remembered|noted|held for review|\(source:)/i;

/** What a sentence tells: its content words, with numbers and names — what recall needs — weighing double. */
function termsOf(s: string): Map<string, number> {
  const names = new Set((s.slice(1).match(/\b[A-Z][\p{L}\d-]+/gu) ?? []).map((n) => n.toLowerCase()));
  const terms = new Map<string, number>();
  for (const k of keywords(s)) terms.set(k, /\d/.test(k) || names.has(k) ? 2 : 1);
  return terms;
}

/**
 * Extractive and deterministic: the previous summary's sentences, then the statements the user
 * made in the new turns (questions, requests, wishes and guesses, greetings and stock replies
 * dropped), de-duplicated. Within
 * the word budget, sentences are picked greedily by what they add that the picked ones do not
 * already say (twenty sentences of one template count little more than one), older first among
 * equals; the picked ones keep their original order.
 */
export function summarise(user: string, system: string): string {
  const maxWords = Number(/at most (\d+) words/i.exec(system)?.[1] ?? 150);
  const previous = /PREVIOUS SUMMARY:\n([\s\S]*?)\n\nNEW TURNS:/.exec(user)?.[1]?.trim() ?? '';
  const turns = /NEW TURNS:\n([\s\S]*)$/.exec(user)?.[1] ?? '';
  const candidates: string[] = previous && previous !== '(none)' ? sentences(previous) : [];
  for (const line of turns.split('\n')) {
    const m = /^(user|assistant):\s*(.*)$/.exec(line.trim());
    if (!m || m[1] !== 'user') continue;
    for (const s of sentences(m[2]!)) {
      // What the user asked or asked for is not something they told: "Look up order A-7" kept as
      // a summary sentence would later be read back as the answer to that very request. A wish or
      // a guess ("it would be great if lunch ran until 15:00") would be read back as the fact.
      if (isQuestion(s) || isRequest(s) || (hedged(s) && !DECIDED.test(s)) || FILLER.test(s) || STOCK.test(s) || s.split(/\s+/).length < 3) continue;
      candidates.push(/[.!]$/.test(s) ? s : `${s}.`);
    }
  }
  const seen = new Set<string>();
  const unique = candidates.filter((s) => {
    const k = s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const pool = unique.map((s, i) => ({ s, i, terms: termsOf(s), words: s.split(/\s+/).length }));
  const said = new Set<string>();
  const kept: typeof pool = [];
  let total = 0;
  for (;;) {
    let best: { c: (typeof pool)[number]; gain: number } | null = null;
    for (const c of pool) {
      if (total + c.words > maxWords) continue;
      let gain = 0;
      for (const [t, w] of c.terms) if (!said.has(t)) gain += w;
      if (gain > 0 && (!best || gain > best.gain)) best = { c, gain };
    }
    if (!best) break;
    kept.push(best.c);
    total += best.c.words;
    for (const t of best.c.terms.keys()) said.add(t);
    pool.splice(pool.indexOf(best.c), 1);
  }
  return JSON.stringify({ summary: kept.sort((a, b) => a.i - b.i).map((r) => r.s).join(' ') });
}

export function isAboutTask(system: string): boolean {
  return /about the user/i.test(system) && /about the world/i.test(system) && /json/i.test(system);
}

/** First-person statements about the speaker ("I prefer…", "my team…", "I'm on…") are about the user. */
const FIRST_PERSON = /^(?:(?:actually|also|and|btw|fyi|note|please remember|remember)[,:]?\s+)?(?:that\s+)?(?:i|i'm|i’m|i am|i've|i’ve|i'd|i’d|i'll|my|mine|me)\b/i;

/**
 * "I changed / we moved / I've raised …" reports a change the speaker made to the world (a setting,
 * a system, a process): it is about that thing, not about the speaker, even in the first person.
 */
const ACTS_ON_WORLD = /^(?:(?:actually|also|and|btw|fyi|note|please remember|remember)[,:]?\s+)?(?:that\s+)?(?:i|i've|i’ve|i have|i just|i've just)\s+(?:just\s+)?(?:changed|moved|raised|lowered|set|reset|updated|switched|renamed|increased|decreased|reduced|upgraded|downgraded|migrated|replaced|extended|shortened|bumped|deployed|configured|added|removed|created|deleted|disabled|enabled|rotated|scheduled|rescheduled|reassigned|merged|released|published|turned)\b/i;

export function classifyAbout(user: string): string {
  const fact = /statement:\s*([\s\S]*)$/i.exec(user)?.[1]?.trim() ?? user.trim();
  const first = sentences(fact)[0] ?? fact;
  const speaker =
    (FIRST_PERSON.test(fact) && !ACTS_ON_WORLD.test(fact)) || REACH_ME.test(fact) || OUR_ACCOUNT.test(fact) || isSpeakerAttribute(first) || DECIDED.test(fact);
  return JSON.stringify({ about: speaker ? 'user' : 'world' });
}
