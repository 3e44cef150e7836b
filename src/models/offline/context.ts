import { isQuestion } from '../../learning/claims.js';
import type { ConverseRequest } from '../types.js';
import { messageText } from '../types.js';
import { hedged } from './learn.js';
import { keywords, overlap, sentences } from './text.js';

/** A fact the offline model can see in its request, with where it came from. */
export interface ContextFact {
  sentence: string;
  source: string;
  /** Retrieval order of its block (0 = first). */
  rank: number;
  learned: boolean;
  superseded: boolean;
  /** For a superseded block: the newer learning its header quotes. */
  newer?: string;
}

/** Semantic memory, the user's own memory and the session summary share one format (memory/fence.ts, memory-context.ts). */
const FENCE = /<(semantic_memory|user_memory|session_summary)>([\s\S]*?)<\/\1>/gi;
const HEADER = /^\[Source:\s*([^|\]]+?)\s*\|\s*score:\s*([\d.]+)([^\]]*)\]\s*$/i;

export function systemText(req: ConverseRequest): string {
  return (req.system ?? []).map((b) => ('text' in b ? b.text : '')).join('\n');
}

/**
 * Facts from `<semantic_memory>`, `<user_memory>` and `<session_summary>` blocks (system or messages) and from the user's own earlier
 * statements. Blocks whose header says SUPERSEDED are kept but flagged.
 */
export function contextFacts(req: ConverseRequest, system: string = systemText(req)): ContextFact[] {
  const facts: ContextFact[] = [];
  // Each message's text once: the fences are read from all of them, statements from the user's.
  const messageTexts = req.messages.map(messageText);
  let rank = 0;
  for (const t of [system, ...messageTexts]) {
    for (const m of t.matchAll(FENCE)) rank = fencedFacts(m[2]!, rank, facts);
  }
  // Earlier user statements in this session are facts too ("my name is Ana"); questions and requests are not.
  for (let i = 0; i < req.messages.length - 1; i++) {
    if (req.messages[i]!.role !== 'user') continue;
    const text = messageTexts[i]!.replace(FENCE, '');
    for (const s of sentences(text)) {
      // A question, a request ("Look up order A-7") or a wish told nothing: read back, it would answer itself.
      if (!isQuestion(s) && !hedged(s)) facts.push({ sentence: s, source: 'this conversation', rank: rank, learned: false, superseded: false });
    }
  }
  return facts;
}

/** The facts of one fenced block, one rank per `[Source: …]` header; returns the next rank. */
function fencedFacts(body: string, rank: number, facts: ContextFact[]): number {
  let cur: { source: string; learned: boolean; superseded: boolean; newer?: string; lines: string[] } | undefined;
  const flush = () => {
    if (!cur) return;
    const all = sentences(cur.lines.join('\n'));
    const stale = replacedSentences(all, cur.superseded ? cur.newer : undefined);
    for (const [i, s] of all.entries()) {
      const superseded = cur.superseded && stale.has(i);
      facts.push({ sentence: s, source: cur.source, rank, learned: cur.learned, superseded, ...(superseded && cur.newer ? { newer: cur.newer } : {}) });
    }
    rank++;
  };
  for (const line of body.split('\n')) {
    const h = HEADER.exec(line.trim());
    if (h) {
      flush();
      const extra = h[3]!.toLowerCase();
      // An OLDER side of a recorded conflict counts as stale, like a superseded block.
      const stale = extra.includes('superseded') || (extra.includes('conflict') && extra.includes('older'));
      const newer = /superseded by newer learning:\s*"([^"]*)"/i.exec(h[3]!)?.[1]?.trim();
      cur = { source: h[1]!, learned: extra.includes('learning'), superseded: stale, ...(newer ? { newer } : {}), lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  flush();
  return rank;
}

/**
 * A superseded chunk may hold several facts, and a learning replaces one of them: "The cafeteria
 * closes at 15:00" supersedes the office page's chunk, not its "Meeting room B is called
 * Kilimanjaro". Read as a model would, the sentences the newer learning is about (most words in
 * common with it) are the stale ones; the others still stand. When the header quotes no newer
 * learning, or it shares no word with any sentence, the whole block counts as stale.
 */
function replacedSentences(all: string[], newer: string | undefined): Set<number> {
  const every = new Set(all.map((_, i) => i));
  if (!newer || all.length < 2) return every;
  const want = keywords(newer);
  const scores = all.map((s) => overlap(want, keywords(s)));
  const best = Math.max(...scores);
  if (best === 0) return every;
  return new Set(scores.flatMap((n, i) => (n === best ? [i] : [])));
}
