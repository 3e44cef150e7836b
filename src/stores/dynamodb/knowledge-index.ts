import type { DocKind, SearchHit, Viewer } from '../../memory/knowledge-store.js';
import { byRelevance, orderSupersededAfter } from '../../memory/search-order.js';
import { firstPassDepth, rerank, rerankDepth, RERANK_WEIGHTS, type RerankParts } from '../../memory/lexical/rerank-stage.js';
import { Bm25Index, bm25QueryTerms, tokenize } from './knowledge-bm25.js';
import type { KnowledgeDb } from './knowledge-db.js';
import { type ChunkItem, type DocItem, pk, type SupItem, visibleTo } from './knowledge-items.js';

const MAX_TOP_K = 100;

/** A ranked chunk before it becomes a SearchHit (ranks in each list kept for `explain`). */
export interface Candidate {
  chunkId: string;
  doc: DocItem;
  text: string;
  kind: DocKind;
  raw: number;
  /** What the re-rank stage added (`explain`). */
  parts?: RerankParts;
  lexRank?: number;
  vecRank?: number;
}

/** A tenant's searchable state: documents, the chunks they list, an inverted index and the supersessions. */
export interface TenantIndex {
  version: number;
  docs: Map<string, DocItem>;
  chunks: Map<string, ChunkItem>;
  bm25: Bm25Index<string>;
  /** Newest first, as the annotation shows the latest visible superseder. */
  sups: Map<string, SupItem[]>;
}

/**
 * Search over DynamoDB, which has no full-text index: each tenant's active and pending chunks are
 * loaded into an in-process BM25 index (FTS5's scoring, see knowledge-bm25.ts) and cached. Every
 * write bumps the tenant's version item in the same transaction; a search reads that item
 * (strongly consistent) and reloads the tenant when it moved, so a write is visible to the next
 * search in any process. Cost: one GetItem per search, a full tenant reload after a write.
 */
export class KnowledgeIndex {
  private readonly cache = new Map<string, TenantIndex>();
  private readonly loading = new Map<string, Promise<TenantIndex>>();

  constructor(
    private readonly db: KnowledgeDb,
    /** Tenants kept in memory (least recently searched dropped first). */
    private readonly maxTenants = 64,
  ) {}

  /** Reloads performed (for tests and metrics): a search after no write must not reload. */
  loads = 0;

  async search(p: { tenantId: string; query: string; topK: number; kinds?: DocKind[]; viewer?: Viewer; explain?: boolean }): Promise<SearchHit[]> {
    const topK = Math.min(Math.floor(p.topK), MAX_TOP_K);
    if (!(topK > 0) || (p.kinds && p.kinds.length === 0)) return [];
    const terms = bm25QueryTerms(p.query);
    if (terms.length === 0) return [];
    const ix = await this.tenant(p.tenantId);
    const viewer = p.viewer?.userId ?? null;
    const ranked = this.rerank(ix, this.candidates(ix, terms, viewer, p.kinds, undefined, firstPassDepth(topK)), terms, topK);
    ranked.forEach((c, i) => (c.lexRank = i + 1));
    ranked.sort(byRelevance);
    return this.finish(ix, ranked.slice(0, topK), viewer, p.explain);
  }

  /** Every chunk matching a term that the viewer may see (and `only` admits), best BM25 first; the first `limit`. */
  candidates(ix: TenantIndex, terms: string[], viewer: string | null, kinds?: DocKind[], only?: (d: DocItem) => boolean, limit = Infinity): Candidate[] {
    const out: Candidate[] = [];
    for (const { key, score } of ix.bm25.search(terms)) {
      if (out.length >= limit) break;
      const c = ix.chunks.get(key)!;
      const d = ix.docs.get(c.docId)!;
      if (!visibleTo(d, viewer) || (kinds && !kinds.includes(d.kind)) || (only && !only(d))) continue;
      out.push({ chunkId: key, doc: d, text: c.text, kind: d.kind, raw: score });
    }
    return out;
  }

