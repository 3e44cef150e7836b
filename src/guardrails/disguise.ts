import { decodeInline } from './decode.js';

/**
 * Signs that a message was shaped to slip past readers and filters rather than written to be read:
 * text hidden from display (Unicode tag characters, bidi overrides, invisible characters or soft
 * hyphens inside a word, HTML/markdown comments), letters decorated to dodge keyword matching
 * (combining marks the font stacks on a Latin letter, Latin mixed with Cyrillic/Greek lookalikes
 * inside one word, fullwidth ASCII forms outside CJK text) and claims wrapped as a
 * machine payload (a JSON object or a YAML mapping), or words sent encoded (hex, base32, HTML
 * character references, quoted-printable; see decode.ts). None of this is needed to state a fact, so a
 * learning from such a turn goes to review instead of straight to the tenant (builtin.ts holds it
 * at the input and learning stages). Run on the *raw* text: canonicalisation removes the evidence.
 *
 * Kept narrow on purpose: accents typed as letters (é), right-to-left marks in Arabic or Hebrew
 * text, zero-width joiners in Indic scripts and emoji, and fullwidth punctuation in CJK text are
 * ordinary writing and are not signs.
 */

/** Tag characters (U+E0000–E007F): invisible, but a model reads them as ASCII ("ASCII smuggling"). */
const TAGS = /[\u{E0000}-\u{E007F}]/u;
/** Bidi embeddings, overrides and isolates: reorder what is displayed against what is stored. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** Invisible characters or a soft hyphen between two Latin letters: a keyword split for filters only. */
const SPLIT_WORD = /\p{Script=Latin}[\u00AD\u200B-\u200D\u2060-\u2064\uFEFF\u180E]+\p{Script=Latin}/u;
/**
 * A combining mark on a Latin letter that has no precomposed form (`p̃`), or two stacked on one
 * letter. A typed accent composes under NFC (`é`), so what is left over was decorated by hand.
 */
const DECORATED = /\p{Script=Latin}\p{M}/u;
const LATIN_WORD_MIXED = /[\p{L}\p{M}]+/gu;
/** Fullwidth ASCII forms (letters, digits, brackets), and CJK scripts where they are ordinary. */
const FULLWIDTH = /[\uFF01-\uFF5E]/;
/** Zero-width space, word joiners, BOM, Mongolian vowel separator (not ZWJ/ZWNJ: Indic scripts and emoji need those). */
const ZERO_WIDTH = /[\u200B\u2060-\u2064\uFEFF\u180E]/;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const COMMENT = /<!--[\s\S]*?(?:-->|$)|\[\/\/\]:\s*#\s*\(|\{\/\*[\s\S]*?\*\/\}/;
/** A JSON object with at least one string value of three words or more (a sentence in a payload). */
const JSON_OBJECT = /\{\s*"[^"\n]{1,40}"\s*:\s*"[^"\n]*\s[^"\n]*\s[^"\n]*"/;
/** Two or more `key: value` lines, at least one indented under a bare `key:` line: a YAML mapping. */
const YAML_MAPPING = /(?:^|\n)[ \t]*[\p{L}_][\p{L}\p{N}_-]{0,30}:[ \t]*\n[ \t]+[\p{L}_][\p{L}\p{N}_-]{0,30}:[ \t]+\S/u;

export type DisguiseSign = 'encoded_text' | 'tag_characters' | 'bidi_controls' | 'split_word' | 'zero_width' | 'decorated_letters' | 'mixed_script_word' | 'fullwidth_forms' | 'styled_letters' | 'hidden_comment' | 'structured_payload';

/**
 * Scripts with letters drawn like Latin ones (Cyrillic а, Greek ο, Armenian օ, Cherokee Ꭺ, Lisu ꓲ,
 * Coptic ⲟ). Japanese and Korean are not among them: "Tシャツ" mixes scripts honestly.
 */
const LOOKALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}\p{Script=Lisu}\p{Script=Coptic}]/u;
const MAYBE_LOOKALIKE = /[\u0370-\u058F\u13A0-\u13FF\u2C80-\u2CFF\uA4D0-\uA4FF\uAB70-\uABBF]/;

function mixedScriptWord(text: string): boolean {
  if (!MAYBE_LOOKALIKE.test(text)) return false;
  for (const m of text.matchAll(LATIN_WORD_MIXED)) {
    const w = m[0];
    if (/\p{Script=Latin}/u.test(w) && LOOKALIKE_SCRIPT.test(w)) return true;
  }
  return false;
}

/** Mathematical bold/italic/script letters and digits, circled and parenthesised letters: NFKC reads them as ASCII, a person rarely types them. */
const STYLED = /[\u{1D400}-\u{1D7FF}\u24B6-\u24E9\u249C-\u24B5\u{1F130}-\u{1F189}]/u;

/** The disguise signs in a raw text (empty for ordinary writing in any language). */
export function disguiseSigns(raw: string): DisguiseSign[] {
  const out: DisguiseSign[] = [];
  // Most texts are plain ASCII: none of the signs below but the last three can occur.
  const ascii = !/[^\x00-\x7F]/.test(raw);
  if (!ascii) {
    if (TAGS.test(raw)) out.push('tag_characters');
    if (BIDI.test(raw)) out.push('bidi_controls');
    if (SPLIT_WORD.test(raw)) out.push('split_word');
    else if (ZERO_WIDTH.test(raw)) out.push('zero_width');
    if (DECORATED.test(raw.normalize('NFC'))) out.push('decorated_letters');
    if (mixedScriptWord(raw.normalize('NFKC'))) out.push('mixed_script_word');
    if (FULLWIDTH.test(raw) && !CJK.test(raw)) out.push('fullwidth_forms');
    if (STYLED.test(raw)) out.push('styled_letters');
  }
  if (raw.includes('<!--') || raw.includes('[//]') || raw.includes('{/*')) if (COMMENT.test(raw)) out.push('hidden_comment');
  // Hex, base32, HTML character references, quoted-printable, \u escapes that decode to words.
  if (decodeInline(raw)) out.push('encoded_text');
  if ((raw.includes('{') && JSON_OBJECT.test(raw)) || (raw.includes(':\n') && YAML_MAPPING.test(raw))) out.push('structured_payload');
  return out;
}

/** The ASCII a run of tag characters spells (U+E0020–E007E → ' '–'~'), for screening only. */
export function decodeTagCharacters(raw: string): string {
  if (!TAGS.test(raw)) return '';
  let out = '';
  for (const ch of raw) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
  }
  return out;
}
