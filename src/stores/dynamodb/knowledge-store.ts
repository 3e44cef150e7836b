import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';
import { chunkDocument, type Chunking } from '../../memory/chunker.js';
import type {
  DocKind, DocStatus, HistoryEvent, KnowledgeDoc, KnowledgeStore, Provenance, ReviewDecision, RunContextChunk, SearchHit, Viewer, VoteKind,
} from '../../memory/knowledge-store.js';
import { contentHash } from '../../memory/normalize.js';
import { newId } from '../../util/ids.js';
import { KnowledgeDb, retrying, WriteConflict } from './knowledge-db.js';
import { KnowledgeIndex, type TenantIndex } from './knowledge-index.js';
import { type ChunkItem, type DocItem, type HistoryItem, nextSeq, pk, statusOf, type SupItem, toDoc } from './knowledge-items.js';
import { readRunContext, readRunContextChunks, writeRunContext } from './knowledge-run-context.js';
import { deleteTransition, restoreTransition, reviewTransition } from './knowledge-transitions.js';
import { KnowledgeTx } from './knowledge-tx.js';

export interface DynamoKnowledgeStoreOptions {
  client: DynamoDBDocumentClient;
  /** The table created from KNOWLEDGE_TABLE. */
  tableName: string;
  chunkTokens?: number;
  chunkOverlap?: number;
  /** Tenants whose search index stays in memory. */
  cachedTenants?: number;
  now?: () => number;
}

const KINDS: readonly DocKind[] = ['document', 'learning'];
/** A document item holds its text and must stay under DynamoDB's 400 KB item limit. */
const MAX_TEXT_BYTES = 300_000;
const STATUS_ORDER: Record<string, number> = { active: 0, pending: 1, superseded: 2 };

/**
 * The KnowledgeStore port on DynamoDB (layout in knowledge-items.ts). Every state change is one
 * TransactWriteItems conditional on the revisions it read (retried on a lost race) that also
 * writes the history and bumps the tenant's version, so search (an in-process BM25 per tenant,
 * see knowledge-index.ts) sees each write on its next call. Reads are strongly consistent.
 */
export class DynamoKnowledgeStore implements KnowledgeStore {
  readonly db: KnowledgeDb;
  private readonly index: KnowledgeIndex;
  private readonly now: () => number;

  constructor(private readonly o: DynamoKnowledgeStoreOptions) {
    this.db = new KnowledgeDb(o.client, o.tableName);
    this.index = new KnowledgeIndex(this.db, o.cachedTenants);
    this.now = o.now ?? Date.now;
  }

  /** The tenant's search index at its current version (the Bedrock KB adapter filters and maps its hits through it). */
  tenantIndex(tenantId: string): Promise<TenantIndex> {
    return this.index.snapshot(tenantId);
  }

  /** The same ranking pieces search uses, for an adapter that fuses another retriever with this one. */
  get ranking(): KnowledgeIndex {
    return this.index;
  }

  /** Tenant index reloads so far (a search after no write reuses the cached index). */
  get indexLoads(): number {
    return this.index.loads;
  }

