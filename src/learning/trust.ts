import type { KnowledgeStore } from '../memory/knowledge-store.js';
import type { LearningPolicy } from './policy.js';

export const FEEDBACK_ACTOR = 'system:feedback';

/**
 * A thumbs-down on an answer counts against every learning that was in its prompt: one vote per
 * user and learning, trust lowered by 1/K per vote, and after K distinct users a shared learning
 * goes back to review (its owner keeps it; the tenant stops reading it until a curator decides).
 * Documents are not touched: an ingested source is corrected by re-ingesting it.
 */
export async function lowerTrustAfterThumbsDown(
  deps: { knowledge: KnowledgeStore; policy: LearningPolicy },
  p: { tenantId: string; runId: string; userId: string },
): Promise<Array<{ id: string; trust: number; returnedToReview: boolean }>> {
  const k = deps.knowledge;
  const K = deps.policy.thumbsDownToReview;
  const out: Array<{ id: string; trust: number; returnedToReview: boolean }> = [];
  for (const id of await k.runContext({ tenantId: p.tenantId, runId: p.runId })) {
    const doc = await k.getDocument({ tenantId: p.tenantId, id });
    if (!doc || doc.kind !== 'learning' || doc.status !== 'active') continue;
    const v = await k.vote({ tenantId: p.tenantId, id, userId: p.userId, kind: 'down', runId: p.runId, trustDelta: -1 / K });
    if (v.added) {
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: id, action: 'trust_lowered', actor: `user:${p.userId}`, at: Date.now(), detail: { runId: p.runId, trust: v.trust, downVotes: v.count } } });
    }
    let returned = false;
    if (v.count >= K) {
      await k.review({ tenantId: p.tenantId, id, decision: 'return', actor: FEEDBACK_ACTOR, reason: `${v.count} users rated answers that used it down` });
      returned = true;
    }
    out.push({ id, trust: v.trust, returnedToReview: returned });
  }
  return out;
}
