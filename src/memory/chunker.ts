import { wordSpans } from '../util/tokens.js';

export interface Chunk {
  index: number;
  text: string;
  /** Character offsets of the chunk in the source text (end exclusive). */
  start: number;
  end: number;
}

export interface ChunkOptions {
  /** Target chunk size in (estimated) tokens. */
  chunkTokens?: number;
  /** Fraction of a chunk repeated at the start of the next one, 0..0.9. */
  overlap?: number;
}

/**
 * Token estimate per whitespace-delimited word: max(1, ceil(chars / 4)). This is the same 4-chars-
 * per-token rule as estimateTokens, but never below one token per word, so short-word English
 * prose comes out near the usual ~1.3 tokens per word (0.75 words per token). Chunking by words
 * keeps chunk edges off the middle of a word without needing a model tokenizer.
 */
function wordTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** A chunk may end early at a sentence boundary once it holds this share of its budget. */
const SENTENCE_SLACK = 0.75;

/**
 * Split text into fixed-size token windows with overlap, ending a window at a sentence or
 * paragraph boundary when one lies in its last quarter, so a fact is less often cut in half.
 * Text within one window comes back as a single chunk; blank text yields no chunks.
 */
export function chunkText(text: string, options: ChunkOptions = {}): Chunk[] {
  const budget = Math.max(1, Math.floor(options.chunkTokens ?? 512));
  const overlap = Math.min(0.9, Math.max(0, options.overlap ?? 0.2));
  const words = splitLongWords(wordSpans(text), budget * 4);
  if (words.length === 0) return [];
  const cost = words.map((w) => wordTokens(w.end - w.start));

  const chunks: Chunk[] = [];
  let first = 0;
  while (first < words.length) {
    // Greedy fill: take words until the next one would exceed the budget (always at least one).
    let used = 0;
    let last = first; // exclusive
    while (last < words.length && (last === first || used + cost[last]! <= budget)) used += cost[last++]!;

    if (last < words.length) last = sentenceEnd(text, words, cost, first, last, budget) ?? last;
    const start = words[first]!.start;
    const end = words[last - 1]!.end;
    chunks.push({ index: chunks.length, text: text.slice(start, end), start, end });
    if (last >= words.length) break;

    // Step back from the end until the overlap budget is used; always move forward by a word.
    let next = last;
    let back = 0;
    const overlapTokens = Math.floor(budget * overlap);
    while (next - 1 > first && back + cost[next - 1]! <= overlapTokens) back += cost[--next]!;
    first = next;
  }
  return chunks;
}

/**
 * How a document's text becomes retrieval units: 'tokens' (default) fills fixed-size windows with
 * overlap (chunkText); 'paragraphs' makes each block between blank lines one chunk — a conversation
 * transcript with one turn per paragraph, an FAQ, a changelog — so each unit is a turn or entry and
 * its neighbours are the ones before and after it. A paragraph over the token budget is still cut
 * by chunkText (no overlap across paragraphs), so no chunk is unbounded.
 */
export type Chunking = 'tokens' | 'paragraphs';

export function chunkDocument(text: string, chunking: Chunking = 'tokens', options: ChunkOptions = {}): Chunk[] {
  return chunking === 'paragraphs' ? chunkParagraphs(text, options) : chunkText(text, options);
}

/** One chunk per blank-line-separated block (offsets into `text`); long blocks are windowed. */
export function chunkParagraphs(text: string, options: ChunkOptions = {}): Chunk[] {
  const chunks: Chunk[] = [];
  for (const m of text.matchAll(/\S[\s\S]*?(?=\n[ \t\r]*\n|\s*$)/g)) {
    const block = m[0].trimEnd();
    const at = m.index;
    for (const c of chunkText(block, { ...options, overlap: 0 })) {
      chunks.push({ index: chunks.length, text: c.text, start: at + c.start, end: at + c.end });
    }
  }
  return chunks;
}

/** Latest word index (exclusive end) in the window's tail that closes a sentence or paragraph. */
function sentenceEnd(
  text: string,
  words: Array<{ start: number; end: number }>,
  cost: number[],
  first: number,
  last: number,
  budget: number,
): number | undefined {
  let used = 0;
  let best: number | undefined;
  for (let i = first; i < last; i++) {
    used += cost[i]!;
    if (used < budget * SENTENCE_SLACK) continue;
    const w = words[i]!;
    const gap = text.slice(w.end, words[i + 1]?.start ?? text.length);
    if (/[.!?…。]["'”’)\]]*$/u.test(text.slice(w.start, w.end)) || /\n\s*\n/.test(gap)) best = i + 1;
  }
  return best;
}

/** A "word" longer than a whole chunk (base64, minified code) is cut so no chunk is unbounded. */
function splitLongWords(spans: Array<{ start: number; end: number }>, maxChars: number) {
  const out: Array<{ start: number; end: number }> = [];
  for (const s of spans) {
    for (let p = s.start; p < s.end; p += maxChars) out.push({ start: p, end: Math.min(s.end, p + maxChars) });
  }
  return out;
}