  async upsertDocument(p: {
    tenantId: string; sourceUri: string; kind: DocKind; text: string; provenance?: Provenance; id?: string; actor?: string; status?: 'active' | 'pending';
    chunking?: Chunking;
  }): Promise<KnowledgeDoc> {
    if (!p.tenantId || !p.sourceUri) throw new LoreError('VALIDATION_FAILED', 'tenantId and sourceUri are required');
    if (!KINDS.includes(p.kind)) throw new LoreError('VALIDATION_FAILED', `kind must be one of ${KINDS.join(', ')}`);
    if (Buffer.byteLength(p.text ?? '') > MAX_TEXT_BYTES) throw new LoreError('PAYLOAD_TOO_LARGE', `document text is over ${MAX_TEXT_BYTES} bytes`);
    const chunks = chunkDocument(p.text ?? '', p.chunking, { chunkTokens: this.o.chunkTokens, overlap: this.o.chunkOverlap });
    if (chunks.length === 0) throw new LoreError('VALIDATION_FAILED', 'text is empty');
    const actor = p.actor ?? p.provenance?.userId ?? 'system';
    const hash = contentHash(p.text);

    return retrying(async () => {
      const before = await this.bySource(p.tenantId, p.sourceUri);
      if (before && before.text === p.text && before.kind === p.kind) return toDoc(before);
      const now = this.now();
      // Chunks whose text is unchanged keep their id (and so their supersession marks).
      const old = new Map<string, string[]>();
      if (before) {
        for (const c of await this.chunksOf(p.tenantId, before)) old.set(c.text, [...(old.get(c.text) ?? []), c.sk]);
      }
      const fresh: ChunkItem[] = [];
      const chunkIds = chunks.map((c) => {
        const reused = old.get(c.text)?.shift();
        if (reused) return reused;
        const id = newId('chk', now);
        fresh.push({ pk: pk.chunk(p.tenantId), sk: id, docId: '', idx: c.index, text: c.text });
        return id;
      });
      const tx = new KnowledgeTx(this.db, p.tenantId, now);
      let doc: DocItem;
      if (!before) {
        const id = p.id ?? newId(p.kind === 'learning' ? 'lrn' : 'doc', now);
        const pending = p.kind === 'learning' && p.status === 'pending';
        doc = tx.create({
          pk: pk.doc(p.tenantId), sk: id, id, tenantId: p.tenantId, sourceUri: p.sourceUri, kind: p.kind, text: p.text,
          status: pending ? 'pending' : 'active', contentHash: hash, provenance: p.provenance ?? {},
          // Only learnings have an owner: an ingested document is the tenant's, whoever uploaded it.
          ...(p.kind === 'learning' && p.provenance?.userId ? { ownerId: p.provenance.userId } : {}),
          ...(pending ? { review: 'pending' as const } : {}),
          trust: 1, createdAt: now, updatedAt: now, chunkIds, rev: 0,
        });
        tx.put({ pk: pk.src(p.tenantId), sk: p.sourceUri, docId: id }, { ifAbsent: true });
        tx.log(id, 'created', actor, { sourceUri: p.sourceUri, kind: p.kind, ...(pending ? { status: 'pending' } : {}) });
      } else {
        doc = tx.update(before, { kind: p.kind, text: p.text, contentHash: hash, provenance: p.provenance ?? before.provenance, chunkIds });
        tx.log(before.id, 'updated', actor, { previousHash: before.contentHash, contentHash: hash });
      }
      // New chunks first: no document lists them until the transaction commits, so search never sees half a write.
      await this.db.batch(fresh.map((c) => ({ ...c, docId: doc.id })));
      try {
        await tx.commit();
      } catch (e) {
        if (e instanceof WriteConflict && !before && e.reasons[0] === 'ConditionalCheckFailed' && e.reasons[1] !== 'ConditionalCheckFailed') {
          throw new LoreError('CONFLICT', `document id ${doc.id} already exists`);
        }
        throw e;
      }
      const dropped = [...old.values()].flat();
      if (dropped.length) await this.db.batch([], dropped.map((sk) => ({ pk: pk.chunk(p.tenantId), sk })));
      return toDoc(doc);
    });
  }

  async getDocument(p: { tenantId: string; id: string }): Promise<KnowledgeDoc | null> {
    const d = await this.db.get<DocItem>(pk.doc(p.tenantId), p.id);
    return d ? toDoc(d) : null;
  }

  async listDocuments(p: {
    tenantId: string; kind?: DocKind; status?: DocStatus; text?: string; sourcePrefix?: string; ownerId?: string; limit?: number; offset?: number;
  }): Promise<KnowledgeDoc[]> {
    const limit = Math.max(0, Math.min(Math.floor(p.limit ?? 100), 1000));
    const offset = Math.max(0, Math.floor(p.offset ?? 0));
    const text = p.text?.toLowerCase();
    const docs = (await this.db.query<DocItem>(pk.doc(p.tenantId))).filter(
      (d) =>
        (!p.kind || d.kind === p.kind) && (!p.status || statusOf(d) === p.status) && (!p.ownerId || d.ownerId === p.ownerId) &&
        (!text || d.text.toLowerCase().includes(text)) && (!p.sourcePrefix || d.sourceUri.startsWith(p.sourcePrefix)),
    );
    docs.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return docs.slice(offset, offset + limit).map(toDoc);
  }

