import { neutraliseLearningTags } from '../agent/learning-tags.js';
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

/** Render retrieved chunks in the seed's format, one `[Source: … | score: …]` header each. */
export function renderSemanticMemory(hits: SearchHit[]): string {
  if (!hits.length) return '';
  const blocks = hits.map((h) => {
    const tags = [`Source: ${headerText(h.sourceUri)}`, `score: ${h.score.toFixed(2)}`];
    if (h.kind === 'learning') tags.push('learning');
    if (h.supersededBy) tags.push(`SUPERSEDED by newer learning: "${headerText(h.supersededBy.text)}"`);
    return `[${tags.join(' | ')}]\n${neutraliseUntrusted(h.text).trim()}`;
  });
  return `<semantic_memory>\n${blocks.join('\n\n')}\n</semantic_memory>`;
}
