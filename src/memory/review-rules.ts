import { LoreError } from '../errors.js';
import type { DocKind, DocStatus, HistoryAction, ReviewDecision } from './knowledge-store.js';

/**
 * The review rules of a learning, shared by every knowledge adapter so they accept and refuse the
 * same transitions: approve and reject take a pending learning, return takes an active one.
 */

/** The history action each review decision records. */
export const REVIEW_ACTION: Record<ReviewDecision, HistoryAction> = { approve: 'approved', reject: 'rejected', return: 'returned_to_review' };

/** A stored document's status as the port reports it: a rejected learning is stored as deleted. */
export function reportedStatus(d: { status: DocStatus; review?: string | null }): DocStatus {
  return d.status === 'deleted' && d.review === 'rejected' ? 'rejected' : d.status;
}

/**
 * Checks the transition (VALIDATION_FAILED for a document, CONFLICT from a state the decision does
 * not apply to) and returns the status it starts from and the history event's detail.
 */
export function checkReview(
  doc: { id: string; kind: DocKind; status: DocStatus },
  p: { decision: ReviewDecision; reason?: string; detail?: Record<string, unknown> },
): { from: DocStatus; detail: Record<string, unknown> } {
  if (doc.kind !== 'learning') throw new LoreError('VALIDATION_FAILED', `${doc.id} is a document, not a learning`);
  const from = doc.status;
  const allowed = p.decision === 'return' ? from === 'active' : from === 'pending';
  if (!allowed) {
    throw new LoreError('CONFLICT', `learning ${doc.id} is ${from}: it cannot be ${REVIEW_ACTION[p.decision].replace(/_/g, ' ')}`, { details: { status: from } });
  }
  return { from, detail: { ...(p.reason ? { reason: p.reason } : {}), ...(p.detail ?? {}), previousStatus: from } };
}
