/** Semantic memory: documents and learnings, chunked and searchable, with supersession history. */

export type DocKind = 'document' | 'learning';
export type DocStatus = 'active' | 'pending' | 'superseded' | 'deleted';

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
  /**
   * Set when a newer learning superseded a fact in this chunk. The chunk stays searchable (it may
   * hold other facts) but is shown marked and ranked after the learning that superseded it.
   */
  supersededBy?: { docId: string; text: string };
}

export type HistoryAction = 'created' | 'updated' | 'superseded' | 'chunk_superseded' | 'deleted' | 'restored' | 'noop';

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
  }): Promise<KnowledgeDoc>;
  getDocument(params: { tenantId: string; id: string }): Promise<KnowledgeDoc | null>;
  listDocuments(params: {
    tenantId: string;
    kind?: DocKind;
    status?: DocStatus;
    text?: string;
    sourcePrefix?: string;
    limit?: number;
    offset?: number;
  }): Promise<KnowledgeDoc[]>;
  findByHash(params: { tenantId: string; contentHash: string }): Promise<KnowledgeDoc | null>;
  /** BM25 (or hybrid) top-k over active documents and learnings of the tenant. */
  search(params: { tenantId: string; query: string; topK: number; kinds?: DocKind[] }): Promise<SearchHit[]>;
  /**
   * `newId` supersedes the fact in `chunkId`. If the chunk belongs to a learning, that learning
   * becomes `superseded` and drops out of search; a document chunk is annotated instead.
   */
  supersede(params: { tenantId: string; chunkId: string; newId: string; actor: string }): Promise<void>;
  /** Soft delete: never returned by search again. Learnings this one superseded come back. */
  deleteDocument(params: { tenantId: string; id: string; actor: string; reason?: string }): Promise<KnowledgeDoc>;
  /** Undo a delete; re-applies the supersessions it had made. */
  restoreDocument(params: { tenantId: string; id: string; actor: string }): Promise<KnowledgeDoc>;
  history(params: { tenantId: string; id: string }): Promise<HistoryEvent[]>;
  /** Record a history event that is not a state change (e.g. a NOOP decision). */
  recordEvent(params: { tenantId: string; event: HistoryEvent }): Promise<void>;
}
