import { createHash } from 'node:crypto';

/**
 * Canonical form of a fact for dedupe: two learnings that differ only in spacing, case, Unicode
 * compatibility forms or a final full stop are the same fact. Not for display.
 */
export function normalizeFact(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[\s.,;:!?…。]+$/u, '')
    .toLowerCase();
}

/** sha256 (hex) of the normalised text: the `contentHash` used by KnowledgeStore.findByHash. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeFact(text), 'utf8').digest('hex');
}
