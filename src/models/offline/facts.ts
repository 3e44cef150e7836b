import { stem } from './text.js';
import { ELISION, ML_CUE_STRIP, ML_FILLER, ML_MARKERS, ML_STOP, ML_VALUE_WORDS } from './lexicon-multilingual.js';

/**
 * How the offline model reads a one-sentence fact: tokens with their surface form, and which of
 * them look like values (numbers, names, identifiers, hostnames, weekdays …) rather than words
 * about the subject. General rules about English statements; nothing here knows any scenario.
 */

export interface Token {
  raw: string;
  stem: string;
  start: number;
  end: number;
  /** Looks like a value: has a digit or an inner symbol, is capitalised mid-sentence, a weekday … */
  value: boolean;
  /** A function word or filler: never part of a subject or a value comparison. */
  stop: boolean;
}

/** Function words, pronouns, copulas and auxiliaries. */
const STOP = new Set(
  `a an the is are was were be been being am do does did of in on at to for from by with about as into onto over under
  and or but if then than so that this these those it its it's they they're their them there here we we've our us you your
  i i'm i've me my he she his her what which who whom whose when where why how can could should would will shall may might must
  has have had not no yes any some all just also very per each every both either within until till via
  don't doesn't didn't isn't aren't wasn't weren't won't can't cannot haven't hasn't`.split(/\s+/),
);

/** Function words of the other European languages; an all-caps token ("EST", "DE") is not one of them. */
const ML_STOP_SET = new Set(ML_STOP);

/**
 * Filler and change words: markers ("fyi"), time cues ("now", "yesterday"), verbs that say a value
 * changed. They never tell two subjects apart and are never the value.
 */
const FILLER = new Set(
  `fyi btw actually update updated correction note please heads up record clear news quick right sorry wrong nope
  now currently anymore longer instead again only recently today yesterday tonight lately days
  new newly changed change changes changing increased increase decreased decrease raised raise lowered lower reduced
  reduce bumped bump moved move moves switched switch became become becomes upgraded upgrade downgraded renamed rename
  replaced replace migrated migrate shortened shorten extended extend doubled halved went goes got gets postponed
  pushed delayed rewritten relocated relocate took take takes over joined join left leave hired appointed promoted
  handed transferred dropped cut expanded made set use uses using used`.split(/\s+/).concat(ML_FILLER),
);

/** Words that are values though lowercase or sentence-initial: weekdays, months, ordinals, number words. */
const VALUE_WORDS = new Set(
  `monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays sundays
  january february march april may june july august september october november december
  first second third fourth fifth last next one two three four five six seven eight nine ten eleven twelve twenty thirty
  thirteen fourteen fifteen sixteen seventeen eighteen nineteen forty fifty sixty seventy eighty ninety dozen
  hundred thousand million daily weekly monthly yearly quarterly nightly hourly half fortnightly biweekly bimonthly
  annually biannually semiannually weekdays weekends
  in-house outsourced remote on-site onsite hybrid self-service`.split(/\s+/).concat(ML_VALUE_WORDS),
);

/** Words meaning a thing stopped or came back: a change of value with no value-like token in it. */
export const STATUS_WORDS = new Set(
  `discontinued cancelled canceled retired removed stopped ended closed abolished dropped suspended vacant reinstated
  restored resumed back reopened deprecated decommissioned`.split(/\s+/),
);

