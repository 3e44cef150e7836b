import { stemmer } from 'stemmer';

/**
 * Text → index terms, shared by every lexical ranker (SQLite's in-process index, the DynamoDB
 * store's in-process BM25, the benches): NFKC, lower case, letter/digit runs, Porter stemming.
 * Pure functions; the only state is a bounded memo of stems (stemming is the costly step and a
 * corpus repeats a few thousand words most of the time).
 */

/**
 * Question words and glue that would otherwise match nearly every chunk, plus the fragments the
 * tokenizer cuts from contractions and possessives ("what's" → what + s, "don't" → don + t).
 * Applied to queries only: documents keep every word, so lengths and positions stay true.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `s t d ll m re ve
  a about above after again all also am an and any are as at be been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her
  here hers him his how i if in into is it its itself just me more most my no nor not of off on once
  only or other our ours out over own please same she should so some such tell than that the their
  theirs them then there these they this those through to too under until up very was we were what
  when where which while who whom why will with would you your yours`.split(/\s+/),
);

/** Bound on terms per query: keeps a pasted essay from becoming a thousand-way OR. */
export const MAX_QUERY_TERMS = 32;
/** Longer runs (hashes, base64) are indexed as they are, not stemmed. */
const MAX_STEM_LENGTH = 40;
const MEMO_LIMIT = 200_000;
const memo = new Map<string, string>();

export function stem(word: string): string {
  if (word.length <= 2 || word.length > MAX_STEM_LENGTH || /\d/.test(word)) return word;
  let s = memo.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, s);
  }
  return s;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Lower-cased letter/digit runs of at most 64 characters, in order (positions = array indexes). */
export function words(text: string): string[] {
  // ASCII text (most chunks) takes a path several times faster with the same result: NFKC leaves
  // ASCII as it is, and its only letters and digits are [a-z0-9] once lower-cased.
  const runs = ASCII.test(text) ? text.toLowerCase().match(/[a-z0-9]+/g) : text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return (runs ?? []).filter((w) => w.length <= 64);
}

export interface AnalyzeOptions {
  /** Porter stemming (default on). */
  stem?: boolean;
}

/** Every term of a text in order, as the index stores it. */
export function analyze(text: string, options: AnalyzeOptions = {}): string[] {
  const ws = words(text);
  return options.stem === false ? ws : ws.map(stem);
}

/**
 * analyze(text) with every term not in `wanted` blanked (''): same length, same positions, for
 * proximity over a query's terms. Much cheaper than analyze on a long chunk: a word is stemmed
 * only when its first letter starts a wanted term — Porter rewrites a word's end, never its first
 * letter (checked over every word of up to four letters and 13M longer ones, and property-tested
 * in analyze.test.ts) — so most words of a chunk are never stemmed.
 */
export function positionsOf(text: string, wanted: ReadonlySet<string>): string[] {
  const heads = new Set<string>();
  for (const t of wanted) heads.add(t[0]!);
  // words(text), inlined to allocate one array instead of three (this runs on every candidate).
  const ascii = ASCII.test(text);
  const re = ascii ? /[a-z0-9]+/g : /[\p{L}\p{N}]+/gu;
  const src = ascii ? text.toLowerCase() : text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    const w = m[0];
    if (w.length > 64) continue;
    if (!heads.has(w[0]!)) {
      out.push('');
      continue;
    }
    const t = stem(w);
    out.push(wanted.has(t) ? t : '');
  }
  return out;
}

/**
 * The positions of each wanted term in analyze(text): positionsOf(text, wanted) grouped by term,
 * without an array slot or a string per word. ASCII text (most chunks) is scanned by char code and
 * only the words whose first letter starts a wanted term are cut out and stemmed (positionsOf's
 * argument); other text goes through positionsOf. Terms absent from the text have no entry.
 */
export function wantedPositions(text: string, wanted: ReadonlySet<string>): Map<string, number[]> {
  const at = new Map<string, number[]>();
  const heads = new Uint8Array(128);
  for (const t of wanted) {
    const h = t.charCodeAt(0);
    if (h < 128) heads[h] = 1;
  }
  let pos = 0;
  let start = -1;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (c > 127) return groupPositions(positionsOf(text, wanted));
    // [0-9A-Za-z]: a word character of ASCII text (lower-casing maps only A-Z, to a-z).
    const word = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (word) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const len = i - start;
    if (len <= 64) {
      const h = text.charCodeAt(start);
      if (heads[h >= 65 && h <= 90 ? h + 32 : h]) {
        const t = stem(text.slice(start, i).toLowerCase());
        if (wanted.has(t)) {
          const list = at.get(t);
          if (list) list.push(pos);
          else at.set(t, [pos]);
        }
      }
      pos++;
    }
    start = -1;
  }
  return at;
}

function groupPositions(terms: readonly string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    if (t === '') continue;
    const list = at.get(t);
    if (list) list.push(i);
    else at.set(t, [i]);
  }
  return at;
}

export interface QueryOptions extends AnalyzeOptions {
  /** Drop STOP_WORDS (default on); a query of nothing but stop words keeps them all. */
  stopWords?: boolean;
}

/** Distinct query terms in order of first use, stop words removed, at most MAX_QUERY_TERMS. */
export function queryTerms(text: string, options: QueryOptions = {}): string[] {
  const ws = [...new Set(words(text))];
  const content = options.stopWords === false ? ws : ws.filter((w) => !STOP_WORDS.has(w));
  const kept = (content.length > 0 ? content : ws).map((w) => (options.stem === false ? w : stem(w)));
  return [...new Set(kept)].slice(0, MAX_QUERY_TERMS);
}

/**
 * Field weighting in one index: a title's terms are indexed as terms of their own (prefixed, so
 * `title:api` and `api` have separate document frequencies) beside the body's, and a query asks
 * for both, the title form at a lower weight. The document length counts both fields.
 */
export const TITLE_PREFIX = '^';

export function analyzeFields(body: string, title: string, options: AnalyzeOptions = {}): string[] {
  const terms = analyze(body, options);
  for (const t of analyze(title, options)) terms.push(TITLE_PREFIX + t);
  return terms;
}

/** Query terms for body and title; `titleWeight` 0 leaves the title out. */
export function fieldQuery(terms: readonly string[], titleWeight: number): Array<{ term: string; weight: number }> {
  const q = terms.map((term) => ({ term, weight: 1 }));
  return titleWeight > 0 ? [...q, ...terms.map((term) => ({ term: TITLE_PREFIX + term, weight: titleWeight }))] : q;
}
