import type { KnowledgeDoc, KnowledgeStore } from '../memory/knowledge-store.js';
import type { LearningPolicy } from './policy.js';

export const CORROBORATION_ACTOR = 'system:corroboration';

/**
 * A pending learning that other users stated independently (same normalised text) is shared once
 * `corroborationUsers` distinct users stand behind it — unless it was sensitive: then the votes are
 * only shown to the curator, because N accounts saying "pay this IBAN" is how a coordinated attack
 * looks too. On promotion the voters' own pending copies are closed as merged into it.
 */
export async function corroborate(
  knowledge: KnowledgeStore,
  policy: LearningPolicy,
  p: { tenantId: string; canonical: KnowledgeDoc; userId: string; runId: string; ownCopyId?: string },
): Promise<{ promoted: boolean; count: number }> {
  const { count: votes } = await knowledge.vote({ tenantId: p.tenantId, id: p.canonical.id, userId: p.userId, kind: 'corroborate', runId: p.runId });
  const count = votes + 1; // the owner stated it first
  await knowledge.recordEvent({
    tenantId: p.tenantId,
    event: { docId: p.canonical.id, action: 'corroborated', actor: `user:${p.userId}`, at: Date.now(), detail: { users: count, needed: policy.corroborationUsers, runId: p.runId } },
  });
  if (count < policy.corroborationUsers || (await wasSensitive(knowledge, p.tenantId, p.canonical.id))) return { promoted: false, count };
  const current = await knowledge.getDocument({ tenantId: p.tenantId, id: p.canonical.id });
  if (current?.status !== 'pending') return { promoted: current?.status === 'active', count };
  await knowledge.review({ tenantId: p.tenantId, id: p.canonical.id, decision: 'approve', actor: CORROBORATION_ACTOR, reason: `stated independently by ${count} users` });
  const copies = await knowledge.listDocuments({ tenantId: p.tenantId, kind: 'learning', status: 'pending', text: p.canonical.text.toLowerCase(), limit: 1000 });
  for (const c of copies) {
    if (c.id === p.canonical.id || c.contentHash !== p.canonical.contentHash) continue;
    await knowledge.review({ tenantId: p.tenantId, id: c.id, decision: 'reject', actor: CORROBORATION_ACTOR, reason: `merged into ${p.canonical.id}, now shared` });
  }
  return { promoted: true, count };
}

/** The categories recorded when the learning was submitted (its text alone misses "supersedes a document"). */
async function wasSensitive(knowledge: KnowledgeStore, tenantId: string, id: string): Promise<boolean> {
  const events = await knowledge.history({ tenantId, id });
  const submitted = events.find((e) => e.action === 'submitted');
  const cats = submitted?.detail?.categories;
  return Array.isArray(cats) && cats.length > 0;
}