const TOKEN = /[\p{L}\p{N}#@$€£](?:[\p{L}\p{N}#@$€£/._%:'’&+-]|,(?=\d{3}))*[\p{L}\p{N}%+]|[\p{L}\p{N}$€£%]/gu;

/** Titles written before a name. */
export const TITLE = /^(?:dr|prof|mr|mrs|ms|mx|st|sr|jr|rev|capt|col|gen|lt|sgt)$/i;

export function tokens(text: string): Token[] {
  const out: Token[] = [];
  let initial = true;
  for (const m of text.matchAll(TOKEN)) {
    // "l'équipe", "d'ora", "dell'ufficio": the elided article is a word of its own.
    const elided = ELISION.exec(m[0].replace(/’/g, "'"))?.[0].length ?? 0;
    const raw = m[0].slice(elided).replace(/’/g, "'");
    const lower = raw.toLowerCase();
    const start = m.index! + elided;
    const before = text.slice(Math.max(0, start - 2), start);
    // After a colon, semicolon or sentence end, a capital letter says nothing about names.
    // A title's dot ("Dr. Lindqvist") is no sentence end: the name after it stays a name.
    if (/[.;:!?]\s*$/.test(before) && out.length && !TITLE.test(out.at(-1)!.raw)) initial = true;
    const capital = /^\p{Lu}/u.test(raw);
    // "9:00 EST", "Building E": a capital code is no function word of another language (a sentence's "O" is).
    const allCaps = /^\p{Lu}+$/u.test(raw) && (raw.length > 1 || !initial);
    // "May" mid-sentence is the month ("held in May"); "may" is the modal.
    const month = raw === 'May' && !initial;
    const stop = !month && (STOP.has(lower) || FILLER.has(lower) || (ML_STOP_SET.has(lower) && !allCaps));
    const value = /\d/.test(raw) || /\p{L}[@/.#:_][\p{L}\p{N}]/u.test(raw) || /^[#$€£]/.test(raw) || /^[\p{Lu}0-9]{2,}$/u.test(raw) || VALUE_WORDS.has(lower) || (capital && !initial && !stop);
    // "5,000" and "5000" are one number.
    out.push({ raw, stem: /^\d{1,3}(?:,\d{3})+$/.test(lower) ? lower.replace(/,/g, '') : stem(lower), start, end: m.index! + m[0].length, value, stop });
    initial = false;
  }
  // A sentence-initial capitalised word followed by another capitalised word is a name ("Rosa Lind joined").
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (!a.value && !a.stop && /^\p{Lu}/u.test(a.raw) && b.value && /^\p{Lu}/u.test(b.raw) && text.slice(a.end, b.start).trim() === '') a.value = true;
  }
  return out;
}

/** Content tokens: not stop words or filler. */
export function content(ts: Token[]): Token[] {
  return ts.filter((t) => !t.stop);
}

/** A document label at the start of a line ("Pricing:", "Support policy:"), not part of the fact. */
export function stripLabel(s: string): string {
  return s.replace(/^\s*[A-Z][A-Za-z]*(?:[ -][A-Za-z]+){0,2}\s*:\s+(?=\S)/, '');
}

/**
 * The fact without leading markers ("FYI", "no, that's wrong,", "for the record"), repeated ones
 * too, and without trailing time cues ("since the reorg", "last month", "from now on").
 */
const MARKER = new RegExp(
  '^\\s*(?:' +
    [
      'fyi', 'btw', 'by the way', 'for the record', 'for your information', 'heads[- ]?up', 'just so you know', 'just a heads[- ]?up',
      'to be clear', 'note that', 'please note(?: that)?', 'note', 'nb', 'quick update', 'small update', 'update', 'correction',
      // Reminders and asides announce a statement; they are not part of it ("just a reminder, the garage closes at 22:00").
      '(?:just\\s+)?(?:a\\s+)?(?:quick\\s+|friendly\\s+|gentle\\s+)?reminder(?:\\s+that)?', 'as a reminder', 'psa', 'fwiw', 'side note', 'quick note',
      '(?:just\\s+)?(?:to\\s+)?let(?:ting)? you know(?: that)?', 'as you know', 'as (?:discussed|mentioned)', 'for context', 'good news', 'anyway', 'anyhow',
      'news', 'actually', 'in fact', 'sorry', 'right', 'ok(?:ay)?', 'oh', 'well', 'hm+', 'wait',
      'no(?!\\s+(?:longer|more)\\b)', 'nope', 'nah', 'wrong', "that(?:'s| is) (?:wrong|not right|incorrect|not correct|outdated|out of date|old news|not true)",
      'not anymore', 'not any more', 'not quite', 'incorrect', 'please remember(?: that)?', 'remember(?: that)?',
      'keep in mind(?: that)?', 'bear in mind(?: that)?', 'from now on', 'going forward', 'as of today', 'also',
      // The speaker correcting themself: about what they said before, not a fact about them.
      "i (?:got|had) (?:that|it|this) wrong", "i was wrong", 'i misspoke', 'i mistyped', 'my (?:mistake|bad|error)',
      'scratch that', 'i mean(?:t)?(?: to say)?', 'what i meant (?:is|was)', 'ignore (?:that|what i said)', 'let me correct (?:that|myself)', 'correction to (?:what i said|my (?:last|previous) message)',
      ...ML_MARKERS,
    ].join('|') +
    // A Unicode word end: "in realtà", "übrigens" end in letters an ASCII \b does not know.
    ")(?![\\p{L}\\p{N}])\\s*(?:[,:;.!\\-–—]+\\s*)?",
  'iu',
);

export function stripMarkers(text: string): { text: string; marked: boolean } {
  let t = text.trim();
  let marked = false;
  for (let i = 0; i < 6; i++) {
    const m = MARKER.exec(t);
    if (!m || m[0].length === 0) break;
    t = t.slice(m[0].length);
    marked = true;
  }
  return { text: t.trim(), marked };
}

/** Trailing and inline time cues that are about the change, not the fact. */
export function stripTimeCues(text: string): string {
  let t = text.trim().replace(/[.!]+$/, '');
  t = t.replace(/,?\s+\b(?:since|starting|effective|as of|from|after)\b(?:\s+[A-Za-z][\w'-]*){1,4}$/i, (m) => (/\b(?:to|until)\b/i.test(m) ? m : ''));
  // A comma after the cue still parts two clauses ("… in Munich anymore, only Berlin").
  t = t.replace(/\s*\b(?:(?:last|next|this) (?:week|month|night|year|quarter|sprint|time|morning|evening)|these days|nowadays|for now|right now|any ?more|now|yesterday|today|recently|again)\b(,?)/gi, (_m, comma: string) => (comma ? ', ' : ' '));
  t = t.replace(ML_CUE_STRIP, ' ').replace(/^\s*,/, '');
  return t.replace(/\s+([,.;:])/g, '$1').replace(/\s{2,}/g, ' ').replace(/^[,;:\s]+|[,;:\s]+$/g, '').trim();
}

export function sentenceCase(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const cap = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?。！？]$/.test(cap) ? cap : `${cap}.`;
}

/** A fact whose subject is a pronoun or missing ("it's 250 now", "they're held in May", "03:00 now"). */
export function needsSubject(fact: string): boolean {
  const t = fact.trim();
  if (/^(?:it|they|that|this|those|these|he|she)\b(?:'s|'re| is| are| was| were| has| have| changed| moved| got| went| will)?/i.test(t)) return true;
  const c = content(tokens(t));
  return c.length > 0 && c.length <= 3 && c.every((x) => x.value);
}

/**
 * "Medicor is our new health insurer", "the new store manager is Omar": a holder named as the new
 * one says the old holder changed, like a change verb does.
 */
export const NEW_HOLDER = /\b(?:is|are)\s+(?:now\s+)?(?:our|the|my|your|their)\s+new\b|\b(?:has|have|got)\s+(?:a|an)\s+new\s+[\w'-]+(?:\s+[\w'-]+){0,2}?\s*(?::|,|—|–|\s-)\s*[A-Z0-9]|^(?:[Oo]ur|[Tt]he)\s+new\s+[\w'-]+(?:\s+[\w'-]+){0,3}?\s+(?:is|are)\s+(?=[A-Z0-9])/;
