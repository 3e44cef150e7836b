/** Semantic memory: documents and learnings, chunked and searchable, with supersession history. */
import type { Chunking } from './chunker.js';

export type DocKind = 'document' | 'learning';

/** Search hits as recorded run context: rank = position in the results (1-based). */
export function contextChunks(hits: SearchHit[], via: RunContextChunk['via']): RunContextChunk[] {
  return hits.map((h, i) => ({ docId: h.docId, chunkId: h.chunkId, score: Number(h.score.toFixed(4)), rawScore: h.rawScore, via, rank: i + 1 }));
}

/** A chunk that reached a run's prompt: through the context (BuildContext) or the search_knowledge tool. */
export interface RunContextChunk {
  docId: string;
  chunkId: string;
  /** Normalised score (1 = best of that search) and the raw BM25/RRF score. */
  score: number;
  rawScore: number;
  via: 'context' | 'tool';
  /** 1-based position in that search's results. */
  rank?: number;
}
/**
 * 'pending': a learning awaiting review — visible to its owner only. 'rejected': a curator (or the
 * policy) refused it — visible to nobody, kept for the audit trail.
 */
export type DocStatus = 'active' | 'pending' | 'superseded' | 'deleted' | 'rejected';
/** Derived from status/review: a pending or rejected learning is personal; everything else is shared. */
export type DocScope = 'shared' | 'personal';
export type ReviewState = 'pending' | 'approved' | 'rejected';

/** Who is searching: they see the tenant's shared knowledge plus their own pending learnings. */
export interface Viewer {
  userId: string;
}

export interface Provenance {
  sessionId?: string;
  userId?: string;
  traceId?: string;
  runId?: string;
  turnId?: string;
  model?: string;
}

export interface KnowledgeDoc {
  id: string;
  tenantId: string;
  sourceUri: string;
  kind: DocKind;
  text: string;
  status: DocStatus;
  /** Learning that replaced this one (set when status = superseded). */
  supersededBy?: string;
  /** Normalised-text hash, for dedupe. */
  contentHash: string;
  provenance: Provenance;
  scope: DocScope;
  /** The user who taught a learning (absent for documents and learnings older than the trust model). */
  ownerId?: string;
  review?: ReviewState;
  /** 0..1, lowered by thumbs-down on answers whose prompt held it. */
  trust: number;
  createdAt: number;
  updatedAt: number;
}

export interface SearchHit {
  docId: string;
  chunkId: string;
  sourceUri: string;
  kind: DocKind;
  text: string;
  /** Normalised to 0..1 within this result set (1 = best). */
  score: number;
  /** Raw engine score (BM25, or RRF when hybrid). */
  rawScore: number;
  /** With `explain`: 1-based rank in the BM25 list and in the vector list (absent = not in that list). */
  ranks?: { lexical?: number; vector?: number };
  /**
   * With `explain`, when the lexical ranking was re-ranked: the first-pass BM25 and what proximity,
   * the adjacent chunks (neighbour) and the document's best passage added; `score` is their sum.
   */
  rerank?: { bm25: number; proximity: number; neighbour: number; document: number; score: number };
  /**
   * Set when a newer learning superseded a fact in this chunk. The chunk stays searchable (it may
   * hold other facts) but is shown marked and ranked after the learning that superseded it.
   */
  supersededBy?: { docId: string; text: string };
}

export type HistoryAction =
  | 'created' | 'updated' | 'superseded' | 'chunk_superseded' | 'deleted' | 'restored' | 'noop'
  | 'submitted' | 'approved' | 'rejected' | 'returned_to_review' | 'corroborated' | 'trust_lowered'
  /** An ADD that disagrees with an active fact (detail: with = the other doc, role newer/older). */
  | 'conflict';

/** approve: pending → active (shared). reject: pending → rejected. return: active → pending. */
export type ReviewDecision = 'approve' | 'reject' | 'return';
export type VoteKind = 'corroborate' | 'down';

export interface HistoryEvent {
  docId: string;
  action: HistoryAction;
  actor: string;
  at: number;
  detail?: Record<string, unknown>;
}

