import { content, tokens, type Token } from './facts.js';

/**
 * Corrections that name the value they replace: "X was renamed to Y", "X is now called Y",
 * "replaced X with Y", "switched … from X to Y", "Y, not X", "Y instead of X", "dropped X — the
 * minimum is Y". The old value is found by its position next to such words, so it may be any
 * token (a lowercase repo name, a version, a weekday); the new value is the captured one, or the
 * nearest token of the same kind (a number for a number, a time for a time). General English
 * patterns for the offline model's memory decision; nothing here knows a scenario.
 */

export interface Replacement {
  /** The old value as written in the fact ("iOS 15", "web-app", "3"). */
  old: string;
  /** The new value ("iOS 16", "storefront-web", "4"). */
  new: string;
}

/** One value: a token, optionally a name followed by its version ("iOS 15", "TLS 1.2", "Windows 11"). */
const V = "((?:[\\p{L}][\\p{L}-]*\\s+(?=\\d))?[\\p{L}\\p{N}#@$€£][\\p{L}\\p{N}#@$€£/._:+&'-]*)";
const re = (s: string) => new RegExp(s, 'iu');
/** The old side of a rename: one token, checked to be name-like (see namedReplacement). */
const NAME = "([\\p{L}\\p{N}#@][\\p{L}\\p{N}#@/._:+-]*[\\p{L}\\p{N}])";

/** Patterns with both sides captured: [regex, index of old, index of new]. */
const EXPLICIT: Array<[RegExp, number, number, boolean?]> = [
  [re(`(?:^|\\s)${NAME}\\s+(?:was|has been|got|is|are|were|have been|had been)?\\s*(?:now\\s+)?(?:renamed|rebranded)\\s+(?:to|as|into)?\\s*${V}`), 1, 2, true],
  [re(`(?:^|\\s)${NAME}\\s+(?:is|are)\\s+(?:now\\s+)?(?:called|named|known as)\\s+${V}`), 1, 2, true],
  [re(`\\brenamed\\s+(?:the\\s+)?${V}\\s+(?:to|as|into)\\s+${V}`), 1, 2],
  [re(`\\breplac(?:ed|ing|es)\\s+(?:the\\s+)?${V}\\s+(?:with|by)\\s+${V}`), 1, 2, true],
  [re(`(?:^|\\s)${V}\\s+(?:was|has been|got|is|are|were|have been)\\s+replaced\\s+(?:by|with)\\s+${V}`), 1, 2, true],
  [re(`(?:^|\\s)${V}\\s+(?:was|has been|got|is|are|were|have been)\\s+(?:swapped|traded|exchanged)\\s+(?:out\\s+)?for\\s+${V}`), 1, 2, true],
  [re(`\\b(?:swapp|trad|exchang)(?:ed|ing|es)\\s+(?:out\\s+)?(?:the\\s+)?${V}\\s+for\\s+${V}`), 1, 2, true],
  [re(`\\b(?:switch|mov|migrat|chang|upgrad|downgrad|went|go|rais|lower|increas|decreas|bump|cut|push|shift|dropp|jump|grew|grow|fell|fall|shrunk|shrank|reduc|extend|shorten|drop)\\w*\\b[^.;]*?\\bfrom\\s+${V}(?:\\s+(?!to\\b)[\\p{L}%]+)?\\s+to\\s+${V}`), 1, 2],
  // "escalation queue OPS-L2 -> OPS-L3", "v1.2 → v1.3": an arrow from the old value to the new.
  [re(`(?:^|\\s)${V}\\s*(?:->|→|=>)\\s*${V}`), 1, 2],
  [re(`${V}\\s+(?:instead of|rather than)\\s+${V}`), 2, 1],
];

/** "…, not X" and "dropped X — …Y": the old side is captured, the new one is the nearest value of its kind. */
const CONTRAST = re(`,\\s*(?:and\\s+)?not\\s+(?:the\\s+)?${V}\\s*[.!]?$`);
const DROPPED = re(`\\b(?:dropped|removed|retired|discontinued|no longer support(?:s|ed)?|stopped supporting|deprecated)\\s+(?:support for\\s+)?${V}`);
/** "20:00 is wrong, it closes at 21:00": the value called wrong is the old one. */
const CALLED_WRONG = re(`(?:^|\\s)${V}\\s+(?:is|was|'s)\\s+(?:wrong|incorrect|outdated|out of date|old|not (?:right|correct|true))\\b`);
/** "Not 9:30 - the lecture starts at 10:00": a leading denial names the old value. */
const LEADING_NOT = re(`^(?:no[,.]?\\s+)?not\\s+${V}\\s*(?:[,;:—–]|\\s-)`);
/** The passive: "Chrome 100 support was dropped; the minimum is now Chrome 110". */
const DROPPED_PASSIVE = re(`(?:^|\\s)${V}(?:\\s+support)?\\s+(?:(?:was|has been|got|is|were|have been|are)\\s+(?:now\\s+)?(?:dropped|removed|retired|discontinued|deprecated|gone)|(?:isn't|is not|aren't|are not|is no longer|are no longer)\\s+supported)\\b`);

