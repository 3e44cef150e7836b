import { neutraliseLearningTags } from './learning-tags.js';
import type { SearchHit } from './knowledge-store.js';

/**
 * KB chunks and tool output are untrusted: a document could try to close the fence, forge a
 * source header, or plant a `[LEARNING]:` line. Neutralise all three before they reach a prompt.
 */
export function neutraliseUntrusted(text: string): string {
  return neutraliseLearningTags(text)
    .replace(/<\s*\/?\s*(?:semantic[_\s-]*memory|user[_\s-]*memory|session[_\s-]*summary)\s*>/gi, (m) => m.replace(/</g, '‹').replace(/>/g, '›'))
    .replace(/^(\s*)\[(\s*source\s*:)/gim, '$1($2');
}

function headerText(s: string): string {
  return neutraliseUntrusted(s).replace(/[\]\n\r|]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** What the context knows about a hit beyond the search result: its date and its open conflicts. */
export interface HitNote {
  /** When the learning was taught or the document last ingested (ms). */
  at?: number;
  /** Another retrieved hit this one disagrees with (a recorded conflict), and which is newer. */
  conflict?: { source: string; newer: boolean };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Render retrieved chunks in the seed's format, one `[Source: … | score: …]` header each. Dated
 * (`learned 2026-11-29`, `as of …` for documents) when known; a hit in a recorded conflict says so
 * and which side is newer, so the model never meets two disagreeing facts unlabelled.
 */
export function renderSemanticMemory(hits: SearchHit[], notes: ReadonlyMap<string, HitNote> = new Map()): string {
  if (!hits.length) return '';
  const blocks = hits.map((h) => {
    const tags = [`Source: ${headerText(h.sourceUri)}`, `score: ${h.score.toFixed(2)}`];
    const note = notes.get(h.chunkId);
    if (h.kind === 'learning') tags.push('learning');
    if (note?.at !== undefined) tags.push(`${h.kind === 'learning' ? 'learned' : 'as of'} ${day(note.at)}`);
    if (note?.conflict) tags.push(`CONFLICT with ${headerText(note.conflict.source)}: this fact is ${note.conflict.newer ? 'NEWER' : 'OLDER'}`);
    if (h.supersededBy) tags.push(`SUPERSEDED by newer learning: "${headerText(h.supersededBy.text)}"`);
    return `[${tags.join(' | ')}]\n${neutraliseUntrusted(h.text).trim()}`;
  });
  return `<semantic_memory>\n${blocks.join('\n\n')}\n</semantic_memory>`;
}