  /**
   * The two-stage re-rank the SQLite store applies (src/memory/lexical/rerank-stage.ts) over the
   * BM25 candidates the viewer may see: neighbours (the adjacent chunks, by idx, of the same
   * document) and document evidence over the top firstPassDepth, proximity over the chunk's own
   * tokens for the top rerankDepth of that. The first pass stays FTS5's formula here (no title
   * field), so scores differ from SQLite's; the stage is the same.
   */
  rerank(ix: TenantIndex, candidates: Candidate[], terms: string[], topK: number): Candidate[] {
    const first = candidates.slice(0, firstPassDepth(topK));
    const wanted = new Set(terms);
    const qi = [...wanted].map((term) => ({ term, idf: ix.bm25.idf(term) }));
    // Proximity needs two query terms in the chunk: only those chunks are tokenized again.
    const none: string[] = [];
    const { parts, order } = rerank(
      first.map((c) => ({ score: c.raw, group: c.doc.id, order: ix.chunks.get(c.chunkId)!.idx })),
      qi,
      RERANK_WEIGHTS,
      {
        proximityDepth: rerankDepth(topK),
        proximityOf: (i) => {
          const c = first[i]!;
          return { terms: wanted.size >= 2 && ix.bm25.holds(c.chunkId, wanted) >= 2 ? tokenize(c.text) : none };
        },
      },
    );
    return order.map((i) => ({ ...first[i]!, raw: parts[i]!.score, parts: parts[i]! }));
  }

  /** Ranked candidates → hits: scores normalised to the best, supersession marks, superseded chunks after. */
  finish(ix: TenantIndex, top: Candidate[], viewer: string | null, explain?: boolean): SearchHit[] {
    const max = Math.max(...top.map((c) => c.raw));
    const hits: SearchHit[] = top.map((c) => ({
      docId: c.doc.id,
      chunkId: c.chunkId,
      sourceUri: c.doc.sourceUri,
      kind: c.kind,
      text: c.text,
      score: max > 0 ? c.raw / max : 0,
      rawScore: c.raw,
      ...(explain ? { ranks: { ...(c.lexRank ? { lexical: c.lexRank } : {}), ...(c.vecRank ? { vector: c.vecRank } : {}) } } : {}),
      ...(explain && c.parts ? { rerank: c.parts } : {}),
    }));
    for (const h of hits) {
      const by = (ix.sups.get(h.chunkId) ?? []).map((s) => ix.docs.get(s.byDocId)).find((d) => d && d.id !== h.docId && visibleTo(d, viewer));
      if (by) h.supersededBy = { docId: by.id, text: by.text };
    }
    return orderSupersededAfter(hits);
  }

  /** The tenant's index at its current version (another tier, e.g. Bedrock KB, filters its hits through it). */
  snapshot(tenantId: string): Promise<TenantIndex> {
    return this.tenant(tenantId);
  }

  /** The tenant's index at its current version: cached, or loaded once for concurrent callers. */
  private async tenant(tenantId: string): Promise<TenantIndex> {
    const meta = await this.db.get<{ v: number }>(pk.meta(tenantId), 'version');
    const version = meta?.v ?? 0;
    const cached = this.cache.get(tenantId);
    if (cached && cached.version === version) {
      this.cache.delete(tenantId);
      this.cache.set(tenantId, cached); // most recently used last
      return cached;
    }
    const key = `${tenantId}\u0000${version}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(tenantId, version).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const ix = await pending;
    // The version is read before the load, so a write racing the load only makes the next search reload again.
    const current = this.cache.get(tenantId);
    if (!current || current.version < ix.version) this.cache.set(tenantId, ix);
    while (this.cache.size > this.maxTenants) this.cache.delete(this.cache.keys().next().value!);
    return ix;
  }

  private async load(tenantId: string, version: number): Promise<TenantIndex> {
    this.loads++;
    const [docItems, chunkItems, supItems] = await Promise.all([
      this.db.query<DocItem>(pk.doc(tenantId)),
      this.db.query<ChunkItem>(pk.chunk(tenantId)),
      this.db.query<SupItem>(pk.sup(tenantId)),
    ]);
    const docs = new Map(docItems.map((d) => [d.id, d]));
    const listed = new Set(docItems.filter((d) => d.status === 'active' || d.status === 'pending').flatMap((d) => d.chunkIds));
    const chunks = new Map<string, ChunkItem>();
    const bm25 = new Bm25Index<string>();
    // Only chunks a live document lists: orphans of an interrupted upsert and old versions stay out.
    for (const c of chunkItems) {
      if (!listed.has(c.sk)) continue;
      chunks.set(c.sk, c);
      bm25.add(c.sk, c.text);
    }
    const sups = new Map<string, SupItem[]>();
    for (const s of supItems.sort((a, b) => b.seq - a.seq)) sups.set(s.chunkId, [...(sups.get(s.chunkId) ?? []), s]);
    return { version, docs, chunks, bm25, sups };
  }
}
