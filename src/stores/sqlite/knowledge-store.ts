import { LoreError } from '../../errors.js';
import { chunkDocument, type Chunk, type Chunking } from '../../memory/chunker.js';
import type { Embedder } from '../../memory/embedder.js';
import type {
  DocKind, DocStatus, HistoryEvent, KnowledgeDoc, KnowledgeStore, Provenance, ReviewDecision, RunContextChunk, SearchHit, Viewer, VoteKind,
} from '../../memory/knowledge-store.js';
import { chunkTitles } from '../../memory/lexical/titles.js';
import { contentHash } from '../../memory/normalize.js';
import { newId } from '../../util/ids.js';
import type { SqliteDatabase } from './database.js';
import { KnowledgeSearch, type LexicalEngine, type RankingOptions } from './knowledge-search.js';
import { LexicalIndex } from './lexical-index.js';
import type { InvertedIndex } from '../../memory/lexical/inverted-index.js';
import { readRunContextChunks, writeRunContext } from './run-context.js';
import { writeBatcher } from './write-batch.js';
import { reviewTransition } from './knowledge-review.js';
import { type DocRow, KnowledgeStatements, toDoc } from './knowledge-statements.js';
import { encodeVector } from './vectors.js';

export interface SqliteKnowledgeStoreOptions {
  chunkTokens?: number;
  chunkOverlap?: number;
  /** Enables hybrid (BM25 + cosine, RRF) retrieval. */
  embedder?: Embedder;
  /** Called when the embedder fails during search (search then falls back to BM25). */
  onEmbedError?: (error: unknown) => void;
  /** Nearest-vector search through sqlite-vec (default on); off or unloadable = exact JS scan. */
  vectorIndex?: boolean;
  /** Called once when the sqlite-vec index cannot be used (search then scans vectors in JS). */
  onVectorIndexUnavailable?: (error: unknown) => void;
  /** Called when a background build of the in-process lexical index fails (FTS5 keeps answering). */
  onIndexBuildError?: (error: unknown) => void;
  /** Up to this many chunks the in-process index is built synchronously on first search (default 20,000); above, in the background. */
  indexSyncBuildMaxChunks?: number;
  /** Lexical ranking: the in-process index (default, exact BM25 with MaxScore) or FTS5's bm25(). */
  lexicalEngine?: LexicalEngine;
  /** The in-process engine's re-rank stage (on by default; FTS5 never re-ranks). See RankingOptions. */
  ranking?: RankingOptions;
  now?: () => number;
}

const KINDS: readonly DocKind[] = ['document', 'learning'];

/**
 * Semantic memory in SQLite: documents and learnings, chunked into an FTS5 index (plus vectors
 * when an embedder is set), with supersession and an audit trail. Every state change is one
 * IMMEDIATE transaction that also writes doc_history, so the trail cannot disagree with the state.
 */