  /** Prefers an active match, then pending (the first stated), superseded, deleted. */
  async findByHash(p: { tenantId: string; contentHash: string }): Promise<KnowledgeDoc | null> {
    const docs = (await this.db.query<DocItem>(pk.doc(p.tenantId))).filter((d) => d.contentHash === p.contentHash);
    const key = (d: DocItem) => (d.status === 'pending' ? d.createdAt : -d.updatedAt);
    docs.sort((a, b) => (STATUS_ORDER[a.status] ?? 3) - (STATUS_ORDER[b.status] ?? 3) || key(a) - key(b) || (a.id < b.id ? -1 : 1));
    return docs[0] ? toDoc(docs[0]) : null;
  }

  search(p: { tenantId: string; query: string; topK: number; kinds?: DocKind[]; viewer?: Viewer; explain?: boolean }): Promise<SearchHit[]> {
    return this.index.search(p);
  }

  /** Idempotent: superseding the same chunk by the same doc again changes nothing. */
  async supersede(p: { tenantId: string; chunkId: string; newId: string; actor: string }): Promise<void> {
    await retrying(async () => {
      const chunk = await this.db.get<ChunkItem>(pk.chunk(p.tenantId), p.chunkId);
      const target = chunk ? await this.db.get<DocItem>(pk.doc(p.tenantId), chunk.docId) : undefined;
      if (!chunk || !target || !target.chunkIds.includes(p.chunkId)) throw new LoreError('NOT_FOUND', `chunk ${p.chunkId} not found`);
      const by = await this.mustGet(p.tenantId, p.newId);
      if (by.id === target.id) throw new LoreError('VALIDATION_FAILED', 'a document cannot supersede its own chunk');
      if (by.status === 'deleted') throw new LoreError('CONFLICT', `document ${by.id} is deleted`);
      const now = this.now();
      const supSk = `${p.chunkId}#${by.id}`;
      const added = !(await this.db.get<SupItem>(pk.sup(p.tenantId), supSk));
      const tx = new KnowledgeTx(this.db, p.tenantId, now);
      if (added) tx.put({ pk: pk.sup(p.tenantId), sk: supSk, chunkId: p.chunkId, docId: target.id, byDocId: by.id, createdAt: now, seq: nextSeq(now) }, { ifAbsent: true, searchable: true });
      // A pending learning supersedes for its owner only; the tenant-wide change waits for approval.
      if (by.status === 'pending') {
        if (added) tx.log(target.id, 'chunk_superseded', p.actor, { by: by.id, chunkId: p.chunkId, scope: 'personal' });
      } else if (target.kind === 'learning') {
        const already = (target.status === 'superseded' || target.status === 'deleted') && target.supersededBy === by.id;
        if (!already) {
          // A deleted learning stays deleted but remembers its superseder, so a restore lands it in 'superseded'.
          const status = target.status === 'deleted' ? 'deleted' : 'superseded';
          tx.update(target, { status, supersededBy: by.id });
          tx.log(target.id, 'superseded', p.actor, { by: by.id, chunkId: p.chunkId, previousStatus: target.status });
        }
      } else if (added) {
        tx.log(target.id, 'chunk_superseded', p.actor, { by: by.id, chunkId: p.chunkId });
      }
      await tx.commit();
    });
  }

  async deleteDocument(p: { tenantId: string; id: string; actor: string; reason?: string }): Promise<KnowledgeDoc> {
    return retrying(async () => toDoc(await deleteTransition(this.db, this.now(), await this.mustGet(p.tenantId, p.id), p)));
  }