export interface KnowledgeStore {
  /**
   * Insert or replace (same tenant + sourceUri) a document, chunk it and index it synchronously:
   * it is searchable as soon as the promise resolves.
   */
  upsertDocument(params: {
    tenantId: string;
    sourceUri: string;
    kind: DocKind;
    text: string;
    provenance?: Provenance;
    id?: string;
    actor?: string;
    /** Initial status of a new learning: 'pending' keeps it personal (its owner = provenance.userId). */
    status?: 'active' | 'pending';
    /**
     * How the text becomes chunks (chunker.ts): 'tokens' (default, fixed windows with overlap) or
     * 'paragraphs' (one chunk per blank-line-separated block: a transcript's turns, FAQ entries).
     * Re-upserting the same text with another chunking is still a no-op.
     */
    chunking?: Chunking;
  }): Promise<KnowledgeDoc>;
  getDocument(params: { tenantId: string; id: string }): Promise<KnowledgeDoc | null>;
  listDocuments(params: {
    tenantId: string;
    kind?: DocKind;
    status?: DocStatus;
    text?: string;
    sourcePrefix?: string;
    ownerId?: string;
    limit?: number;
    offset?: number;
  }): Promise<KnowledgeDoc[]>;
  findByHash(params: { tenantId: string; contentHash: string }): Promise<KnowledgeDoc | null>;
  /**
   * BM25 (or hybrid) top-k over what the viewer may see: active (shared) documents and learnings,
   * plus the viewer's own pending learnings. Without a viewer: shared knowledge only. A pending
   * learning's supersessions apply only for its owner.
   */
  search(params: { tenantId: string; query: string; topK: number; kinds?: DocKind[]; viewer?: Viewer; explain?: boolean }): Promise<SearchHit[]>;
  /**
   * `newId` supersedes the fact in `chunkId`. If the chunk belongs to a learning, that learning
   * becomes `superseded` and drops out of search; a document chunk is annotated instead. When
   * `newId` is pending (personal), only the annotation is recorded: it applies to its owner's view
   * until the learning is approved, which then applies it for the tenant.
   */
  supersede(params: { tenantId: string; chunkId: string; newId: string; actor: string }): Promise<void>;
  /** Soft delete: never returned by search again. Learnings this one superseded come back. */
  deleteDocument(params: { tenantId: string; id: string; actor: string; reason?: string }): Promise<KnowledgeDoc>;
  /** Undo a delete; re-applies the supersessions it had made. */
  restoreDocument(params: { tenantId: string; id: string; actor: string }): Promise<KnowledgeDoc>;
  history(params: { tenantId: string; id: string }): Promise<HistoryEvent[]>;
  /** Record a history event that is not a state change (e.g. a NOOP decision). */
  recordEvent(params: { tenantId: string; event: HistoryEvent }): Promise<void>;
  /**
   * A review transition of a learning, with its history event (actor, reason). approve: pending →
   * active, applying its supersessions for the tenant; reject: pending → rejected; return: active
   * → pending, lifting what it had superseded for the tenant. Throws CONFLICT from other states.
   */
  review(params: { tenantId: string; id: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> }): Promise<KnowledgeDoc>;
  /**
   * One vote per user, learning and kind. Returns whether it was new and how many distinct users
   * voted that way; a new vote moves trust by `trustDelta` (clamped to 0..1).
   */
  vote(params: { tenantId: string; id: string; userId: string; kind: VoteKind; runId?: string; trustDelta?: number }): Promise<{ added: boolean; count: number; trust: number }>;
  /** Learnings the user created since `since` (ms), whatever became of them: the rate limit's count. */
  countLearningsSince(params: { tenantId: string; userId: string; since: number }): Promise<number>;
  /** Remember which documents/learnings reached a run's prompt (idempotent). */
  recordRunContext(params: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): Promise<void>;
  runContext(params: { tenantId: string; runId: string }): Promise<string[]>;
  /** The chunks recorded for a run, with the scores they had: BuildContext's first (in prompt order), then search_knowledge's. */
  runContextChunks(params: { tenantId: string; runId: string }): Promise<RunContextChunk[]>;
  /**
   * Optional: build in-process search structures ahead of the first search (a server calls it at
   * start-up). Searches stay correct without it; they may be slower or ranked by a fallback meanwhile.
   */
  warmUp?(): Promise<void>;
}
