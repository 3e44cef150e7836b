import type { KnowledgeDoc } from '../memory/knowledge-store.js';

/**
 * Who may see a learning: a shared one, anyone in its tenant; a personal one (pending review,
 * rejected, or kept for its teacher), its owner and curators only. Every surface that lists or
 * shows learnings (HTTP, MCP, CLI) asks this one function, so they cannot drift apart.
 */
export function learningVisibleTo(viewer: { userId: string; curator?: boolean }, d: Pick<KnowledgeDoc, 'scope' | 'ownerId'>): boolean {
  return d.scope === 'shared' || !!viewer.curator || d.ownerId === viewer.userId;
}
