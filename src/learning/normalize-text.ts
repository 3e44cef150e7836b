import { decodeInline } from '../guardrails/decode.js';
import { decodeTagCharacters, disguiseSigns } from '../guardrails/disguise.js';
import { canonicalText, unmarkedLatin } from '../guardrails/normalize.js';
import { asciiDigits } from '../guardrails/pii.js';

/**
 * Views of a text for *detection* (never for storage or display): attackers hide a keyword from a
 * pattern with fullwidth forms, zero-width characters, look-alike letters from other scripts,
 * leetspeak or an encoding. Each view undoes one trick; a detector runs on all of them.
 */

const ZERO_WIDTH = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\u3164\uFE00-\uFE0F\uFEFF]/gu;

/** Cyrillic and Greek letters that render like Latin ones. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
};
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };

/**
 * The guardrail's canonical form (NFKC, every invisible, bidi and tag character removed, lookalikes
 * folded in mixed-script words), digits of other scripts as ASCII, whitespace collapsed, lower case.
 */
export function canonical(text: string): string {
  return asciiDigits(canonicalText(text)).replace(ZERO_WIDTH, '').replace(/\s+/gu, ' ').trim().toLowerCase();
}



export function foldConfusables(text: string): string {
  return [...text].map((c) => CONFUSABLES[c] ?? c).join('');
}

/** Only inside words that mix letters and leet digits, so "500 req/s" stays a number. */
export function foldLeet(text: string): string {
  return text.replace(/[\p{L}0-9@$!|+]*\p{L}[\p{L}0-9@$!|+]*/gu, (w) => (/[0-9@$!|+]/.test(w) ? [...w].map((c) => LEET[c] ?? c).join('') : w));
}

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const B64_TOKEN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;

/** Printable decodings of the base64-looking tokens in the text. */
export function decodeBase64Tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(B64_TOKEN)) {
    const tok = m[0];
    if (!/[0-9+/=]|[A-Z].*[a-z]|[a-z].*[A-Z]/.test(tok)) continue;
    const decoded = Buffer.from(tok.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    // Mostly printable text means it really was an encoded message, not an id.
    const printable = decoded.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '');
    // Words: spaces, or a run of letters (Japanese and Chinese are written without spaces).
    if (decoded.length >= 8 && printable.length / decoded.length > 0.9 && !decoded.includes('\uFFFD') && (/\s/.test(decoded) || /\p{L}{4}/u.test(decoded))) out.push(decoded);
  }
  return out;
}

export function percentDecode(text: string): string | null {
  if (!/%[0-9a-f]{2}/i.test(text)) return null;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** "r.e.f.u.n.d", "a-p-p-r-o-v-a-l", "p a s s w o r d" → the word, so keyword patterns see it. */
export function joinSpelledOut(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])\p{L}(?:[.\-_ *]\p{L}){2,}(?![\p{L}\p{N}])/gu, (m) => m.replace(/[.\-_ *]/g, ''));
}

/** Every view worth matching against, canonicalised, without duplicates. */
export function detectionViews(text: string): string[] {
  const base = canonical(text);
  const joined = joinSpelledOut(foldConfusables(base));
  const views = new Set([base, foldConfusables(base), foldLeet(foldConfusables(base)), joined, rot13(base)]);
  const unmarked = unmarkedLatin(joined);
  if (unmarked) views.add(unmarked);
  const hidden = decodeTagCharacters(text);
  if (hidden) views.add(canonical(hidden));
  for (const d of decodeBase64Tokens(text.normalize('NFKC'))) views.add(canonical(d));
  const inline = decodeInline(text.normalize('NFKC'));
  if (inline) views.add(canonical(inline));
  const pd = percentDecode(base);
  if (pd) views.add(canonical(pd));
  return [...views];
}

/** Signs that the text was disguised: the disguise alone is reason to hold a learning. */
export function obfuscationSigns(text: string): string[] {
  const nfkc = text.normalize('NFKC');
  // Hidden text, decorated or mixed-script letters, fullwidth Latin outside CJK text, payloads
  // (guardrails/disguise.ts: narrow enough that ordinary writing in any script has none).
  const signs: string[] = disguiseSigns(text).map((s) => s.replace(/_/g, ' '));
  if (decodeBase64Tokens(nfkc).length > 0) signs.push('base64 text');
  if (/%[0-9a-f]{2}.*%[0-9a-f]{2}/i.test(nfkc)) signs.push('URL-encoded text');
  if (/(?<![\p{L}\p{N}])\p{L}(?:[.\-_*]\p{L}){3,}(?![\p{L}\p{N}])/u.test(nfkc)) signs.push('spelled-out words');
  if (/\[\s*\.\s*\]|\(\s*dot\s*\)|\[\s*dot\s*\]/i.test(nfkc)) signs.push('defanged link');
  return signs;
}
