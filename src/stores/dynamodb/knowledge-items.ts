import type { DocKind, DocStatus, HistoryAction, KnowledgeDoc, Provenance, ReviewState } from '../../memory/knowledge-store.js';
import { reportedStatus } from '../../memory/review-rules.js';

/**
 * Item layout of the knowledge table. Partitions are per tenant and per kind of item, so the
 * search loader reads a tenant's documents, chunks and supersessions with three Queries and never
 * touches its history or votes. The tenant id is URI-encoded so a `#` in it cannot alias another
 * tenant's partition.
 *
 *   pk                          sk                         item
 *   <t>#DOC                     <docId>                    the document (state, text, chunkIds, rev)
 *   <t>#SRC                     <sourceUri>                { docId }: one document per source
 *   <t>#CHK                     <chunkId>                  { docId, idx, text }
 *   <t>#SUP                     <chunkId>#<byDocId>        { docId, byDocId, createdAt, seq }
 *   <t>#HIS#<docId>             <at>#<seq>                 a history event
 *   <t>#VOTE#<docId>            <kind>#<userId>            one vote
 *   <t>#RUN#<runId>             <docId>                    { ord, chunks }: run context
 *   <t>#META                    version                    { v }: bumped by every write search reads
 */
export const pk = {
  doc: (t: string) => `${enc(t)}#DOC`,
  src: (t: string) => `${enc(t)}#SRC`,
  chunk: (t: string) => `${enc(t)}#CHK`,
  sup: (t: string) => `${enc(t)}#SUP`,
  history: (t: string, docId: string) => `${enc(t)}#HIS#${docId}`,
  vote: (t: string, docId: string) => `${enc(t)}#VOTE#${docId}`,
  run: (t: string, runId: string) => `${enc(t)}#RUN#${encodeURIComponent(runId)}`,
  meta: (t: string) => `${enc(t)}#META`,
};
const enc = (t: string) => encodeURIComponent(t);

export interface DocItem {
  pk: string;
  sk: string;
  id: string;
  tenantId: string;
  sourceUri: string;
  kind: DocKind;
  text: string;
  /** Stored status: a rejected learning is 'deleted' with review 'rejected' (as in SQLite). */
  status: Exclude<DocStatus, 'rejected'>;
  /** Kept across a delete so a restore can put a superseded learning back under its superseder. */
  supersededBy?: string;
  contentHash: string;
  provenance: Provenance;
  ownerId?: string;
  review?: ReviewState;
  trust: number;
  createdAt: number;
  updatedAt: number;
  /** The document's chunks in order; a chunk item not listed here is not part of it (yet, or any more). */
  chunkIds: string[];
  /** Optimistic concurrency: every state change is conditional on the rev it read. */
  rev: number;
}

export interface ChunkItem {
  pk: string;
  sk: string;
  docId: string;
  idx: number;
  text: string;
}

export interface SupItem {
  pk: string;
  sk: string;
  chunkId: string;
  docId: string;
  byDocId: string;
  createdAt: number;
  seq: number;
}

export interface HistoryItem {
  pk: string;
  sk: string;
  docId: string;
  action: HistoryAction;
  actor: string;
  at: number;
  detail?: Record<string, unknown>;
}

export function statusOf(d: Pick<DocItem, 'status' | 'review'>): DocStatus {
  return reportedStatus(d);
}

export function toDoc(d: DocItem): KnowledgeDoc {
  const doc: KnowledgeDoc = {
    id: d.id,
    tenantId: d.tenantId,
    sourceUri: d.sourceUri,
    kind: d.kind,
    text: d.text,
    status: statusOf(d),
    contentHash: d.contentHash,
    provenance: d.provenance ?? {},
    scope: d.review === 'pending' || d.review === 'rejected' ? 'personal' : 'shared',
    trust: d.trust ?? 1,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
  if (d.ownerId) doc.ownerId = d.ownerId;
  if (d.review) doc.review = d.review;
  if (d.status === 'superseded' && d.supersededBy) doc.supersededBy = d.supersededBy;
  return doc;
}

/** What a viewer may read: shared active knowledge plus their own pending learnings. */
export function visibleTo(d: Pick<DocItem, 'status' | 'ownerId'>, viewer: string | null): boolean {
  return d.status === 'active' || (d.status === 'pending' && viewer !== null && d.ownerId === viewer);
}

let counter = 0;
/**
 * History sort key: time, then a per-process counter so events of one operation (same ms) keep
 * their order, then randomness so two processes never collide.
 */
export function historySk(at: number): string {
  counter = (counter + 1) % 1e9;
  return `${String(Math.max(0, Math.floor(at))).padStart(15, '0')}#${String(counter).padStart(9, '0')}#${Math.random().toString(36).slice(2, 8)}`;
}

/** Monotonic within a process: orders supersessions created in the same millisecond. */
export function nextSeq(now: number): number {
  counter = (counter + 1) % 1e9;
  return now * 1000 + (counter % 1000);
}
