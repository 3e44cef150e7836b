import type {
  DocKind, DocStatus, HistoryEvent, KnowledgeDoc, KnowledgeStore, Provenance, ReviewDecision, RunContextChunk, SearchHit, Viewer, VoteKind,
} from '../../memory/knowledge-store.js';
import type { Chunking } from '../../memory/chunker.js';
import { byRelevance } from '../../memory/search-order.js';
import { bm25QueryTerms, tokenize } from '../dynamodb/knowledge-bm25.js';
import type { Candidate, TenantIndex } from '../dynamodb/knowledge-index.js';
import { type DocItem, visibleTo } from '../dynamodb/knowledge-items.js';
import type { DynamoKnowledgeStore } from '../dynamodb/knowledge-store.js';
import { rrf } from '../rank-fusion.js';
import { type KbClients, loadKbSdk } from './clients.js';
import { IngestionBatcher, type IngestionEntry } from './ingestion.js';
import { ingestionApi } from './ingestion-api.js';
import { KbSyncState } from './sync-state.js';
import { KbLedger } from './ledger.js';

export interface BedrockKnowledgeStoreOptions {
  /** The system of record and the recent tier: state, history, votes, and BM25 over what the KB has not ingested yet. */
  recent: DynamoKnowledgeStore;
  clients: KbClients;
  knowledgeBaseId: string;
  dataSourceId: string;
  /** The data source's bucket and key prefix. */
  bucket: string;
  prefix?: string;
  /** Writes within this window share one ingestion job (default 2 s). */
  batchWindowMs?: number;
  /** GetIngestionJob interval (default 5 s). */
  pollMs?: number;
  /**
   * inline (default): this process starts and polls ingestion jobs (a long-running server).
   * scheduled: writes only record their work in DynamoDB; syncIngestion (sync.ts), run on a timer,
   * starts the jobs and marks entries indexed (a Lambda is frozen after its response).
   */
  ingestion?: 'inline' | 'scheduled';
  /** S3, Retrieve or ingestion failures that retrieval absorbed (it falls back to the recent tier). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

const MAX_TOP_K = 100;
/** The entry a resumed tenant with only deletions pending is scheduled with (no ledger row has this id). */
const RESUME_DOC = '#resume';
const SEARCHABLE: ReadonlySet<DocStatus> = new Set(['active', 'superseded']);

/**
 * The KnowledgeStore port on Amazon Bedrock Knowledge Bases, with DynamoDB as the system of
 * record. Every write lands in the DynamoDB store first (readable by the next call), then the
 * document goes to S3 with its tenant in a metadata sidecar and an ingestion job is scheduled
 * (batched). Search fuses Bedrock `Retrieve` (for documents whose current version the KB has
 * ingested) with the DynamoDB store's BM25 by reciprocal rank; the BM25 side is what serves the
 * documents the KB has not caught up with (new and edited learnings, pending ones). KB hits pass through the current state at read time: a deleted,
 * superseded, rejected or edited document never comes back from a stale index, and each KB hit is
 * mapped onto the DynamoDB chunk it came from so supersession works on it as on any chunk.
 */
export class BedrockKnowledgeStore implements KnowledgeStore {
  private readonly recent: DynamoKnowledgeStore;
  private readonly ledger: KbLedger;
  readonly ingestion: IngestionBatcher;
  /** Per-tenant "KB work pending" markers: read by the scheduled sync, and by an inline process resuming after a restart. */
  readonly syncState: KbSyncState;
  private readonly scheduled: boolean;
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(private readonly o: BedrockKnowledgeStoreOptions) {
    this.recent = o.recent;
    this.ledger = new KbLedger(o.recent.db);
    this.prefix = o.prefix ?? 'lore/';
    this.now = o.now ?? Date.now;
    this.ingestion = new IngestionBatcher(ingestionApi(o.clients, o), {
      windowMs: o.batchWindowMs ?? 2000, pollMs: o.pollMs ?? 5000, onIndexed: (e) => this.indexedInline(e), ...(o.onError ? { onError: o.onError } : {}),
    });
    this.syncState = new KbSyncState(o.recent.db, o);
    this.scheduled = o.ingestion === 'scheduled';
  }

  /**
   * Inline mode after a restart: writes the last process queued but never saw ingested (it died or
   * was stopped between the write and the job's end) are scheduled again, found through the
   * tenants' pending markers. A tenant with a marker and no queued entry had a deletion pending:
   * it gets a job too. Scheduled mode leaves this to the sync run. Called by `lore serve` at start.
   */
  async warmUp(): Promise<void> {
    if (this.scheduled) return;
    for (const t of await this.syncState.pending()) {
      const queued = await this.ledger.queued(t.tenantId);
      for (const e of queued.length ? queued : [{ tenantId: t.tenantId, docId: RESUME_DOC, contentHash: '', queuedAt: t.at }]) this.ingestion.schedule(e);
    }
  }

