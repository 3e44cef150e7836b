import { isSpeakerAttribute } from './personal.js';
import { kindsStated } from './user-attributes.js';
import { sentences } from './text.js';

/**
 * The memory decision for a fact about the speaker: "I moved to Lisbon last month" replaces "I live
 * in Berlin", "We upgraded to the Pro plan" replaces "I'm on the Basic plan", "My new manager is
 * Ines" replaces "My manager is Tom" — the same holder (the speaker, or their manager, team …) and
 * the same one-at-a-time kind of attribute, though hardly a word is shared. What a model reads as
 * "same subject, new value"; anything else is left to the general decision (memory.ts).
 */

const POSSESSIVE = /^(?:(?:btw|also|and|so|actually|fyi)[,:]?\s+)*(?:my|our|mein|meine|unser|unsere|mon|ma|mes|notre|mi|mis|nuestr[oa]|(?:o |a )?(?:meu|minha|nosso|nossa)|(?:il |la )?(?:mio|mia|nostr[oa])|mijn|ons|onze)\s+(?:(?:new|current|old|present|actual|neue[rs]?|nouveau|nouvelle|nuev[oa]|nov[oa]|nuov[oa]|nieuwe)\s+)?([\p{L}-]+)/iu;

const ATTRIBUTE_NOUN = /^(?:manager|boss|supervisor|superior|name|names|pronouns?|time|timezone|location|address|city|home|hometown|country|role|job|title|position|occupation|plan|tier|subscription|package|account|language|employer|company|email|phone|number|contact|preferred|preference|nom|nombre|nome|naam|fuso|fuseau|zeitzone|tijdzone|rolle|beruf|idioma|langue|lingua|taal|sprache|tarif|wohnort|adresse|dirección|endereço|indirizzo|adres)$/;

/** Whose attribute: the speaker ("I", "we") or a named thing of theirs ("my team", "my manager"). */
function holder(sentence: string): string {
  const m = POSSESSIVE.exec(sentence.trim());
  const noun = m ? m[1]!.toLowerCase().replace(/['’]s$/, '') : 'self';
  // "My time zone is EST" and "I'm on PST" are both the speaker's: the noun names the attribute.
  return ATTRIBUTE_NOUN.test(noun) ? 'self' : noun;
}

const SWITCHED = /^(?:(?:actually|also|btw|so)[,:]?\s+)?(?:i|we)(?:'ve|’ve| have)?\s+(?:just\s+|recently\s+|now\s+)?(?:switched|moved|changed|migrated|upgraded|downgraded)\s+(?:over\s+)?(?:to|from)\b|^(?:i|we)\s+(?:now|only)\s+use\b/i;

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export function decidePersonal(user: string): string | null {
  const fact = /^new fact:?[ \t]*(.+)$/im.exec(user)?.[1]?.trim() ?? '';
  const first = sentences(fact)[0];
  if (!first || sentences(fact).length > 1) return null;
  // "I switched to a Mac": a replacement, so even a many-valued kind (devices, tools) is replaced.
  const switched = SWITCHED.test(first);
  if (!switched && !isSpeakerAttribute(first)) return null;
  const kinds = kindsStated(first).filter((k) => k.single || switched);
  if (!kinds.length) return null;
  const who = holder(first);
  for (const line of user.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let c: { id?: unknown; text?: unknown };
    try {
      c = JSON.parse(t) as { id?: unknown; text?: unknown };
    } catch {
      continue;
    }
    if (typeof c.id !== 'string' || typeof c.text !== 'string') continue;
    const parts = sentences(c.text);
    if (parts.length !== 1 || !isSpeakerAttribute(parts[0]!) || holder(parts[0]!) !== who) continue;
    if (norm(parts[0]!) === norm(first)) return JSON.stringify({ event: 'NOOP', id: c.id, reason: 'already known' });
    const shared = kindsStated(parts[0]!).filter((k) => kinds.includes(k));
    if (shared.length) return JSON.stringify({ event: 'UPDATE', id: c.id, text: fact, reason: `same ${shared[0]!.name} of the same person, new value` });
  }
  return null;
}
