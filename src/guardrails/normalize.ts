/**
 * Normalise before anything is judged. Attackers hide instructions from naive regexes with
 * compatibility forms (fullwidth `［LEARNING］`), invisible characters, lookalike letters from other
 * scripts and encodings. Two outputs:
 *
 * - `canonicalText`: what is stored and shown. NFKC, invisible/bidi/control characters removed,
 *   lookalike letters folded inside words that mix scripts (so `pаypal` with a Cyrillic `а` is
 *   stored as `paypal`, while a Russian sentence stays Russian).
 * - `screeningVariants`: extra readings used only to decide: every lookalike folded and lower-cased,
 *   leetspeak read as letters, spaced-out letters joined, base64 / %XX / ROT13 decoded.
 */

import { decodeInline } from './decode.js';

/** Zero-width, bidi controls, soft hyphen, word joiners, BOM, and C0/C1 controls except tab/newline. */
export const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
/**
 * The same characters by UTF-16 code unit (`\uDB40` leads every tag character U+E0000–E007F), for a
 * quick look first: most texts hold none, and the `u` scan is most of canonicalText's cost. Two
 * classes, because V8 scans one class spanning both ranges ~15× slower than the two.
 */
export const MAYBE_INVISIBLE = [/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/, /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uDB40]/];
const maybeInvisible = (s: string) => MAYBE_INVISIBLE[0]!.test(s) || MAYBE_INVISIBLE[1]!.test(s);

/** Cyrillic and Greek letters that render like Latin ones, plus a few Latin oddities. */
export const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ь: 'b',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I', Ј: 'J', Ѕ: 'S', Ԁ: 'D',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ı: 'i', ȷ: 'j', ɡ: 'g', ɑ: 'a', ℓ: 'l', ⅼ: 'l', ꓲ: 'I', ǀ: 'l',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');

/** Ranges holding every key of CONFUSABLES (a test checks it): one cheap look before the `u` replace. */
export const MAYBE_CONFUSABLE = /[\u0131\u01C0\u0237\u0251\u0261\u0391-\u03C9\u0400-\u051D\u2113\u217C\uA4F2]/;

const foldAll = (s: string) => (MAYBE_CONFUSABLE.test(s) ? s.replace(CONFUSABLE_RE, (c) => CONFUSABLES[c] ?? c) : s);

export const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
/**
 * Every code unit of a Cyrillic or Greek letter (by Unicode's Script property; the astral ones by
 * their lead surrogate), a cheap look before the `u` scan: em dashes and curly quotes, common in
 * answers, are not among them. A test checks it against every code point of the running Unicode.
 */
export const MAYBE_CYRILLIC_OR_GREEK = /[\u0370-\u052F\u1C80-\u1C8A\u1D26-\u1D2B\u1D5D-\u1D61\u1D66-\u1D6A\u1D78\u1DBF\u1F00-\u1FFE\u2126\u2DE0-\u2DFF\uA640-\uA69F\uAB65\uFE2E\uFE2F\uD800\uD834\uD838]/;

/** Fold lookalikes only in words that mix Latin with Cyrillic/Greek: the homoglyph signature. */
function foldMixedWords(s: string): string {
  // No Cyrillic or Greek letter at all (most texts): no word mixes scripts, nothing to fold.
  if (!MAYBE_CYRILLIC_OR_GREEK.test(s) || !CYRILLIC_OR_GREEK.test(s)) return s;
  return s.replace(/[\p{L}\p{M}]+/gu, (w) => (/\p{Script=Latin}/u.test(w) && /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(w) ? foldAll(w) : w));
}

/** The form of a text that is screened, stored and shown. */
export function canonicalText(text: string): string {
  const nfkc = text.normalize('NFKC');
  return foldMixedWords(maybeInvisible(nfkc) ? nfkc.replace(INVISIBLE, '') : nfkc).normalize('NFC');
}

export interface Variant {
  /** `plain`, `homoglyph`, `leet`, `spaced`, `rot13`, `unmarked`, `base64`, `url`. */
  via: string;
  text: string;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };

const LEET_CHAR = /[0-9@$!|+]/g;
const WORD_CHAR = /^[\p{L}0-9@$!|+]$/u;
const WORD_FROM = /[\p{L}0-9@$!|+]+/uy;

const unleetWord = (w: string) => (/\p{L}/u.test(w) && /[0-9@$!|+]/.test(w) ? w.replace(/[0-9@$!|+]/g, (c) => LEET[c] ?? c) : w);

/**
 * Leetspeak inside words only (`1gn0r3`), so amounts and dates in prose stay as they are. As
 * `s.replace(/[\p{L}0-9@$!|+]+/gu, unleetWord)`, which leaves a word without a leet character as it
 * is; so only the words around leet characters are visited (found from each one: back to where
 * its word starts, by code point, then forward), instead of every word of a long text.
 */
