/**
 * Helpers shared by the PII detectors (pii.ts, pii-ids.ts): match iteration without copies,
 * spans of a value, and the "this number is a thing's id" test.
 */

export type PiiKind = 'email' | 'phone' | 'ssn' | 'card' | 'iban' | 'aws_key' | 'secret' | 'password' | 'dob' | 'id_number' | 'address' | 'ip_address';

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

/** Words that make a following number an identifier of a thing, not of a person. */
export const THING_LABEL = /(?:order|part|p\/n|pn|sku|invoice|inv|ticket|case|ref|reference|po|serial|s\/n|model|tracking|build|version|item|batch|lot|catalog(?:ue)?|product|quote|rma|shipment|isbn|confirmation|booking|issue|bug|pr|job|asset|account\s+code|cost\s+cent(?:er|re)|gl|project|room|flight|route|meeting|conference|webinar)\s*(?:no\.?|number|num|id|code|#)?(?:\s+(?:is|was))?\s*[:#-]?\s*$/i;
export const thingBefore = (text: string, start: number) => THING_LABEL.test(text.slice(Math.max(0, start - 32), start));

export const digitsOf = (s: string) => s.replace(/\D/g, '');

export type Detector = (text: string) => PiiSpan[];

/**
 * The matches `text.matchAll(re)` yields, without the copy of the regex matchAll makes per call:
 * `re` (global, shared, never used reentrantly) runs from 0, and an empty match moves on by one
 * character as matchAll does (by a code point with the `u` flag).
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push(m);
    if (m[0] === '') re.lastIndex = re.unicode && (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? re.lastIndex + 2 : re.lastIndex + 1;
  }
  return out;
}

/** Spans of capture group 1 (the value after a label), or of the whole match. */
export function spans(kind: PiiKind, re: RegExp, text: string, ok: (value: string, start: number) => boolean = () => true): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of allMatches(re, text)) {
    const value = m[1] ?? m[0];
    const start = m.index + (m[1] !== undefined ? m[0].lastIndexOf(value) : 0);
    if (ok(value, start)) out.push({ kind, start, end: start + value.length });
  }
  return out;
}