  async restoreDocument(p: { tenantId: string; id: string; actor: string }): Promise<KnowledgeDoc> {
    return retrying(async () => toDoc(await restoreTransition(this.db, this.now(), await this.mustGet(p.tenantId, p.id), p)));
  }

  async review(p: { tenantId: string; id: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> }): Promise<KnowledgeDoc> {
    return retrying(async () => toDoc(await reviewTransition(this.db, this.now(), await this.mustGet(p.tenantId, p.id), p)));
  }

  async history(p: { tenantId: string; id: string }): Promise<HistoryEvent[]> {
    const rows = await this.db.query<HistoryItem>(pk.history(p.tenantId, p.id));
    if (rows.length === 0 && !(await this.db.get(pk.doc(p.tenantId), p.id))) throw new LoreError('NOT_FOUND', `document ${p.id} not found`);
    return rows.map((r) => ({ docId: r.docId, action: r.action, actor: r.actor, at: r.at, ...(r.detail ? { detail: r.detail } : {}) }));
  }

  async recordEvent(p: { tenantId: string; event: HistoryEvent }): Promise<void> {
    const tx = new KnowledgeTx(this.db, p.tenantId, p.event.at ?? this.now());
    tx.log(p.event.docId, p.event.action, p.event.actor, p.event.detail);
    await tx.commit();
  }

  async vote(p: { tenantId: string; id: string; userId: string; kind: VoteKind; runId?: string; trustDelta?: number }): Promise<{ added: boolean; count: number; trust: number }> {
    return retrying(async () => {
      const doc = await this.mustGet(p.tenantId, p.id);
      const votePk = pk.vote(p.tenantId, p.id);
      const voteSk = `${p.kind}#${p.userId}`;
      let trust = doc.trust ?? 1;
      const added = !(await this.db.get(votePk, voteSk));
      if (added) {
        const tx = new KnowledgeTx(this.db, p.tenantId, this.now());
        tx.put({ pk: votePk, sk: voteSk, userId: p.userId, kind: p.kind, ...(p.runId ? { runId: p.runId } : {}), at: tx.now }, { ifAbsent: true });
        if (p.trustDelta) {
          trust = Math.max(0, Math.min(1, trust + p.trustDelta));
          // Conditional on the doc's rev: two votes at once cannot both apply their delta to the same base.
          tx.update(doc, { trust }, { touch: false, searchable: false });
        }
        await tx.commit();
      }
      return { added, count: await this.db.count(votePk, `${p.kind}#`), trust };
    });
  }

  async countLearningsSince(p: { tenantId: string; userId: string; since: number }): Promise<number> {
    return (await this.db.query<DocItem>(pk.doc(p.tenantId))).filter((d) => d.kind === 'learning' && d.ownerId === p.userId && d.createdAt >= p.since).length;
  }

  recordRunContext(p: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): Promise<void> {
    return writeRunContext(this.db, p);
  }

  runContext(p: { tenantId: string; runId: string }): Promise<string[]> {
    return readRunContext(this.db, p);
  }

  runContextChunks(p: { tenantId: string; runId: string }): Promise<RunContextChunk[]> {
    return readRunContextChunks(this.db, p);
  }

  private async bySource(tenantId: string, sourceUri: string): Promise<DocItem | undefined> {
    const src = await this.db.get<{ docId: string }>(pk.src(tenantId), sourceUri);
    return src ? this.db.get<DocItem>(pk.doc(tenantId), src.docId) : undefined;
  }

  private async chunksOf(tenantId: string, d: DocItem): Promise<ChunkItem[]> {
    const out = await Promise.all(d.chunkIds.map((id) => this.db.get<ChunkItem>(pk.chunk(tenantId), id)));
    return out.filter((c): c is ChunkItem => !!c);
  }

  private async mustGet(tenantId: string, id: string): Promise<DocItem> {
    const d = await this.db.get<DocItem>(pk.doc(tenantId), id);
    if (!d) throw new LoreError('NOT_FOUND', `document ${id} not found`);
    return d;
  }
}