/** The kind of a value, so "not 3" pairs with "4 years" and "dropped iOS 15" with "iOS 16". */
export function kind(raw: string): string {
  const t = raw.toLowerCase();
  if (/@/.test(t)) return 'email';
  if (/^\d{1,2}(?::\d{2})?\s?(?:am|pm)$|^\d{1,2}:\d{2}$/.test(t)) return 'time';
  if (/^(?:mon|tues|wednes|thurs|fri|satur|sun)days?$/.test(t)) return 'weekday';
  if (/^[$€£]?\d/.test(t)) return 'number';
  return 'word';
}

const last = (phrase: string) => phrase.trim().split(/\s+/).at(-1)!.replace(/[.,;:!?]+$/, '');

/** The value of the same kind as `old` nearest to the given position of the fact, `old` itself excluded. */
function sameKind(fact: string, old: string, at: number, before: boolean): string | null {
  const k = kind(last(old));
  const oldLow = last(old).toLowerCase();
  // A plain word ("not blue") pairs with the word just before the contrast ("is green, not blue").
  const ts = content(tokens(fact)).filter((t: Token) => kind(t.raw) === k && t.raw.toLowerCase() !== oldLow && (k !== 'word' || t.value || before));
  const earlier = ts.filter((t) => t.end <= at);
  // "from 11:30 to 13:00, not 12:00": two values of the kind before the contrast — which one replaces
  // 12:00 is unknowable, and a wrong guess stores a fact nobody stated. The statement then stands whole.
  if (before && k !== 'word' && earlier.length > 1) return null;
  const pick = before ? earlier.at(-1) : ts.find((t) => t.start >= at);
  return pick?.raw ?? null;
}