function unleet(s: string): string {
  let out = '';
  let done = 0;
  let m: RegExpExecArray | null;
  LEET_CHAR.lastIndex = 0;
  while ((m = LEET_CHAR.exec(s)) !== null) {
    let start = m.index;
    while (start > done) {
      const low = s.charCodeAt(start - 1);
      const high = start >= 2 ? s.charCodeAt(start - 2) : 0;
      const width = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
      if (!WORD_CHAR.test(s.slice(start - width, start))) break;
      start -= width;
    }
    WORD_FROM.lastIndex = start;
    const word = WORD_FROM.exec(s)![0];
    out += s.slice(done, start) + unleetWord(word);
    done = start + word.length;
    LEET_CHAR.lastIndex = done;
  }
  return done ? out + s.slice(done) : s;
}

/** A letter by code unit(s), loosely: any ASCII letter, any other BMP character, or a surrogate pair. */
const LETTERISH = '(?:[A-Za-z\\u0080-\\uD7FF\\uE000-\\uFFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])';
/** Hints of the two patterns below: each of their matches holds `.x.` / ` x y `, x and y letters. */
const SPACED_DOTS_HINT = new RegExp(`[._-]${LETTERISH}[._-]`);
const SPACED_HINT = new RegExp(` ${LETTERISH} ${LETTERISH} `);

/** `i g n o r e` / `i.g.n.o.r.e` → `ignore`. */
function unspace(s: string): string {
  const dotted = SPACED_DOTS_HINT.test(s) ? s.replace(/(?<![\p{L}\p{N}])(?:\p{L}[._-]){2,}\p{L}(?![\p{L}\p{N}])/gu, (m) => m.replace(/[._-]/g, '')) : s;
  return SPACED_HINT.test(dotted) ? dotted.replace(/(?<![\p{L}\p{N}])(?:\p{L} ){3,}\p{L}(?![\p{L}\p{N}])/gu, (m) => m.replace(/ /g, '')) : dotted;
}

/** ASCII letters rotated by 13 (a char-code loop: a replace callback per letter cost 4× more). */
function rot13(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(((c - 84) % 26) + 97) : c >= 65 && c <= 90 ? String.fromCharCode(((c - 52) % 26) + 65) : s[i];
  }
  return out;
}

/** Decoded base64 runs that read as text (printable UTF-8), joined by newlines. */
function decodeBase64Runs(s: string): string {
  const out: string[] = [];
  // Runs start where the previous character is not of the run (what the scan without the
  // lookbehind finds too: a run too short at its start is too short inside), checked once a place.
  for (const m of s.matchAll(/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
    const token = m[0];
    // One plain word is not base64 (separate tests: `[A-Z].*[a-z]` would be quadratic on a long run).
    if (!/[0-9+/=]/.test(token) && !(/[A-Z]/.test(token) && /[a-z]/.test(token))) continue;
    const buf = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const text = buf.toString('utf8');
    if (text.length >= 8 && !text.includes('\uFFFD') && /^[\P{C}\n\t\r]*$/u.test(text) && /\p{L}{3}/u.test(text)) out.push(text);
  }
  return out.join('\n');
}

function decodeUrl(s: string): string {
  if (!/%[0-9a-f]{2}/i.test(s)) return '';
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  }).replace(/\+/g, ' ');
}

/**
 * Latin diacritics dropped (`ápprovàl` → `approval`: accents stacked on a keyword to dodge it), or
 * '' when there are none. Not for Vietnamese (ơ ư ă đ and the tone-marked letters of U+1EA0–1EF9):
 * every syllable carries marks, and stripped syllables collide with English words (`cập` → `cap`).
 */
export function unmarkedLatin(text: string): string {
  if (!/[\u00C0-\u024F\u1E00-\u1EFF\u0300-\u036F]/.test(text) || /[\u01A0\u01A1\u01AF\u01B0\u0102\u0103\u0110\u0111\u1EA0-\u1EF9]/.test(text)) return '';
  return text.normalize('NFD').replace(/[\u0300-\u036F]/g, '').normalize('NFC');
}

/**
 * Every reading of an already canonical text worth screening. Decoded ones are themselves
 * canonicalised (a base64 payload can hide fullwidth tags too). Used to decide, never stored.
 */
export function screeningVariants(canonical: string): Variant[] {
  const skeleton = foldAll(canonical).toLowerCase();
  const variants: Variant[] = [
    { via: 'plain', text: canonical },
    { via: 'homoglyph', text: skeleton },
    { via: 'leet', text: unleet(skeleton) },
    { via: 'spaced', text: unspace(skeleton) },
    { via: 'rot13', text: rot13(skeleton) },
  ];
  const unmarked = unmarkedLatin(skeleton);
  if (unmarked) variants.push({ via: 'unmarked', text: unmarked });
  const b64 = decodeBase64Runs(canonical);
  if (b64) variants.push({ via: 'base64', text: foldAll(canonicalText(b64)).toLowerCase() });
  const inline = decodeInline(canonical);
  if (inline) variants.push({ via: 'encoded', text: foldAll(canonicalText(inline)).toLowerCase() });
  const url = decodeUrl(canonical);
  if (url) variants.push({ via: 'url', text: foldAll(canonicalText(url)).toLowerCase() });
  const seen = new Set<string>();
  return variants.filter((v) => (v.via === 'plain' || v.text !== canonical) && !seen.has(v.text) && seen.add(v.text));
}