  /** A job completed: its entries become indexed; a tenant left with nothing queued loses its marker (unless written to since). */
  private async indexedInline(entries: IngestionEntry[]): Promise<void> {
    await this.ledger.markIndexed(entries.filter((e) => e.docId !== RESUME_DOC));
    const tenants = new Set(entries.map((e) => e.tenantId));
    for (const mark of await this.syncState.pending()) {
      if (tenants.has(mark.tenantId) && (await this.ledger.queued(mark.tenantId)).length === 0) await this.syncState.clearPending(mark);
    }
  }

  /**
   * A write the KB must catch up with. The tenant's pending marker is written before the ledger
   * changes, so a crash in between leaves one job too many, never a queued entry nobody picks up:
   * scheduled, the sync run reads the markers; inline, the batcher takes the entry now and a
   * restarted process finds the markers in warmUp().
   */
  private async enqueue(e: IngestionEntry, change: () => Promise<void>): Promise<void> {
    await this.syncState.markPending(e.tenantId, e.queuedAt);
    await change();
    if (!this.scheduled) this.ingestion.schedule(e);
  }

  async upsertDocument(p: {
    tenantId: string; sourceUri: string; kind: DocKind; text: string; provenance?: Provenance; id?: string; actor?: string; status?: 'active' | 'pending';
    chunking?: Chunking;
  }): Promise<KnowledgeDoc> {
    return this.synced(await this.recent.upsertDocument(p));
  }

  getDocument(p: { tenantId: string; id: string }): Promise<KnowledgeDoc | null> {
    return this.recent.getDocument(p);
  }

  listDocuments(p: Parameters<KnowledgeStore['listDocuments']>[0]): Promise<KnowledgeDoc[]> {
    return this.recent.listDocuments(p);
  }

  findByHash(p: { tenantId: string; contentHash: string }): Promise<KnowledgeDoc | null> {
    return this.recent.findByHash(p);
  }

  /** Read-time: supersession lives in DynamoDB and is applied to KB hits as they are read. */
  supersede(p: { tenantId: string; chunkId: string; newId: string; actor: string }): Promise<void> {
    return this.recent.supersede(p);
  }

  async deleteDocument(p: { tenantId: string; id: string; actor: string; reason?: string }): Promise<KnowledgeDoc> {
    return this.synced(await this.recent.deleteDocument(p));
  }

  async restoreDocument(p: { tenantId: string; id: string; actor: string }): Promise<KnowledgeDoc> {
    return this.synced(await this.recent.restoreDocument(p));
  }

  async review(p: { tenantId: string; id: string; decision: ReviewDecision; actor: string; reason?: string; detail?: Record<string, unknown> }): Promise<KnowledgeDoc> {
    return this.synced(await this.recent.review(p));
  }

  history(p: { tenantId: string; id: string }): Promise<HistoryEvent[]> {
    return this.recent.history(p);
  }

  recordEvent(p: { tenantId: string; event: HistoryEvent }): Promise<void> {
    return this.recent.recordEvent(p);
  }

  vote(p: { tenantId: string; id: string; userId: string; kind: VoteKind; runId?: string; trustDelta?: number }): Promise<{ added: boolean; count: number; trust: number }> {
    return this.recent.vote(p);
  }

  countLearningsSince(p: { tenantId: string; userId: string; since: number }): Promise<number> {
    return this.recent.countLearningsSince(p);
  }

  recordRunContext(p: { tenantId: string; runId: string; docIds: string[]; chunks?: RunContextChunk[] }): Promise<void> {
    return this.recent.recordRunContext(p);
  }

  runContext(p: { tenantId: string; runId: string }): Promise<string[]> {
    return this.recent.runContext(p);
  }

  runContextChunks(p: { tenantId: string; runId: string }): Promise<RunContextChunk[]> {
    return this.recent.runContextChunks(p);
  }

  async search(p: { tenantId: string; query: string; topK: number; kinds?: DocKind[]; viewer?: Viewer; explain?: boolean }): Promise<SearchHit[]> {
    const topK = Math.min(Math.floor(p.topK), MAX_TOP_K);
    if (!(topK > 0) || (p.kinds && p.kinds.length === 0)) return [];
    const terms = bm25QueryTerms(p.query);
    const pool = Math.max(topK * 4, 20);
    const viewer = p.viewer?.userId ?? null;
    const ix = await this.recent.tenantIndex(p.tenantId);
    const ledger = await this.ledger.entries(p.tenantId, ix.version);
    const inKb = (d: DocItem) => ledger.get(d.id)?.state === 'indexed' && ledger.get(d.id)!.hash === d.contentHash;

    const kb = p.query.trim() ? await this.retrieve(p.tenantId, p.query, pool, ix, viewer, p.kinds, inKb) : [];
    // The same lexical ranking as the DynamoDB store's own search: BM25, then the re-rank stage.
    const lexical = terms.length ? this.recent.ranking.rerank(ix, this.recent.ranking.candidates(ix, terms, viewer, p.kinds), terms, topK).slice(0, pool) : [];
    const fused = new Map<string, Candidate>();
    lexical.forEach((c, i) => fused.set(c.chunkId, { ...c, lexRank: i + 1 }));
    (kb ?? []).forEach((c, i) => {
      const have = fused.get(c.chunkId);
      if (have) have.vecRank = i + 1;
      else fused.set(c.chunkId, { ...c, vecRank: i + 1 });
    });
    // Reciprocal rank fusion of BM25 and the KB. A document the KB has not ingested yet has no KB
    // rank to earn: it counts its BM25 rank twice, so a fresh learning competes on equal terms
    // with ingested knowledge instead of losing to anything the KB returned. When the KB is
    // unreachable every document is ranked by BM25 alone.
    for (const c of fused.values()) {
      const lex = c.lexRank ? rrf(c.lexRank) : 0;
      const vec = c.vecRank ? rrf(c.vecRank) : kb !== null && !inKb(c.doc) ? lex : 0;
      c.raw = lex + vec;
    }
    const ranked = [...fused.values()].sort(byRelevance).slice(0, topK);
    return this.recent.ranking.finish(ix, ranked, viewer, p.explain);
  }