export function namedReplacement(fact: string): Replacement | null {
  const text = fact.trim().replace(/[.!]+$/, '');
  for (const [p, o, n, named] of EXPLICIT) {
    const m = p.exec(text);
    // A rename's old side must be a name ("web-app", "Jira"), not a description ("the incident channel",
    // "the SMTP relay got replaced"); the new side a value, not "a new one".
    if (!m || tokens(m[n]!).every((t) => t.stop) || tokens(m[o]!).every((t) => t.stop)) continue;
    if (!named || (m.index === 0 && !/^(?:the|a|an|our|my|your|their|this|that)$/i.test(m[o]!)) || /[\d#@/._:+-]|^\p{Lu}/u.test(m[o]!)) return clean(m[o]!, wholeName(text, m, m[n]!));
  }
  const denied = deniedThenStated(text);
  if (denied) return denied;
  const c = CONTRAST.exec(text);
  if (c) {
    const nw = sameKind(text, c[1]!, c.index, true);
    if (nw) return clean(c[1]!, nw);
  }
  for (const d of [DROPPED.exec(text), DROPPED_PASSIVE.exec(text), CALLED_WRONG.exec(text), LEADING_NOT.exec(text)]) {
    if (!d || tokens(d[1]!).every((t) => t.stop)) continue;
    const nw = sameKind(text, d[1]!, d.index + d[0].length, false);
    if (nw) return clean(d[1]!, nw);
  }
  return null;
}

/**
 * A captured name with the capitalised words that follow it: "Sparkle Services", "Hall B West". The
 * pattern's value is one token; a name is often several.
 */
function wholeName(text: string, m: RegExpExecArray, value: string): string {
  const at = text.indexOf(value, m.index);
  if (at < 0) return value;
  // "replaced by sofia reyes as mentor": in an all-lowercase message a name runs on over plain words.
  if (!/\p{Lu}/u.test(text.slice(1)) && /^\p{Ll}+$/u.test(value)) {
    const rest = /^[ \t]+(\p{Ll}+)/u.exec(text.slice(at + value.length))?.[1];
    const t = rest ? tokens(rest)[0] : undefined;
    return t && !t.stop && !t.value && t.raw.length > 2 ? `${value} ${rest}` : value;
  }
  // "swapped out for room Maple": a lowercase label before the name; the name is the value.
  if (/^\p{Ll}+$/u.test(value)) {
    const named = /^[ \t]+(\p{Lu}[\p{L}\p{N}&'-]*(?:[ \t]+\p{Lu}[\p{L}\p{N}&'-]*)*|\d[\p{L}\p{N}.-]*)/u.exec(text.slice(at + value.length));
    return named ? named[1]! : value;
  }
  if (!/^\p{Lu}/u.test(value)) return value;
  const more = /^(?:[ \t]+\p{Lu}[\p{L}\p{N}&'-]*)+/u.exec(text.slice(at + value.length))?.[0] ?? '';
  return value + more;
}

/**
 * "is no longer 45 EUR, it's 52 EUR", "isn't in room Orion any more - it's in room Vega": a denied
 * phrase followed by the stated one. The value of each phrase (its first value-like token: a number,
 * a name, a weekday) is the old and the new value; both must be of one kind.
 */
const DENIED_THEN_STATED = /\b(?:no longer|not|isn't|aren't|wasn't|weren't)\s+([^,;:.!?—–]{1,50}?)\s*(?:[,;:.—–]|\s-)?\s*(?:but\s+)?(?:now\s+)?(?:it's|it is|they're|they are|it has been|instead it's|now)\s+([^,;:!?—–]{1,50}?)\s*[.!]?$/iu;

function deniedThenStated(text: string): Replacement | null {
  const m = DENIED_THEN_STATED.exec(text);
  if (!m) return null;
  // The first value of each phrase, with the capitalised words right after it ("Karl Weber", "Lina Schultz").
  const value = (phrase: string) => {
    const text = ` ${phrase}`;
    const all = tokens(text);
    const ts = content(all);
    const first = ts.find((t) => t.value);
    if (!first) return null;
    let i = all.indexOf(first);
    while (/^\p{Lu}/u.test(first.raw) && all[i + 1] && /^\p{Lu}/u.test(all[i + 1]!.raw) && /^ +$/.test(text.slice(all[i]!.end, all[i + 1]!.start))) i++;
    return { raw: text.slice(first.start, all[i]!.end) };
  };
  const o = value(m[1]!);
  const n = value(m[2]!);
  if (!o || !n || kind(last(o.raw)) !== kind(last(n.raw))) return null;
  return clean(o.raw, n.raw);
}

function clean(old: string, nw: string): Replacement | null {
  const o = old.trim().replace(/[.,;:!?]+$/, '');
  const n = nw.trim().replace(/[.,;:!?]+$/, '');
  if (!o || !n || o.toLowerCase() === n.toLowerCase()) return null;
  return { old: o, new: n };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const whole = (s: string) => new RegExp(`(?<![\\p{L}\\p{N}@._-])${escape(s)}(?![\\p{L}\\p{N}@-]|\\.[\\p{L}\\p{N}])`, 'iu');

/**
 * The sentence with the named old value replaced by the new one, or null when the sentence does not
 * hold the old value. "iOS 15" in "supports iOS 15 and later" becomes "iOS 16"; when only the
 * version differs, only the version is replaced.
 */
export function applyReplacement(sentence: string, r: Replacement): string | null {
  const full = whole(r.old).exec(sentence);
  // "Windows 10" → "11": only the version changes, the name stays.
  if (full && /\s/.test(r.old) && !/\s/.test(r.new) && kind(r.new) === kind(last(r.old))) {
    const at = full.index + full[0].length - last(r.old).length;
    return sentence.slice(0, at) + r.new + sentence.slice(full.index + full[0].length);
  }
  if (full) {
    // "lukas" → "sofia reyes" against "Lukas Brandt": a first name said (in lowercase) for a full name; the whole name goes.
    const surname = /^\p{Lu}/u.test(full[0]) && /^\p{Ll}/u.test(r.new) && !/\s/.test(r.old) ? /^ \p{Lu}\p{Ll}+/u.exec(sentence.slice(full.index + full[0].length))?.[0] ?? '' : '';
    const nw = surname ? r.new.replace(/(^|\s)(\p{Ll})/gu, (_m, sp: string, c: string) => sp + c.toUpperCase()) : alignCase(r.new, full[0]);
    return sentence.slice(0, full.index) + nw + sentence.slice(full.index + full[0].length + surname.length);
  }
  // "dropped iOS 15" against "iOS 15 and later": matched above; "not 3" against "3 years": the bare value.
  const o = last(r.old);
  const n = last(r.new);
  if (o === r.old) return null;
  const bare = whole(o).exec(sentence);
  return bare ? sentence.slice(0, bare.index) + n + sentence.slice(bare.index + bare[0].length) : null;
}

/** Keep a capitalised sentence start: "ui-kit" → "Acme-design" only if the old was capitalised there. */
function alignCase(nw: string, old: string): string {
  return /^\p{Lu}/u.test(old) && /^\p{Ll}/u.test(nw) && !/[-_.@]/.test(nw) ? nw[0]!.toUpperCase() + nw.slice(1) : nw;
}

/** Does the replacement's old value stand for a distinctive name (enough on its own to find its sentence)? */
export function distinctive(r: Replacement): boolean {
  // "iOS 15" is a name with its version; a bare "15", "Mondays" or "6pm" could be anyone's value.
  const o = r.old;
  return o.length >= 4 && !/^[\d.,]+$/.test(o) && kind(o) !== 'weekday' && kind(o) !== 'time';
}
