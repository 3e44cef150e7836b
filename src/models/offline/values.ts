import { sentenceCase, TITLE, tokens, type Token } from './facts.js';
import { kind } from './replace.js';

/**
 * Where a fact's value sits and how it is swapped: the existing sentence with its old value replaced
 * by the new one, and the checks that say a difference is not a new value for the same relation (a
 * denied value, another attribute, an implied count). Used by the memory decision (memory.ts).
 */

/**
 * "The rotation isn't weekly", "… is never on Fridays": the new value is the one denied, so it is not
 * the value to store (the fact may still say the old one is wrong; that is for a reader, not a swap).
 */
export function deniedValue(fact: string, newD: Token[]): boolean {
  const v = newD.find((t) => t.value);
  if (!v) return false;
  const neg = /\b(?:not|never|isn't|aren't|wasn't|weren't|doesn't|don't|won't|no longer)\b/gi;
  for (const m of fact.matchAll(neg)) {
    const between = fact.slice(m.index! + m[0].length, v.start);
    if (m.index! < v.start && !/[,;]|\b(?:but|instead|rather|now|it|they|is|are)\b/i.test(between) && between.trim().split(/\s+/).filter(Boolean).length <= 3) return true;
  }
  return false;
}

/** An identifier written in capitals ("APP", "MOB", "SUPPORT2"). */
export const IDENT = /^[\p{Lu}][\p{Lu}\d_-]+$/u;

/**
 * "every week" against "every 2 weeks", "lasts a month" against "lasts 3 months": the unit is shared,
 * so no word differs, but the fact's count is an implied one. The sentence with its count-and-unit
 * replaced, or null.
 */
export function impliedOne(sentence: string, fact: string): string | null {
  const sAll = tokens(sentence);
  const fAll = tokens(fact);
  for (let i = 0; i + 1 < sAll.length; i++) {
    const n = sAll[i]!;
    const unit = sAll[i + 1]!;
    if (!/^\d+(?:[.,]\d+)?$/.test(n.raw) || n.raw === '1' || fAll.some((t) => t.raw === n.raw)) continue;
    const j = fAll.findIndex((t) => t.stem === unit.stem);
    const before = j > 0 ? fAll[j - 1]!.raw.toLowerCase() : '';
    if (j <= 0 || !/^(?:every|each|per|a|an|one)$/.test(before)) continue;
    const from = /^(?:a|an|one)$/.test(before) ? fAll[j - 1]!.start : fAll[j]!.start;
    return sentence.slice(0, n.start) + fact.slice(from, fAll[j]!.end) + sentence.slice(unit.end);
  }
  return null;
}

/**
 * "The office kitchen moved to floor 4" against "The office opens at 7:30": no new value is of an old
 * value's kind (a number is not a time), and the new value carries a label word of its own that the
 * sentence lacks ("floor"). That is another attribute of the same subject, not a new value for this one.
 */
export function otherAttribute(fT: Token[], newD: Token[], oldD: Token[]): boolean {
  const newVals = newD.filter((t) => t.value);
  const oldVals = oldD.filter((t) => t.value);
  if (!newVals.length || !oldVals.length) return false;
  if (newVals.some((n) => oldVals.some((o) => kind(o.raw) === kind(n.raw)))) return false;
  const i = fT.indexOf(newVals[0]!);
  const label = i > 0 ? fT[i - 1]! : undefined;
  return !!label && !label.value && newD.includes(label);
}

/** The tokens as one span of their text when they sit together (only function words between). */
function span(text: string, all: Token[], picked: Token[]): { start: number; end: number } | null {
  if (!picked.length) return null;
  const idx = picked.map((t) => all.indexOf(t)).sort((a, b) => a - b);
  for (let i = idx[0]!; i <= idx.at(-1)!; i++) if (!picked.includes(all[i]!)) return null;
  const start = all[idx[0]!]!.start;
  const end = all[idx.at(-1)!]!.end;
  // A sentence break between the tokens splits them; dots inside one ("sftp.partners.example") do not.
  for (let i = idx[0]!; i < idx.at(-1)!; i++) if (/[;.!?]/.test(text.slice(all[i]!.end, all[i + 1]!.start)) && !TITLE.test(all[i]!.raw)) return null;
  return { start, end };
}

/**
 * "every week" → "every other week", "every 12 months" → "every 90 days", "weekly" → "twice a month":
 * one frequency phrase on each side that differ. The sentence with its phrase replaced, or null.
 */
const FREQ = /\b(?:(?:every|each)\s+(?:other\s+|alternate\s+|second\s+|third\s+|fourth\s+|few\s+|couple\s+of\s+|\d+(?:[.,]\d+)?\s+|(?:two|three|four|five|six|ten|twelve)\s+)?(?:minute|hour|day|night|week|weekday|month|quarter|year|sprint|term|semester|season)s?|(?:once|twice|\d+\s+times|(?:two|three|four)\s+times)\s+(?:a|an|per|every)\s+(?:day|week|month|quarter|year)|daily|weekly|monthly|quarterly|yearly|annually|hourly|nightly|fortnightly|biweekly|bimonthly)\b/gi;

export function frequencySwap(sentence: string, fact: string): string | null {
  const o = [...sentence.matchAll(FREQ)];
  const n = [...fact.matchAll(FREQ)];
  if (o.length !== 1 || n.length !== 1) return null;
  const [a, b] = [o[0]!, n[0]!];
  if (a[0].toLowerCase().replace(/\s+/g, ' ') === b[0].toLowerCase().replace(/\s+/g, ' ')) return null;
  return sentenceCase(`${sentence.slice(0, a.index)}${b[0]}${sentence.slice(a.index! + a[0].length)}`);
}

/**
 * "Order 88412 ships tomorrow" against "Orders ship within 2 business days": the fact is about one
 * numbered thing, the sentence about all of them (it lacks the number). A fact of its own, not a new value.
 */
export function instanceOf(fact: string, sentence: string): boolean {
  const m = /^(?:the\s+)?\p{L}[\p{L}-]*\s+(?:no\.?\s*|number\s+|#)?(\d[\d-]{2,})\s+\p{L}/iu.exec(fact.trim());
  return !!m && !new RegExp(`(?<![\\d-])${m[1]}(?![\\d-])`).test(sentence);
}

/** A unit of time or size right after a number. */
const UNIT = /^\s+(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|quarters?|[kmgt]b|bytes?)\b/i;
/** ", March 6" after a weekday. */
const DATE_AFTER = /^,?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b/i;

/** The existing sentence with its old value replaced by the new one; null when that is not clear. */
export function substitute(sentence: string, sT: Token[], oldD: Token[], fact: string, newD: Token[], fT: Token[], cue: boolean): string | null {
  // One end of a range moved: replace that end, or nothing when the fact does not say which.
  const moved = rangeEnd(sentence, fact, newD.filter((t) => t.value));
  if (moved !== null) return moved || null;
  // Values replace values: "managed by Olivia Chen" → "Samir Haddad" keeps "managed by".
  const both = oldD.some((t) => t.value) && newD.some((t) => t.value);
  let oldV = both ? oldD.filter((t) => t.value) : oldD;
  let newV = both ? newD.filter((t) => t.value) : newD;
  // A value keeps the new words right after it: "two weeks", "six per cent", "48 units".
  if (both) {
    const last = fT.indexOf(newV.at(-1)!);
    let hi = last;
    while (hi + 1 < fT.length && newD.includes(fT[hi + 1]!)) hi++;
    if (last >= 0) newV = [...newV, ...fT.slice(last + 1, hi + 1)];
  }
  // A value is replaced by a value: "open until 5:30pm" never becomes "hours".
  if (oldV.some((t) => t.value) && !newV.some((t) => t.value)) return null;
  // A number replaces a number ("The internal API rate limit is 100" keeps "API").
  const digits = (t: Token) => /\d/.test(t.raw);
  if (newV.length && newV.every(digits) && oldV.some(digits)) oldV = oldV.filter(digits);
  // "changed from Gusto to Deel", "Jira was replaced by Linear": the old value is named in the fact.
  if (!oldV.length && cue) oldV = sT.filter((t) => t.value && fT.some((f) => f.stem === t.stem) && !newD.includes(t));
  // "Adobe Sign": capitalised words right after a name belong to it, even one the sentence also has ("signed").
  if (newV.length && /^\p{Lu}/u.test(newV.at(-1)!.raw)) {
    for (let i = fT.indexOf(newV.at(-1)!) + 1; i < fT.length && fT[i]!.value && /^\p{Lu}/u.test(fT[i]!.raw) && /^ +$/.test(fact.slice(fT[i - 1]!.end, fT[i]!.start)); i++) {
      if (!newV.includes(fT[i]!)) newV = [...newV, fT[i]!];
    }
  }
  // "every Tuesday" → "every second Tuesday": the new value runs on into the old one it qualifies.
  const after = fT[fT.indexOf(newV.at(-1)!) + 1];
  if (newV.length && after?.value && !newV.includes(after) && /^ +$/.test(fact.slice(newV.at(-1)!.end, after.start)) && oldV.some((o) => o.stem === after.stem)) newV = [...newV, after];
  const o = span(sentence, sT, oldV);
  const nw = span(fact, fT, newV);
  if (!o || !nw) return null;
  let { start, end } = o;
  // "one month" → "three months": a following word that differs only in form goes with the value.
  const nextS = sT.find((t) => t.start >= o.end);
  const nextF = fT.find((t) => t.start >= nw.end);
  if (nextS && nextF && nextS.stem === nextF.stem && nextS.raw !== nextF.raw) [end, nw.end] = [nextS.end, nextF.end];
  // "12 months" → "90 days": a unit right after both numbers changes with them.
  const unitS = UNIT.exec(sentence.slice(end));
  const unitF = UNIT.exec(fact.slice(nw.end));
  if (unitS && unitF && unitS[1]!.toLowerCase() !== unitF[1]!.toLowerCase() && /\d$/.test(sentence.slice(start, end)) && /\d$/.test(fact.slice(nw.start, nw.end))) [end, nw.end] = [end + unitS[0].length, nw.end + unitF[0].length];
  // "Thursday, June 4" → "Tuesday, June 9": a date after a weekday goes with it on either side.
  const dateS = DATE_AFTER.exec(sentence.slice(end));
  const dateF = DATE_AFTER.exec(fact.slice(nw.end));
  if (dateF) [end, nw.end] = [end + (dateS?.[0].length ?? 0), nw.end + dateF[0].length];
  // "monthly" → "every two weeks": a quantifier before the new value goes with it unless the old one has it too.
  const quant = /\b(every|each|once|twice|per)\s+$/i.exec(fact.slice(0, nw.start));
  if (quant && !new RegExp(`\\b${quant[1]}\\s+$`, 'i').test(sentence.slice(0, start))) nw.start = quant.index;
  // "outsourced to an external bureau" → "in-house": a plain-word value takes its complement with it.
  const complement = /^\s+(?:to|by|with)\s+(?:an?|the)\s+[^,.;!?]+/i.exec(sentence.slice(end));
  if (complement && kind(sentence.slice(start, end)) === 'word' && /^[\p{Ll}-]+$/u.test(sentence.slice(start, end)) && /^[\p{Ll}-]+$/u.test(fact.slice(nw.start, nw.end)) && !/^\s+(?:to|by|with)\b/i.test(fact.slice(nw.end))) end += complement[0].length;
  const newText = fact.slice(nw.start, nw.end);
  // "owned by the payments team" → "Dana Whitfield": a plain phrase's article goes with it when a name
  // replaces it ("the Dublin data centre" → "the Frankfurt data centre" keeps it), unless the fact has one too.
  const article = /\b(?:the|a|an)\s+$/i.exec(sentence.slice(0, start));
  if (article && newV[0]?.value && !oldV.some((t) => t.value) && !/\b(?:the|a|an)\s+$/i.test(fact.slice(0, nw.start))) start = article.index;
  // A bare number replaces the number only: "100 req/s" + "250" → "250 req/s".
  const olds = oldV.filter((t) => /^\$?\d/.test(t.raw));
  if (/^[\d.,]+$/.test(newText) && olds.length === 1 && oldV.length > 1) [start, end] = [olds[0]!.start, olds[0]!.end];
  return sentenceCase(`${sentence.slice(0, start)}${newText}${sentence.slice(end)}`);
}

/** Two values joined as a range: "9am to 5pm", "Monday through Friday", "8:00 – 20:00". */
const CONNECTOR = /^\s*(?:to|until|till|through|thru|-|–|—)\s*$/i;

function rangeIn(text: string): { start: number; end: number; raw: string; a: Token; b: Token } | null {
  const ts = tokens(text);
  const found: Array<{ start: number; end: number; raw: string; a: Token; b: Token }> = [];
  for (let i = 0; i + 1 < ts.length; i++) {
    const a = ts[i]!;
    // The next token, or the one after a connector word ("to", "until") that is a token itself.
    const b = CONNECTOR.test(ts[i + 1]!.raw) && ts[i + 2] ? ts[i + 2]! : ts[i + 1]!;
    if (!a.value || !b.value || kind(a.raw) === 'word' || kind(a.raw) !== kind(b.raw)) continue;
    if (CONNECTOR.test(text.slice(a.end, b.start))) found.push({ start: a.start, end: b.end, raw: text.slice(a.start, b.end), a, b });
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * A range corrected by a range ("available 9am to 5pm" → "runs 8am to 8pm now"): both ends change
 * together. Value by value, the first new end could pair with the old second ("9am to 8am").
 * The sentence with its range replaced, or null when either side has no single range or they match.
 */
export function rangeSwap(sentence: string, fact: string): string | null {
  const o = rangeIn(sentence);
  const n = rangeIn(fact);
  if (!o || !n || o.raw.toLowerCase() === n.raw.toLowerCase()) return null;
  const [oa, na] = [tokens(o.raw)[0]!, tokens(n.raw)[0]!];
  if (kind(oa.raw) !== kind(na.raw)) return null;
  return sentenceCase(`${sentence.slice(0, o.start)}${n.raw}${sentence.slice(o.end)}`);
}

const ENDS = /\b(?:clos|end|finish|stop|until|till)\w*/i;
const STARTS = /\b(?:open|start|begin|from)\w*/i;

/**
 * One new value for a sentence holding a range ("available 9am to 5pm" + "closes at 6pm now"): the
 * end it moves, said by the fact's words (closes / until → the second, opens / from → the first).
 * The sentence with that end replaced; '' when the fact holds one value of the range's kind but
 * does not say which end (then no rewrite is clear); null when the case does not apply.
 */
export function rangeEnd(sentence: string, fact: string, newValues: Token[]): string | null {
  const r = rangeIn(sentence);
  if (!r || newValues.length !== 1 || rangeIn(fact)) return null;
  const v = newValues[0]!;
  if (kind(v.raw) !== kind(r.a.raw)) return null;
  const [end, start] = [ENDS.test(fact), STARTS.test(fact)];
  if (end === start) return '';
  const t = end ? r.b : r.a;
  return sentenceCase(`${sentence.slice(0, t.start)}${v.raw}${sentence.slice(t.end)}`);
}
