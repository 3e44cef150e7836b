import type { ContextFact } from './context.js';
import { stripLabel } from './facts.js';
import { kindsAsked, kindsStated } from './user-attributes.js';
import { keywords, overlap } from './text.js';
import { isUserVoice, toSecondPerson } from './voice.js';

/**
 * Questions about the asker themself, answered from what they said (their own memory, their past
 * sessions' summaries, this conversation) by meaning rather than shared words, as a model would:
 * "What pronouns should you use for me?" from "I go by they/them", "What do you know about me?"
 * from all of it, "What did we decide last week about the invoice?" from the session that was
 * about the invoice. Anything else is left to the word-overlap answer (answer.ts).
 */

const USER_FACTS = /^what the user told you about themself/i;

/** "What do you know / remember about me?" in the languages the offline model reads. */
const ABOUT_ME =
  /\b(?:what|anything|everything)\b.*\b(?:know|remember|recall|have (?:stored|saved|noted|on file)|keep)\b.*\b(?:about|of|on) (?:me|myself)\b|\bwhat have i told you\b|\btell me (?:what you know )?about (?:me|myself)\b|\bwas wei(?:ß|ss)t du (?:über mich|von mir)|\bque sais-tu (?:de|sur) moi\b|\bqu[’']est-ce que (?:tu sais|vous savez) (?:de|sur) moi\b|\bqu[eé] sabes (?:de|sobre) m[ií]\b|\bo que (?:você|voce|tu) sabes? (?:de|sobre) mim\b|\bcosa sai (?:di|su) me\b|\bwat weet je (?:over|van) mij\b/iu;

/** "What did we decide / agree / settle on …?": a decision recalled from an earlier session. */
const DECISION_Q =
  /\b(?:did|have|had) (?:we|i|you)\s+(?:\w+\s+)?(?:decide|agree|settle|choose|conclude|arrange)\w*|\bwhat (?:was|has been|got) (?:decided|agreed|settled|concluded|arranged)\b|\bwhat (?:did|have|had) (?:we|i|you)\s+(?:\w+\s+)?(?:decide|agree|settle|choose|chose|conclude|plan|arrange|pick|go with|land on)\w*|\bwhat was (?:the|our|my) (?:decision|agreement|plan|conclusion|outcome)\b|\bwas haben wir\b.*\b(?:beschlossen|entschieden|vereinbart|abgemacht)\b|\bqu[’']avons-nous (?:décidé|convenu)\b|\bqu[’']est-ce qu[’']on a (?:décidé|convenu)\b|\bqu[eé] (?:decidimos|acordamos)\b|\bo que (?:decidimos|combinamos|acordamos)\b|\bcosa abbiamo (?:deciso|concordato|stabilito)\b|\bwat hebben we\b.*\b(?:besloten|afgesproken)\b/iu;
const DECISION_S =
  /\b(?:decided|agreed|settled|chose|chosen|opted|went with|concluded|arranged|decision|agreement|beschlossen|entschieden|vereinbart|abgemacht|décidé|convenu|decidimos|acordamos|combinamos|deciso|concordato|stabilito|besloten|afgesproken)\b/iu;
const DECISION_WORDS = /\b(?:decide|decided|decision|agree|agreed|agreement|settle|settled|choose|chose|conclude|plan|arrange|pick|go|went|land|last|week|month|yesterday|earlier|time|before|previous|session|regarding|about)\b/gi;

/** "What happened with invoice 5521 last week?", "what did we talk about last time?": a past session, told back. */
const PAST_Q =
  /\bwhat (?:happened|did we (?:discuss|talk about|say|cover|do|go over)|was (?:said|discussed))\b|\b(?:last|previous) (?:week|time|session|month|conversation|chat)\b|\bearlier (?:session|conversation|chat)\b|\bletzte[nm]? (?:woche|mal)\b|\bla (?:semaine|fois) derni[eè]re\b|\bla semana pasada\b|\b(?:na )?semana passada\b|\bla settimana scorsa\b|\bvorige week\b|\bde vorige keer\b/iu;
const PAST_SOURCE = /^summary of the user's session\b/i;
const PAST_WORDS = /\b(?:what|happened|did|we|discuss|talk|about|say|said|cover|do|go|over|was|last|previous|week|time|session|month|conversation|chat|earlier|with|regarding)\b/gi;

/** The past session most about the question's topic, told back in full (its summary is short). */
function pastSession(question: string, facts: ContextFact[]): Recalled | null {
  const topic = keywords(question.replace(PAST_WORDS, ' '));
  if (topic.size === 0) return null;
  const blocks = new Map<string, ContextFact[]>();
  for (const f of facts.filter((x) => PAST_SOURCE.test(x.source))) {
    const k = `${f.rank}\u0000${f.source}`;
    blocks.set(k, [...(blocks.get(k) ?? []), f]);
  }
  let best: { block: ContextFact[]; score: number } | null = null;
  for (const block of blocks.values()) {
    const score = overlap(topic, new Set(block.flatMap((f) => [...keywords(f.sentence)])));
    if (score > 0 && (!best || score > best.score)) best = { block, score };
  }
  if (!best) return null;
  return { text: `${best.block.map(say).join(' ')} (source: ${best.block[0]!.source})` };
}

/** The question asks about the speaker (first person, in any of the languages read). */
const SELF_Q = /(?<![\p{L}'])(?:i|i'm|me|my|mine|myself|we|our|us|tenho|sou|estou|moro|trabalho|tengo|soy|estoy|vivo|trabajo|ho|sono|abito|lavoro|faccio|habe|bin|wohne|arbeite|heb|ben|woon|werk|ai|suis|habite|travaille|ich|mich|mir|mein\w*|je|j|moi|mon|ma|mes|yo|mí|mi|mis|eu|meu|minha|mim|io|mio|mia|ik|mij|mijn)(?![\p{L}])/iu;

export interface Recalled {
  text: string;
}

function own(facts: ContextFact[]): ContextFact[] {
  return facts.filter((f) => isUserVoice(f.source) && !f.superseded);
}

const say = (f: ContextFact) => toSecondPerson(stripLabel(f.sentence));

/** Everything the user told about themself, said back to them. */
function aboutMe(facts: ContextFact[]): Recalled | null {
  const mine = own(facts).filter((f) => USER_FACTS.test(f.source));
  if (!mine.length) return null;
  return { text: `Here is what you've told me about yourself: ${mine.map(say).join(' ')} (source: ${mine[0]!.source})` };
}

/** The session (a block of context) most about the question's topic, and the decision sentences in it. */
function decision(question: string, facts: ContextFact[]): Recalled | null {
  const topic = keywords(question.replace(DECISION_WORDS, ' '));
  if (topic.size === 0) return null;
  const blocks = new Map<string, ContextFact[]>();
  for (const f of own(facts)) {
    const k = `${f.rank}\u0000${f.source}`;
    blocks.set(k, [...(blocks.get(k) ?? []), f]);
  }
  let best: { decided: ContextFact[]; score: number } | null = null;
  for (const block of blocks.values()) {
    const decided = block.filter((f) => DECISION_S.test(f.sentence));
    if (!decided.length) continue;
    const all = new Set(block.flatMap((f) => [...keywords(f.sentence)]));
    // The topic in the decision itself counts most; in the rest of its session, still something.
    const here = Math.max(...decided.map((f) => overlap(topic, keywords(f.sentence))));
    const score = here * 2 + overlap(topic, all);
    if (score > 0 && (!best || score > best.score)) best = { decided, score };
  }
  if (!best) return null;
  return { text: `${best.decided.map(say).join(' ')} (source: ${best.decided[0]!.source})` };
}

/**
 * An attribute of the kind the question asks for ("time zone", "who do I report to"). The
 * word-overlap pick stands when it already is one of the user's own statements of that kind, or
 * when the question carries more than the kind (a question about "the refund policy for my plan"
 * is about the policy).
 */
function attribute(question: string, facts: ContextFact[], picked: ContextFact | null): ContextFact | null {
  const kinds = kindsAsked(question);
  if (!kinds.length || !SELF_Q.test(question)) return null;
  const ofKind = (f: ContextFact) => kindsStated(f.sentence).some((k) => kinds.includes(k));
  // Their memory is kept corrected; a past session's summary is history ("I live in Berlin" before
  // "I moved to Lisbon"): when their memory holds the kind, it answers.
  const remembered = own(facts).some((f) => USER_FACTS.test(f.source) && ofKind(f));
  if (picked && isUserVoice(picked.source) && !picked.superseded && ofKind(picked) && (USER_FACTS.test(picked.source) || !remembered)) return null;
  if (picked && !isUserVoice(picked.source)) {
    let rest = question;
    for (const k of kinds) rest = rest.replace(k.asks, ' ');
    if (keywords(rest).size > 1) return null;
  }
  const q = keywords(question);
  let best: { fact: ContextFact; score: number } | null = null;
  for (const f of own(facts)) {
    if (!ofKind(f)) continue;
    // Their memory first (newest first within it), then past sessions, then this conversation.
    const score = overlap(q, keywords(f.sentence)) + (USER_FACTS.test(f.source) ? 10 : 0) - f.rank * 0.01;
    if (!best || score > best.score) best = { fact: f, score };
  }
  return best?.fact ?? null;
}

/** An answer about the asker, or null to leave the question to the general answer. */
export function recallAboutUser(question: string, facts: ContextFact[], picked: ContextFact | null): Recalled | ContextFact | null {
  const q = question.trim();
  if (ABOUT_ME.test(q)) return aboutMe(facts);
  if (DECISION_Q.test(q)) {
    const d = decision(q, facts);
    if (d) return d;
  }
  if (PAST_Q.test(q) && !kindsAsked(q).length) {
    const p = pastSession(q, facts);
    if (p) return p;
  }
  return attribute(q, facts, picked);
}
