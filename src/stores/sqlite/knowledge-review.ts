import type { HistoryAction, ReviewDecision } from '../../memory/knowledge-store.js';
import { type DocRow, type KnowledgeStatements, statusOf } from './knowledge-statements.js';
import { checkReview, REVIEW_ACTION } from '../../memory/review-rules.js';

type Log = (docId: string, tenantId: string, action: HistoryAction, actor: string, at: number, detail?: object) => void;


/**
 * The review state machine of a learning, run inside the store's transaction. Approval is where a
 * personal learning's supersessions start to hold for the tenant; returning a shared learning to
 * review lifts them again (the same rule as deleting it), so the tenant never keeps a fact hidden
 * by a claim nobody vouches for any more.
 */
export function reviewTransition(
  q: KnowledgeStatements,
  log: Log,
  now: number,
  doc: DocRow,
  p: { tenantId: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> },
): void {
  const { detail } = checkReview({ id: doc.id, kind: doc.kind, status: statusOf(doc) }, p);
  if (p.decision === 'approve') {
    q.setReview.run({ id: doc.id, status: 'active', review: 'approved', by: null, now });
    log(doc.id, p.tenantId, 'approved', p.actor, now, detail);
    for (const row of q.supersessionsBy.all(doc.id, p.tenantId) as Array<DocRow & { chunk_id: string }>) {
      if (row.kind !== 'learning' || row.status !== 'active' || row.id === doc.id) continue;
      q.setStatus.run({ id: row.id, status: 'superseded', by: doc.id, now });
      log(row.id, p.tenantId, 'superseded', p.actor, now, { by: doc.id, chunkId: row.chunk_id, because: 'superseder_approved' });
    }
    return;
  }
  if (p.decision === 'reject') {
    q.setReview.run({ id: doc.id, status: 'deleted', review: 'rejected', by: null, now });
    log(doc.id, p.tenantId, 'rejected', p.actor, now, detail);
    return;
  }
  q.setReview.run({ id: doc.id, status: 'pending', review: 'pending', by: null, now });
  log(doc.id, p.tenantId, 'returned_to_review', p.actor, now, detail);
  for (const l of q.supersededBy.all(p.tenantId, doc.id) as DocRow[]) {
    const other = q.otherActiveSuperseder.get(l.id, doc.id) as { by_doc_id: string } | undefined;
    q.setStatus.run({ id: l.id, status: other ? 'superseded' : 'active', by: other?.by_doc_id ?? null, now });
    if (!other) log(l.id, p.tenantId, 'restored', p.actor, now, { because: 'superseder_returned_to_review', by: doc.id });
  }
}
