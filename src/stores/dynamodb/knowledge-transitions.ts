import type { ReviewDecision } from '../../memory/knowledge-store.js';
import type { KnowledgeDb } from './knowledge-db.js';
import { type DocItem, pk, statusOf, type SupItem } from './knowledge-items.js';
import { KnowledgeTx } from './knowledge-tx.js';
import { checkReview, REVIEW_ACTION } from '../../memory/review-rules.js';

/**
 * Delete, restore and review of the DynamoDB knowledge store: the same state machine as the SQLite
 * store (knowledge-review.ts there), each run as one conditional transaction over every document
 * it touches. A lost race throws WriteConflict and the caller re-reads and retries.
 */


export async function deleteTransition(db: KnowledgeDb, now: number, doc: DocItem, p: { tenantId: string; actor: string; reason?: string }): Promise<DocItem> {
  if (doc.status === 'deleted') return doc;
  const tx = new KnowledgeTx(db, p.tenantId, now);
  // supersededBy is kept so a restore can put a superseded doc back where it was.
  const out = tx.update(doc, { status: 'deleted' });
  tx.log(doc.id, 'deleted', p.actor, { previousStatus: doc.status, ...(p.reason ? { reason: p.reason } : {}) });
  // Only a doc that was current truth gives back what it superseded: deleting an already
  // superseded learning must not resurrect the even older fact beneath it.
  if (doc.status === 'active') await liftSupersessions(db, tx, doc, p.actor, 'superseder_deleted');
  await tx.commit();
  return out;
}

export async function restoreTransition(db: KnowledgeDb, now: number, doc: DocItem, p: { tenantId: string; actor: string }): Promise<DocItem> {
  if (doc.status !== 'deleted') return doc;
  const tx = new KnowledgeTx(db, p.tenantId, now);
  // A learning deleted (or rejected) before it was approved goes back to the review queue.
  if (doc.review === 'pending' || doc.review === 'rejected') {
    const out = tx.update(doc, { status: 'pending', review: 'pending', supersededBy: undefined });
    tx.log(doc.id, 'restored', p.actor, { status: 'pending' });
    await tx.commit();
    return out;
  }
  const holder = doc.supersededBy ? await db.get<DocItem>(pk.doc(p.tenantId), doc.supersededBy) : undefined;
  const status = holder?.status === 'active' ? 'superseded' : 'active';
  const out = tx.update(doc, { status, supersededBy: status === 'superseded' ? holder!.id : undefined });
  tx.log(doc.id, 'restored', p.actor, { status });
  if (status === 'active') {
    // Re-apply: learnings it had superseded and that are active again go back to superseded.
    // Document chunk annotations need nothing: search reads them through the superseder's status.
    const docs = await learningsItSuperseded(db, p.tenantId, doc.id);
    for (const l of docs.filter((d) => d.status === 'active')) {
      tx.update(l, { status: 'superseded', supersededBy: doc.id });
      tx.log(l.id, 'superseded', p.actor, { by: doc.id, because: 'superseder_restored' });
    }
  }
  await tx.commit();
  return out;
}

export async function reviewTransition(
  db: KnowledgeDb,
  now: number,
  doc: DocItem,
  p: { tenantId: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> },
): Promise<DocItem> {
  const { detail } = checkReview({ id: doc.id, kind: doc.kind, status: statusOf(doc) }, p);
  const tx = new KnowledgeTx(db, p.tenantId, now);
  let out: DocItem;
  if (p.decision === 'approve') {
    out = tx.update(doc, { status: 'active', review: 'approved', supersededBy: undefined });
    tx.log(doc.id, 'approved', p.actor, detail);
    // Approval is where a personal learning's supersessions start to hold for the tenant.
    const sups = (await db.query<SupItem>(pk.sup(p.tenantId))).filter((s) => s.byDocId === doc.id);
    const seen = new Set<string>();
    for (const s of sups) {
      if (seen.has(s.docId) || s.docId === doc.id) continue;
      seen.add(s.docId);
      const row = await db.get<DocItem>(pk.doc(p.tenantId), s.docId);
      if (!row || row.kind !== 'learning' || row.status !== 'active') continue;
      tx.update(row, { status: 'superseded', supersededBy: doc.id });
      tx.log(row.id, 'superseded', p.actor, { by: doc.id, chunkId: s.chunkId, because: 'superseder_approved' });
    }
  } else if (p.decision === 'reject') {
    out = tx.update(doc, { status: 'deleted', review: 'rejected', supersededBy: undefined });
    tx.log(doc.id, 'rejected', p.actor, detail);
  } else {
    out = tx.update(doc, { status: 'pending', review: 'pending', supersededBy: undefined });
    tx.log(doc.id, 'returned_to_review', p.actor, detail);
    // Returning a shared learning to review lifts what it superseded, as deleting it would.
    await liftSupersessions(db, tx, doc, p.actor, 'superseder_returned_to_review');
  }
  await tx.commit();
  return out;
}

/** Learnings `doc` holds down come back, unless another active superseder still holds them. */
async function liftSupersessions(db: KnowledgeDb, tx: KnowledgeTx, doc: DocItem, actor: string, because: string): Promise<void> {
  const held = (await db.query<DocItem>(pk.doc(doc.tenantId))).filter((d) => d.status === 'superseded' && d.supersededBy === doc.id);
  if (held.length === 0) return;
  const sups = (await db.query<SupItem>(pk.sup(doc.tenantId))).sort((a, b) => b.seq - a.seq);
  for (const l of held) {
    let other: string | undefined;
    for (const s of sups) {
      if (s.docId !== l.id || s.byDocId === doc.id) continue;
      const by = await db.get<DocItem>(pk.doc(doc.tenantId), s.byDocId);
      if (by?.status === 'active') {
        other = by.id;
        break;
      }
    }
    tx.update(l, { status: other ? 'superseded' : 'active', supersededBy: other });
    if (!other) tx.log(l.id, 'restored', actor, { because, by: doc.id });
  }
}

/** Learnings with a chunk superseded by `byId`. */
async function learningsItSuperseded(db: KnowledgeDb, tenantId: string, byId: string): Promise<DocItem[]> {
  const ids = new Set((await db.query<SupItem>(pk.sup(tenantId))).filter((s) => s.byDocId === byId).map((s) => s.docId));
  const docs = await Promise.all([...ids].map((id) => db.get<DocItem>(pk.doc(tenantId), id)));
  return docs.filter((d): d is DocItem => !!d && d.kind === 'learning');
}