  /**
   * KB hits that hold at read time, each mapped onto its DynamoDB chunk (the one sharing most
   * words with it). Null when Retrieve failed (reported through onError).
   */
  private async retrieve(
    tenantId: string, query: string, pool: number, ix: TenantIndex, viewer: string | null, kinds: DocKind[] | undefined, inKb: (d: DocItem) => boolean,
  ): Promise<Candidate[] | null> {
    let results;
    try {
      const { RetrieveCommand } = (await loadKbSdk()).runtime;
      const r = await this.o.clients.runtime.send(
        new RetrieveCommand({
          knowledgeBaseId: this.o.knowledgeBaseId,
          retrievalQuery: { text: query.slice(0, 1000) },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: pool, filter: { equals: { key: 'tenantId', value: tenantId } } } },
        }),
      );
      results = r.retrievalResults ?? [];
    } catch (e) {
      this.o.onError?.(e);
      return null;
    }
    const out: Candidate[] = [];
    const seen = new Set<string>();
    for (const r of results) {
      const meta = (r.metadata ?? {}) as Record<string, unknown>;
      const doc = typeof meta.docId === 'string' ? ix.docs.get(meta.docId) : undefined;
      // A stale index entry (deleted, superseded, rejected, edited since, another tenant's) is dropped here.
      if (!doc || meta.tenantId !== tenantId || meta.contentHash !== doc.contentHash || !inKb(doc)) continue;
      if (!visibleTo(doc, viewer) || (kinds && !kinds.includes(doc.kind))) continue;
      const chunkId = closestChunk(ix, doc, r.content?.text ?? '');
      if (!chunkId || seen.has(chunkId)) continue;
      seen.add(chunkId);
      out.push({ chunkId, doc, text: ix.chunks.get(chunkId)!.text, kind: doc.kind, raw: r.score ?? 0 });
    }
    return out;
  }

  /** Put a document's KB copy in line with its state: published when shared, withdrawn when gone. */
  private async synced(doc: KnowledgeDoc): Promise<KnowledgeDoc> {
    try {
      const key = `${this.prefix}${encodeURIComponent(doc.tenantId)}/${doc.id}.txt`;
      const { PutObjectCommand, DeleteObjectCommand } = (await loadKbSdk()).s3;
      if (SEARCHABLE.has(doc.status) && doc.review !== 'pending') {
        const entry = await this.ledger.get(doc.tenantId, doc.id);
        if (entry?.hash === doc.contentHash) return doc;
        const metadataAttributes = { tenantId: doc.tenantId, docId: doc.id, kind: doc.kind, contentHash: doc.contentHash };
        await this.o.clients.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: doc.text, ContentType: 'text/plain; charset=utf-8' }));
        await this.o.clients.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: `${key}.metadata.json`, Body: JSON.stringify({ metadataAttributes }), ContentType: 'application/json' }));
        const e = { tenantId: doc.tenantId, docId: doc.id, contentHash: doc.contentHash, queuedAt: this.now() };
        await this.enqueue(e, () => this.ledger.queue(e));
      } else if (doc.status === 'deleted' || doc.status === 'rejected') {
        await this.o.clients.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key }));
        await this.o.clients.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: `${key}.metadata.json` }));
        await this.enqueue({ tenantId: doc.tenantId, docId: doc.id, contentHash: '', queuedAt: this.now() }, () => this.ledger.remove(doc.tenantId, doc.id));
      }
    } catch (e) {
      // The write is in DynamoDB and readable through the recent tier; the KB catches up on the next write.
      this.o.onError?.(e);
    }
    return doc;
  }

  close(): void {
    this.ingestion.close();
  }
}

/** The chunk of `doc` sharing most words with a KB chunk's text (KB and Lore chunk differently). */
function closestChunk(ix: TenantIndex, doc: DocItem, text: string): string | undefined {
  const words = new Set(tokenize(text));
  let best: string | undefined;
  let bestScore = -1;
  for (const id of doc.chunkIds) {
    const c = ix.chunks.get(id);
    if (!c) continue;
    const toks = tokenize(c.text);
    const score = toks.length ? toks.filter((t) => words.has(t)).length / toks.length : 0;
    if (score > bestScore) [best, bestScore] = [id, score];
  }
  return best;
}
