/**
 * Encodings a person never needs to state a fact, but an attacker uses to keep a keyword away from
 * a filter while a model still reads it: hex (`\x72\x65…` or a bare run), base32, HTML character
 * references, quoted-printable (`=72=65…`, soft line breaks `appro=\nval`) and `\u0072` escapes.
 * Base64 and %XX are handled in normalize.ts.
 *
 * `decodeInline` returns the text with every run that decodes to readable text replaced in place
 * (so "&#114;&#101;… under 45k" reads "refunds under 45k" with its context), or '' when nothing
 * decoded. Used to decide only, never stored. A run that decodes to bytes that are not readable
 * text (a commit hash, a tracking number, an upper-case word) is left alone.
 */

/** Escapes and quoted-printable: a literal first character each, which V8 scans for quickly. */
const ESCAPE_HINT = /\\[xu]|&#|=[0-9A-F]{2}|=\r?\n/;

/**
 * Is there a run of 16 hex digits (single spaces allowed between them) or 16 base32 characters?
 * A loop over char codes: the regex `[0-9a-fA-F]{16}` retries at every position and was most of
 * this module's cost on ordinary text, which has no such run.
 */
function longRun(s: string): boolean {
  let hex = 0;
  let b32 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const isHex = digit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (isHex) hex++;
    else if (!(c === 32 && hex > 0 && s.charCodeAt(i - 1) !== 32)) hex = 0;
    if (upper || (c >= 50 && c <= 55)) b32++;
    else b32 = 0;
    if (hex >= 16 || b32 >= 16) return true;
  }
  return false;
}

const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){3,}/g;
const HEX_RUN = /(?<![0-9A-Za-z])[0-9a-fA-F]{2}(?:\s?[0-9a-fA-F]{2}){7,}(?![0-9A-Za-z])/g;
const BASE32_RUN = /(?<![A-Za-z0-9])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9])/g;
const ENTITY_RUN = /(?:&#(?:\d{1,7}|[xX][0-9a-fA-F]{1,6});?|&(?:amp|lt|gt|quot|apos|nbsp);)+/g;
const QP_RUN = /(?:=[0-9A-F]{2}){3,}/g;
const QP_SOFT_BREAK = /(?<=\p{L})=\r?\n(?=\p{L})/gu;
const U_ESCAPES = /(?:\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\})+/g;

/** Printable text with a few letters: what an encoded message decodes to, unlike an id's bytes. */
function readable(s: string): boolean {
  return s.length >= 3 && !s.includes('\uFFFD') && /^[\P{C}\n\t\r]*$/u.test(s) && /\p{L}{2}/u.test(s);
}

function bytesText(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}

function base32(s: string): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of s.replace(/=+$/, '')) {
    value = (value << 5) | A.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString('utf8');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function entities(run: string): string {
  return run.replace(/&#(\d{1,7}|[xX][0-9a-fA-F]{1,6});?|&(amp|lt|gt|quot|apos|nbsp);/g, (_, num: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name]!;
    const cp = num![0] === 'x' || num![0] === 'X' ? parseInt(num!.slice(1), 16) : parseInt(num!, 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  });
}

function uEscapes(run: string): string {
  return run.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (_, a: string | undefined, b: string | undefined) => {
    const cp = parseInt(a ?? b!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  });
}

/**
 * The last text asked about and its answer: one screening asks for the same text up to three times
 * (injection variants, disguise signs, the learning's detection views), ordinary text most of all.
 */
let last: { text: string; decoded: string } = { text: '', decoded: '' };

/** The text with its encoded runs decoded in place, or '' when none decoded to readable text. */
export function decodeInline(text: string): string {
  if (text === last.text) return last.decoded;
  const decoded = decodeRuns(text);
  last = { text, decoded };
  return decoded;
}

function decodeRuns(text: string): string {
  if (!ESCAPE_HINT.test(text) && !longRun(text)) return '';
  let changed = false;
  const swap = (re: RegExp, decode: (run: string) => string, minRun = 0) => (s: string) =>
    s.replace(re, (run) => {
      if (run.length < minRun) return run;
      const d = decode(run);
      if (!readable(d)) return run;
      changed = true;
      return d;
    });
  let s = text;
  if (s.includes('=')) {
    const joined = s.replace(QP_SOFT_BREAK, '');
    if (joined !== s) (changed = true), (s = joined);
  }
  s = swap(HEX_ESCAPES, (r) => bytesText(r.replace(/\\x/g, '')))(s);
  s = swap(U_ESCAPES, uEscapes)(s);
  s = swap(ENTITY_RUN, entities, 8)(s);
  s = swap(QP_RUN, (r) => bytesText(r.replace(/=/g, '')))(s);
  s = swap(HEX_RUN, (r) => bytesText(r.replace(/\s/g, '')))(s);
  s = swap(BASE32_RUN, base32)(s);
  return changed ? s : '';
}