export class SqliteKnowledgeStore implements KnowledgeStore {
  private readonly q: KnowledgeStatements;
  private readonly searcher: KnowledgeSearch;
  private readonly now: () => number;
  private writes = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteKnowledgeStoreOptions = {},
  ) {
    this.q = new KnowledgeStatements(db);
    this.searcher = new KnowledgeSearch(db, options.embedder, options.onEmbedError, {
      ...(options.vectorIndex !== undefined ? { enabled: options.vectorIndex } : {}),
      ...(options.onVectorIndexUnavailable ? { onUnavailable: options.onVectorIndexUnavailable } : {}),
      ...(options.onIndexBuildError ? { onBuildError: options.onIndexBuildError } : {}),
      ...(options.indexSyncBuildMaxChunks !== undefined ? { syncBuildMaxChunks: options.indexSyncBuildMaxChunks } : {}),
    }, options.lexicalEngine, options.ranking);
    this.now = options.now ?? Date.now;
  }

  /** Per-term BM25 of each hit (`lore search --explain`), or null when FTS5 ranks (then ask FTS5). */
  explainTerms(query: string, hits: SearchHit[]): Array<Array<{ term: string; df: number; bm25: number }>> | null {
    return this.searcher.explainTerms(query, hits);
  }

  /** Build the in-process lexical index now, in the background if the knowledge base is large. */
  warmUp(): Promise<void> {
    return this.searcher.warmUp();
  }

  /** The in-process lexical index, current (benches compare the store's search with it bare). */
  lexicalIndex(): InvertedIndex {
    return this.searcher.lexicalIndex();
  }

  /** See KnowledgeSearch.flushVectorIndex (used by the GDPR erasure). */
  flushVectorIndex(): Promise<void> {
    return this.searcher.flushVectorIndex();
  }

  /**
   * Re-upserting identical text is a no-op (re-ingesting a folder does not churn history). An
   * update keeps the doc's status: a deleted doc stays deleted until restoreDocument.
   */
  async upsertDocument(p: {
    tenantId: string; sourceUri: string; kind: DocKind; text: string; provenance?: Provenance; id?: string; actor?: string;
    status?: 'active' | 'pending'; chunking?: Chunking;
  }): Promise<KnowledgeDoc> {
    if (!p.tenantId || !p.sourceUri) throw new LoreError('VALIDATION_FAILED', 'tenantId and sourceUri are required');
    if (!KINDS.includes(p.kind)) throw new LoreError('VALIDATION_FAILED', `kind must be one of ${KINDS.join(', ')}`);
    const chunks = chunkDocument(p.text ?? '', p.chunking, { chunkTokens: this.options.chunkTokens, overlap: this.options.chunkOverlap });
    if (chunks.length === 0) throw new LoreError('VALIDATION_FAILED', 'text is empty');

    const before = this.q.bySource.get(p.tenantId, p.sourceUri) as DocRow | undefined;
    if (before && before.text === p.text && before.kind === p.kind) return toDoc(before);
    // Embed outside the transaction (it is async and slow); chunks whose text is unchanged keep
    // their stored vector.
    const vectors = await this.embedNew(before?.id, chunks);

    const actor = p.actor ?? p.provenance?.userId ?? 'system';
    const hash = contentHash(p.text);
    return this.tx(() => {
      const now = this.now();
      const cur = this.q.bySource.get(p.tenantId, p.sourceUri) as DocRow | undefined;
      let id: string;
      if (!cur) {
        id = p.id ?? newId(p.kind === 'learning' ? 'lrn' : 'doc', now);
        try {
          // Only learnings have an owner: an ingested document is the tenant's, whoever uploaded it.
          const owner = p.kind === 'learning' ? (p.provenance?.userId ?? null) : null;
          const pending = p.kind === 'learning' && p.status === 'pending';
          this.q.insertDoc.run({
            id, tenant: p.tenantId, uri: p.sourceUri, kind: p.kind, text: p.text, hash, prov: JSON.stringify(p.provenance ?? {}), now,
            status: pending ? 'pending' : 'active', owner, review: pending ? 'pending' : null,
          });
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new LoreError('CONFLICT', `document id ${id} already exists`, { cause: e });
          throw e;
        }
        this.log(id, p.tenantId, 'created', actor, now, { sourceUri: p.sourceUri, kind: p.kind, ...(p.status === 'pending' && p.kind === 'learning' ? { status: 'pending' } : {}) });
      } else {
        id = cur.id;
        const prov = p.provenance ? JSON.stringify(p.provenance) : cur.provenance;
        this.q.updateDoc.run({ id, kind: p.kind, text: p.text, hash, prov, now });
        this.log(id, p.tenantId, 'updated', actor, now, { previousHash: cur.content_hash, contentHash: hash });
      }
      this.syncChunks(id, chunks, vectors, p.sourceUri, p.text);
      // Keep the lexical index's change log bounded; cheap (a rowid range), so every 256 writes.
      if (++this.writes % 256 === 0) LexicalIndex.prune(this.db);
      return toDoc(this.q.byId.get(p.tenantId, id) as DocRow);
    });
  }

  async getDocument(p: { tenantId: string; id: string }): Promise<KnowledgeDoc | null> {
    const row = this.q.byId.get(p.tenantId, p.id) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  async listDocuments(p: {
    tenantId: string; kind?: DocKind; status?: DocStatus; text?: string; sourcePrefix?: string; ownerId?: string; limit?: number; offset?: number;
  }): Promise<KnowledgeDoc[]> {
    const rows = this.q.list.all({
      tenant: p.tenantId,
      kind: p.kind ?? null,
      status: p.status ?? null,
      text: p.text ? p.text.toLowerCase() : null,
      prefix: p.sourcePrefix ?? null,
      owner: p.ownerId ?? null,
      limit: Math.max(0, Math.min(Math.floor(p.limit ?? 100), 1000)),
      offset: Math.max(0, Math.floor(p.offset ?? 0)),
    }) as DocRow[];
    return rows.map(toDoc);
  }

  /** Prefers an active match, then pending, superseded, deleted; the caller decides from status. */
  async findByHash(p: { tenantId: string; contentHash: string }): Promise<KnowledgeDoc | null> {
    const row = this.q.byHash.get(p.tenantId, p.contentHash) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  async search(p: { tenantId: string; query: string; topK: number; kinds?: DocKind[]; viewer?: Viewer; explain?: boolean }): Promise<SearchHit[]> {
    return this.searcher.search(p);
  }

  /** Idempotent: superseding the same chunk by the same doc again changes nothing. */
  async supersede(p: { tenantId: string; chunkId: string; newId: string; actor: string }): Promise<void> {
    this.tx(() => {
      const chunk = this.q.chunkWithDoc.get(p.tenantId, p.chunkId) as (DocRow & { chunk_id: string }) | undefined;
      if (!chunk) throw new LoreError('NOT_FOUND', `chunk ${p.chunkId} not found`);
      const by = this.mustGet(p.tenantId, p.newId);
      if (by.id === chunk.id) throw new LoreError('VALIDATION_FAILED', 'a document cannot supersede its own chunk');
      if (by.status === 'deleted') throw new LoreError('CONFLICT', `document ${by.id} is deleted`);
      const now = this.now();
      const added = this.q.insertSupersession.run(p.chunkId, chunk.id, by.id, now).changes > 0;
      // A pending learning supersedes for its owner only (search reads the row for them); the
      // status change for the tenant waits for approval (see review()).
      if (by.status === 'pending') {
        if (added) this.log(chunk.id, p.tenantId, 'chunk_superseded', p.actor, now, { by: by.id, chunkId: p.chunkId, scope: 'personal' });
        return;
      }
      if (chunk.kind === 'learning') {
        if (chunk.status === 'superseded' && chunk.superseded_by === by.id) return;
        // A deleted learning stays deleted but remembers its superseder, so a restore lands it in
        // 'superseded' rather than reviving a stale fact.
        const status: DocStatus = chunk.status === 'deleted' ? 'deleted' : 'superseded';
        if (status === 'deleted' && chunk.superseded_by === by.id) return;
        this.q.setStatus.run({ id: chunk.id, status, by: by.id, now });
        this.log(chunk.id, p.tenantId, 'superseded', p.actor, now, { by: by.id, chunkId: p.chunkId, previousStatus: chunk.status });
      } else if (added) {
        this.log(chunk.id, p.tenantId, 'chunk_superseded', p.actor, now, { by: by.id, chunkId: p.chunkId });
      }
    });
  }

  async deleteDocument(p: { tenantId: string; id: string; actor: string; reason?: string }): Promise<KnowledgeDoc> {
    return this.tx(() => {
      const doc = this.mustGet(p.tenantId, p.id);
      if (doc.status === 'deleted') return toDoc(doc);
      const now = this.now();
      // superseded_by is kept so a restore can put a superseded doc back where it was.
      this.q.setStatus.run({ id: doc.id, status: 'deleted', by: doc.superseded_by, now });
      this.log(doc.id, p.tenantId, 'deleted', p.actor, now, { previousStatus: doc.status, ...(p.reason ? { reason: p.reason } : {}) });
      // Only a doc that was current truth gives back what it superseded: deleting an already
      // superseded learning must not resurrect the even older fact beneath it.
      if (doc.status !== 'active') return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
      for (const l of this.q.supersededBy.all(p.tenantId, doc.id) as DocRow[]) {
        // Another active superseder still holds it down; otherwise it comes back.
        const other = this.q.otherActiveSuperseder.get(l.id, doc.id) as { by_doc_id: string } | undefined;
        this.q.setStatus.run({ id: l.id, status: other ? 'superseded' : 'active', by: other?.by_doc_id ?? null, now });
        if (!other) this.log(l.id, p.tenantId, 'restored', p.actor, now, { because: 'superseder_deleted', by: doc.id });
      }
      return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
    });
  }

  async restoreDocument(p: { tenantId: string; id: string; actor: string }): Promise<KnowledgeDoc> {
    return this.tx(() => {
      const doc = this.mustGet(p.tenantId, p.id);
      if (doc.status !== 'deleted') return toDoc(doc);
      const now = this.now();
      // A learning deleted (or rejected) before it was approved goes back to the review queue.
      if (doc.review === 'pending' || doc.review === 'rejected') {
        this.q.setReview.run({ id: doc.id, status: 'pending', review: 'pending', by: null, now });
        this.log(doc.id, p.tenantId, 'restored', p.actor, now, { status: 'pending' });
        return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
      }
      const holder = doc.superseded_by ? (this.q.byId.get(p.tenantId, doc.superseded_by) as DocRow | undefined) : undefined;
      const status: DocStatus = holder?.status === 'active' ? 'superseded' : 'active';
      this.q.setStatus.run({ id: doc.id, status, by: status === 'superseded' ? holder!.id : null, now });
      this.log(doc.id, p.tenantId, 'restored', p.actor, now, { status });
      if (status !== 'active') return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
      // Re-apply: learnings it had superseded and that are active again go back to superseded.
      // Document chunk annotations need nothing: search joins on the superseder being active.
      for (const l of this.q.activeLearningsSupersededBy.all(p.tenantId, doc.id) as DocRow[]) {
        this.q.setStatus.run({ id: l.id, status: 'superseded', by: doc.id, now });
        this.log(l.id, p.tenantId, 'superseded', p.actor, now, { by: doc.id, because: 'superseder_restored' });
      }
      return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
    });
  }

  async history(p: { tenantId: string; id: string }): Promise<HistoryEvent[]> {
    const rows = this.q.history.all(p.tenantId, p.id) as Array<{ doc_id: string; action: HistoryEvent['action']; actor: string; at: number; detail: string | null }>;
    if (rows.length === 0 && !this.q.byId.get(p.tenantId, p.id)) throw new LoreError('NOT_FOUND', `document ${p.id} not found`);
    return rows.map((r) => ({
      docId: r.doc_id, action: r.action, actor: r.actor, at: r.at,
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
    }));
  }

  async recordEvent(p: { tenantId: string; event: HistoryEvent }): Promise<void> {
    const e = p.event;
    this.q.insertHistory.run(e.docId, p.tenantId, e.action, e.actor, e.at ?? this.now(), e.detail ? JSON.stringify(e.detail) : null);
  }

  async review(p: { tenantId: string; id: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> }): Promise<KnowledgeDoc> {
    return this.tx(() => {
      const doc = this.mustGet(p.tenantId, p.id);
      reviewTransition(this.q, (...a) => this.log(...a), this.now(), doc, p);
      return toDoc(this.q.byId.get(p.tenantId, doc.id) as DocRow);
    });
  }

  async vote(p: { tenantId: string; id: string; userId: string; kind: VoteKind; runId?: string; trustDelta?: number }): Promise<{ added: boolean; count: number; trust: number }> {
    return this.tx(() => {
      this.mustGet(p.tenantId, p.id);
      const added = this.q.insertVote.run(p.tenantId, p.id, p.userId, p.kind, p.runId ?? null, this.now()).changes > 0;
      if (added && p.trustDelta) this.q.setTrust.run({ id: p.id, delta: p.trustDelta });
      const count = this.q.countVotes.get(p.id, p.kind) as number;
      return { added, count, trust: this.mustGet(p.tenantId, p.id).trust };
    });
  }

  async countLearningsSince(p: { tenantId: string; userId: string; since: number }): Promise<number> {
    return this.q.countOwned.get(p.tenantId, p.userId, p.since) as number;
  }

  async recordRunContext(p: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): Promise<void> {
    if (p.docIds.length === 0 && !p.chunks?.length) return;
    // Group-committed with the run's checkpoint (write-batch.ts) instead of a transaction of its own.
    return writeBatcher(this.db).run(() => writeRunContext(this.q, p));
  }

  async runContext(p: { tenantId: string; runId: string }): Promise<string[]> {
    return this.q.runContext.all(p.tenantId, p.runId) as string[];
  }

  async runContextChunks(p: { tenantId: string; runId: string }): Promise<RunContextChunk[]> {
    return readRunContextChunks(this.q, p);
  }

  private tx<T>(fn: () => T): T {
    // IMMEDIATE: take the write lock up front so a read-then-write never hits SQLITE_BUSY mid-way.
    return this.db.transaction(fn).immediate();
  }

  private mustGet(tenantId: string, id: string): DocRow {
    const row = this.q.byId.get(tenantId, id) as DocRow | undefined;
    if (!row) throw new LoreError('NOT_FOUND', `document ${id} not found`);
    return row;
  }

  private log(docId: string, tenantId: string, action: HistoryEvent['action'], actor: string, at: number, detail?: object): void {
    this.q.insertHistory.run(docId, tenantId, action, actor, at, detail ? JSON.stringify(detail) : null);
  }

  /** Vectors for the chunk texts that have none stored under the current embedding model. */
  private async embedNew(docId: string | undefined, chunks: Chunk[]): Promise<Map<string, Buffer>> {
    const embedder = this.options.embedder;
    const out = new Map<string, Buffer>();
    if (!embedder) return out;
    const have = new Set(docId ? (this.q.embeddedTexts.all(docId, embedder.modelId) as string[]) : []);
    const texts = [...new Set(chunks.map((c) => c.text))].filter((t) => !have.has(t));
    if (texts.length === 0) return out;
    const vectors = await embedder.embed(texts);
    if (vectors.length !== texts.length || vectors.some((v) => v.length !== embedder.dimensions)) {
      throw new LoreError('MODEL_BAD_RESPONSE', `embedder ${embedder.modelId} returned ${vectors.length} vectors for ${texts.length} texts or wrong dimensions`);
    }
    texts.forEach((t, i) => out.set(t, encodeVector(vectors[i]!)));
    return out;
  }

  /**
   * Replace a doc's chunks, keeping the rows (ids, vectors, supersession marks) of chunks whose
   * text did not change, so editing one paragraph does not un-mark facts elsewhere in the doc.
   */
  private syncChunks(docId: string, chunks: Chunk[], vectors: Map<string, Buffer>, sourceUri: string, text: string): void {
    const model = this.options.embedder?.modelId ?? null;
    const titles = chunkTitles(sourceUri, text, chunks);
    const old = new Map<string, number[]>();
    for (const r of this.q.chunksOf.all(docId) as Array<{ seq: number; text: string }>) old.set(r.text, [...(old.get(r.text) ?? []), r.seq]);
    for (const c of chunks) {
      const seq = old.get(c.text)?.shift();
      const vec = vectors.get(c.text) ?? null;
      const title = titles[c.index]!;
      if (seq !== undefined) this.q.reuseChunk.run({ seq, idx: c.index, title, vec, model });
      else this.q.insertChunk.run({ id: newId('chk'), doc: docId, idx: c.index, text: c.text, title, vec, model: vec ? model : null });
    }
    for (const seqs of old.values()) for (const seq of seqs) this.q.deleteChunk.run(seq);
  }
}
