/**
 * The SQLite knowledge search as it was before its re-rank was made cheaper (kept verbatim apart
 * from imports and the class name): the reference the equivalence test
 * (src/stores/sqlite/knowledge-search-equivalence.test.ts) holds the optimised search to.
 * Changed on purpose once since: the two-stage re-rank, written here the plain way — the cheap
 * signals (neighbours, document evidence) over the index's top CHEAP_DEPTH whatever their scope (a
 * chunk lends only within its document, and scope belongs to the document), the first M in scope
 * by that score get proximity and are ranked by the full score; a tenant with fewer than M in
 * scope in a full deep pool ranks the top CHEAP_DEPTH of its own chunks (proximity for their cheap top M).
 */
import type { Embedder } from '../../src/memory/embedder.js';
import type { DocKind, SearchHit, Viewer } from '../../src/memory/knowledge-store.js';
import type { SqliteDatabase } from '../../src/stores/sqlite/database.js';
import { analyze, queryTerms, stem, TITLE_PREFIX } from '../../src/memory/lexical/analyze.js';
import { idf } from '../../src/memory/lexical/bm25.js';
import { CHEAP_DEPTH, rerankDepth, RERANK_WEIGHTS, type RerankCandidate, type RerankParts, type RerankWeights } from '../../src/memory/lexical/rerank-stage.js';
import { buildFtsQuery } from '../../src/stores/sqlite/fts-query.js';
import { IDF, LexicalIndex, lexicalQuery } from '../../src/stores/sqlite/lexical-index.js';
import type { InvertedIndex } from '../../src/memory/lexical/inverted-index.js';
import { VecIndex, type VecScope } from '../../src/stores/sqlite/vec-index.js';
import { byRelevance, orderSupersededAfter } from '../../src/memory/search-order.js';
import { decodeVector, dot, encodeVector } from '../../src/stores/sqlite/vectors.js';

interface Candidate {
  chunkId: string;
  docId: string;
  /** Read only for the chunks that need it (the hits, proximity); undefined until then. */
  text?: string;
  /** The chunk's rowid, when the in-process index ranked it (its text is read later, by seq). */
  seq?: number;
  sourceUri: string;
  kind: DocKind;
  raw: number;
  /** The chunk's position in its document (neighbours for the re-rank). */
  idx?: number;
  /** What the re-rank added (`explain`). */
  parts?: RerankParts;
  /** Positions in the BM25 and vector lists (1-based), for `explain`; ranking never reads them. */
  lexRank?: number;
  vecRank?: number;
}

export interface SearchParams {
  tenantId: string;
  query: string;
  topK: number;
  kinds?: DocKind[];
  viewer?: Viewer;
  /** Report each hit's BM25 and vector ranks (`lore search --explain`). */
  explain?: boolean;
}

/** Which engine ranks lexically: the in-process index (default) or FTS5's bm25() (the floor it is measured against). */
export type LexicalEngine = 'index' | 'fts5';

/**
 * The in-process engine's ranking: the re-rank stage over the first-pass top M (default,
 * rerank-stage.ts), or BM25 alone (`rerank: false`, the "before" the benches print). `depth`
 * overrides M (benches measure the approximation against re-ranking every match).
 */
export interface RankingOptions {
  rerank?: boolean;
  depth?: number;
  cheapDepth?: number;
  /** Overrides M in the two stages (tests: a pool deeper than the proximity stage on a small corpus). */
  proximityDepth?: number;
}

type Scope = { tenant: string; kinds: string | null; viewer: string | null };

/** Reciprocal rank fusion constant from Cormack et al.; damps the influence of the very top ranks. */
const RRF_K = 60;
const MAX_TOP_K = 100;

/**
 * What a viewer may read: the tenant's active (shared) knowledge plus their own pending learnings.
 * @viewer NULL (no viewer) matches no owner, so it reads shared knowledge only. Evaluated on the
 * ranked window only, like the tenant filter, so it adds no per-match join.
 */
const VISIBLE = (d: string) => `(${d}.status = 'active' OR (${d}.status = 'pending' AND ${d}.owner_id = @viewer))`;
const IN_SCOPE = `(d.tenant_id = @tenant AND ${VISIBLE('d')})`;
const ACTIVE_KINDS = `${IN_SCOPE} AND (@kinds IS NULL OR d.kind IN (SELECT value FROM json_each(@kinds)))`;

/**
 * Every match joined to its chunk and document, filtered, then sorted: exact whatever the tenant's
 * share of the index, but it reads two rows per match, ~8x the cost of ranking alone on 100k chunks.
 */
const BM25_JOINED = `SELECT c.id AS chunkId, c.doc_id AS docId, c.text, d.source_uri AS sourceUri, d.kind,
          -bm25(chunks_fts) AS raw
        FROM chunks_fts JOIN chunks c ON c.seq = chunks_fts.rowid JOIN documents d ON d.id = c.doc_id
        WHERE chunks_fts MATCH @q AND ${ACTIVE_KINDS}
        ORDER BY raw DESC LIMIT @limit`;

/**
 * Rank first, filter after: FTS5 scores and sorts every match on its own (the cost of a bare
 * MATCH … ORDER BY bm25 LIMIT), and only the best @window rows are joined; `ok` says which are
 * the tenant's active chunks (other tenants' text is never read), and the caller keeps those of the
 * wanted kinds. CROSS JOIN keeps the ranked rows outermost, so rows come out best first.
 *
 * That inner query costs what bm25() costs: ~1 µs per matching row, ~90 % of it (count(*) of the
 * same MATCH takes a tenth of the time). Measured at 100k chunks with the bench corpus and found
 * no faster at equal ranking: 'optimize' to one segment, pgsz, mmap_size, cache_size (all within
 * noise); detail=column, detail=none and columnsize=0 keep the ranking but are ~20x slower
 * (bm25 then re-tokenizes each matching row); ORDER BY rank is ~1.6x slower than ORDER BY bm25().
 * On a small index the fixed costs show instead: the kinds filter as a json_each subquery and an
 * outer ORDER BY made this statement ~1.7x the bare ranked MATCH, so both moved to the caller.
 */
const BM25_WINDOW = `SELECT c.id AS chunkId, c.doc_id AS docId, CASE WHEN ${IN_SCOPE} THEN c.text END AS text,
          d.source_uri AS sourceUri, d.kind, -t.score AS raw, ${IN_SCOPE} AS ok
        FROM (SELECT rowid AS seq, bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH @q
              ORDER BY score LIMIT @window) t
          CROSS JOIN chunks c ON c.seq = t.seq CROSS JOIN documents d ON d.id = c.doc_id`;

/** Window sizes tried, as multiples of the candidates wanted, before joining every match. */
const WINDOWS = [2, 64];
/** Up to this many chunks the in-process index is built on the spot (~0.4 s at 10k on a quiet core). */
const SYNC_BUILD_MAX_CHUNKS = 20_000;

/**
 * Retrieval over the tenant's active chunks: BM25 alone, or BM25 fused with brute-force cosine by
 * RRF when an embedder is configured. Rank fusion instead of score mixing because BM25 and cosine
 * live on unrelated scales. Note: BM25 document frequencies are index-wide, not per tenant; only
 * the filtering is tenant-scoped, which affects scores, never what a tenant can see.
 */
export class ReferenceKnowledgeSearch {
  private readonly stmts;
  private vec?: Promise<VecIndex | null>;
  private lex?: LexicalIndex;
  private lexBuilding?: Promise<void>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly embedder?: Embedder,
    private readonly onEmbedError?: (error: unknown) => void,
    private readonly index: { enabled?: boolean; onUnavailable?: (error: unknown) => void; onBuildError?: (error: unknown) => void; syncBuildMaxChunks?: number } = {},
    private readonly engine: LexicalEngine = 'index',
    private readonly ranking: RankingOptions = {},
  ) {
    this.stmts = {
      inScope: db.prepare(`SELECT c.seq, c.id FROM chunks c CROSS JOIN documents d ON d.id = c.doc_id
        WHERE c.seq IN (SELECT value FROM json_each(@seqs)) AND ${ACTIVE_KINDS}`),
      bm25Window: db.prepare(BM25_WINDOW),
      chunkCount: db.prepare('SELECT count(*) FROM chunks').pluck(),
      // Only ever asked for seqs already checked to be in scope.
      texts: db.prepare('SELECT c.seq, c.text FROM json_each(@seqs) j CROSS JOIN chunks c ON c.seq = j.value'),
      // Rows for ranked seqs: which are in scope, without their text (read for the few that need it).
      bySeqs: db.prepare(`SELECT c.seq, c.id AS chunkId, c.doc_id AS docId, c.idx,
          d.source_uri AS sourceUri, d.kind, ${IN_SCOPE} AS ok
        FROM json_each(@seqs) j CROSS JOIN chunks c ON c.seq = j.value CROSS JOIN documents d ON d.id = c.doc_id`),
      // Every chunk a viewer may see, for a tenant with too small a share of the index for a window.
      scopeSeqs: db.prepare(`SELECT c.seq FROM documents d CROSS JOIN chunks c ON c.doc_id = d.id WHERE ${ACTIVE_KINDS}`).pluck(),
      bm25Joined: db.prepare(BM25_JOINED),
      vectors: db.prepare(`SELECT c.id AS chunkId, c.embedding FROM chunks c JOIN documents d ON d.id = c.doc_id
        WHERE ${ACTIVE_KINDS} AND c.embedding_model = @model AND length(c.embedding) = @bytes`),
      // CROSS JOIN pins the join order: start from the handful of ids. Left to itself the planner
      // may walk every document of the tenant instead (100 ms at 100k chunks; it has no ANALYZE stats).
      byIds: db.prepare(`SELECT c.id AS chunkId, c.doc_id AS docId, c.text, d.source_uri AS sourceUri, d.kind
        FROM chunks c CROSS JOIN documents d ON d.id = c.doc_id
        WHERE c.id IN (SELECT value FROM json_each(@ids)) AND ${ACTIVE_KINDS}`),
      // Only supersessions by a doc that is still active apply: deleting the learning lifts them.
      annotations: db.prepare(`SELECT s.chunk_id AS chunkId, d.id AS docId, d.text
        FROM chunk_supersessions s CROSS JOIN documents d ON d.id = s.by_doc_id
        WHERE s.chunk_id IN (SELECT value FROM json_each(@ids)) AND d.tenant_id = @tenant AND ${VISIBLE('d')}
        ORDER BY s.created_at DESC, s.rowid DESC`),
    };
  }

  async search(p: SearchParams): Promise<SearchHit[]> {
    const topK = Math.min(Math.floor(p.topK), MAX_TOP_K);
    if (!(topK > 0) || (p.kinds && p.kinds.length === 0)) return [];
    const scope = { tenant: p.tenantId, kinds: p.kinds ? JSON.stringify(p.kinds) : null, viewer: p.viewer?.userId ?? null };
    const pool = Math.max(topK * 4, 20);

    const lexical = this.engine === 'index' && this.indexReady() ? this.reranked(p.query, scope, pool, topK, p.kinds) : this.ftsLexical(p.query, scope, pool, p.kinds);
    lexical.forEach((c, i) => (c.lexRank = i + 1));
    const semantic = this.embedder ? await this.nearest(p.query, scope, pool) : null;
    const ranked = semantic ? this.fuse(lexical, semantic, scope) : lexical;

    ranked.sort(byRelevance);
    const top = ranked.slice(0, topK);
    this.readTexts(top);
    const max = Math.max(...top.map((c) => c.raw));
    const hits: SearchHit[] = top.map((c) => ({
      docId: c.docId,
      chunkId: c.chunkId,
      sourceUri: c.sourceUri,
      kind: c.kind,
      text: c.text ?? '',
      score: max > 0 ? c.raw / max : 0,
      rawScore: c.raw,
      ...(p.explain ? { ranks: { ...(c.lexRank ? { lexical: c.lexRank } : {}), ...(c.vecRank ? { vector: c.vecRank } : {}) } } : {}),
      ...(p.explain && c.parts ? { rerank: roundParts(c.parts) } : {}),
    }));
    this.annotate(hits, scope.tenant, scope.viewer);
    return orderSupersededAfter(hits);
  }

  /**
   * The best `pool` BM25 candidates in scope. Usually the first window holds them (the tenant owns
   * most of the index); a tenant with a small share of a shared index gets a wider window, then
   * the exhaustive join. A window that came back short of full held every match, so it is final.
   */
  private ftsLexical(query: string, scope: Scope, pool: number, kinds?: DocKind[]): Candidate[] {
    const q = buildFtsQuery(query);
    if (!q) return [];
    for (const factor of WINDOWS) {
      const window = pool * factor;
      const rows = this.stmts.bm25Window.all({ tenant: scope.tenant, viewer: scope.viewer, q, window }) as Array<Candidate & { ok: number }>;
      const hits: Candidate[] = [];
      for (const { ok, ...c } of rows) if (ok && (!kinds || kinds.includes(c.kind))) hits.push(c);
      if (hits.length >= pool || rows.length < window) return hits.slice(0, pool);
    }
    return this.stmts.bm25Joined.all({ ...scope, q, limit: pool }) as Candidate[];
  }

  /**
   * The in-process ranking: BM25's top M in scope (filters applied before), re-ranked by the
   * stage bench/lexical-techniques.ts kept (neighbours, document evidence, proximity). Neighbours
   * are the adjacent chunks (by idx) of the same document among the candidates; proximity reads
   * the candidates' text. Superseded chunks are ordered afterwards, as for any ranking.
   */
  private reranked(query: string, scope: Scope, pool: number, topK: number, kinds?: DocKind[]): Candidate[] {
    if (this.ranking.rerank === false) return this.ranked(query, scope, pool, kinds);
    const oneStage = this.ranking.depth !== undefined;
    const m = oneStage ? Math.max(pool, this.ranking.depth!) : (this.ranking.proximityDepth ?? rerankDepth(topK));
    const depth = oneStage ? m : Math.max(pool, m, this.ranking.cheapDepth ?? CHEAP_DEPTH);
    const index = this.lexicalIndex();
    const qi = queryTerms(query).map((term) => ({ term, idf: idf(index.size, index.df(term), IDF) }));
    const wanted = new Set(qi.map((q) => q.term));
    let thin = false;
    if (depth > m) {
      // The deep pool: the index's top `depth` whatever their scope, every row read.
      const terms = lexicalQuery(query);
      if (terms.length === 0) return [];
      const top = index.search(terms, depth);
      const rowOf = new Map((this.stmts.bySeqs.all({ tenant: scope.tenant, viewer: scope.viewer, seqs: JSON.stringify(top.map((t) => t.key)) }) as Array<Candidate & { seq: number; ok: number; idx: number }>).map((r) => [r.seq, r]));
      const rows = top.map((t) => rowOf.get(t.key)!);
      const base = top.map((t, i) => ({ score: t.score, group: rows[i]!.docId, order: rows[i]!.idx }));
      const cheap = rerank(base.map((b) => ({ ...b, terms: [] })), qi, { ...RERANK_WEIGHTS, proximity: 0 });
      // The first m in scope by the cheap score get proximity and are the ones ranked.
      const chosen: number[] = [];
      for (const i of cheap.order) {
        if (chosen.length >= m) break;
        const r = rows[i]!;
        if (r.ok && (!kinds || kinds.includes(r.kind))) chosen.push(i);
      }
      if (chosen.length >= m || top.length < depth) {
        const cands: Candidate[] = top.map((t, i) => ({ chunkId: rows[i]!.chunkId, docId: rows[i]!.docId, seq: t.key, idx: rows[i]!.idx, sourceUri: rows[i]!.sourceUri, kind: rows[i]!.kind, raw: t.score }));
        const body = [...wanted];
        const near = new Set(chosen.filter((i) => index.holds(body, top[i]!.key) >= 2));
        this.readTexts(cands.filter((_, i) => near.has(i)));
        const full = rerank(base.map((b, i) => ({ ...b, terms: near.has(i) ? positionsOf(cands[i]!.text!, wanted) : [] })), qi);
        return chosen
          .sort((a, b) => full.parts[b]!.score - full.parts[a]!.score || a - b)
          .slice(0, pool)
          .map((i) => ({ ...cands[i]!, raw: full.parts[i]!.score, parts: full.parts[i]! }));
      }
      thin = true;
    }
    const first = this.ranked(query, scope, depth, kinds, thin);
    if (first.length === 0) return first;
    // Stage 1: the cheap signals alone (proximity 0) over every first-pass candidate.
    const cheap = rerank(first.map((c) => ({ score: c.raw, group: c.docId, order: c.idx ?? 0, terms: [] })), qi, { ...RERANK_WEIGHTS, proximity: 0 });
    const top = new Set(cheap.order.slice(0, m));
    // Stage 2: proximity for the top m of stage 1 (the others' stays 0), the whole formula again.
    // Proximity needs two query terms in the chunk: only those chunks' text is read and scanned.
    const body = [...wanted];
    const near = first.map((c, i) => top.has(i) && c.seq !== undefined && index.holds(body, c.seq) >= 2);
    this.readTexts(first.filter((_, i) => near[i]));
    const { parts, order } = rerank(
      first.map((c, i) => ({ score: c.raw, group: c.docId, order: c.idx ?? 0, terms: near[i] && c.text !== undefined ? positionsOf(c.text, wanted) : [] })),
      qi,
    );
    // The fused (hybrid) list stays `pool` long, as before the re-rank.
    return order.slice(0, pool).map((i) => ({ ...first[i]!, raw: parts[i]!.score, parts: parts[i]! }));
  }

  /**
   * The best `pool` candidates in scope from the in-process index (exact BM25 over body and title
   * fields, MaxScore-pruned; lexical-index.ts says which ranking and why):
   * the same window-then-filter plan as FTS5's, but a window costs what MaxScore visits, not every
   * match. A tenant with a thin share falls back to ranking only its own chunks (accept filter).
   */
  private ranked(query: string, scope: Scope, pool: number, kinds?: DocKind[], thin = false): Candidate[] {
    const terms = lexicalQuery(query);
    if (terms.length === 0) return [];
    const lex = this.lexicalIndex();
    for (const factor of thin ? [] : WINDOWS) {
      const window = pool * factor;
      const top = lex.search(terms, window);
      const hits = this.rows(top, scope, kinds, true);
      if (hits.length >= pool || top.length < window) return hits.slice(0, pool);
    }
    const allowed = new Set(this.stmts.scopeSeqs.all(scope) as number[]);
    return this.rows(lex.search(terms, pool, (seq) => allowed.has(seq)), scope, kinds, false);
  }

  private rows(top: Array<{ key: number; score: number }>, scope: Scope, kinds: DocKind[] | undefined, check: boolean): Candidate[] {
    if (top.length === 0) return [];
    const bySeq = new Map((this.stmts.bySeqs.all({ tenant: scope.tenant, viewer: scope.viewer, seqs: JSON.stringify(top.map((t) => t.key)) }) as Array<Candidate & { seq: number; ok: number }>).map((r) => [r.seq, r]));
    const out: Candidate[] = [];
    for (const t of top) {
      const r = bySeq.get(t.key);
      if (!r || (check && !r.ok) || (kinds && !kinds.includes(r.kind))) continue;
      out.push({ chunkId: r.chunkId, docId: r.docId, seq: r.seq, idx: r.idx, sourceUri: r.sourceUri, kind: r.kind, raw: t.score });
    }
    return out;
  }

  /** Fill in the text of candidates ranked by the index (all in scope already). */
  private readTexts(cands: Candidate[]): void {
    const missing = cands.filter((c) => c.text === undefined && c.seq !== undefined);
    if (missing.length === 0) return;
    const text = new Map((this.stmts.texts.all({ seqs: JSON.stringify(missing.map((c) => c.seq)) }) as Array<{ seq: number; text: string }>).map((r) => [r.seq, r.text]));
    for (const c of missing) c.text = text.get(c.seq!) ?? '';
  }

  /**
   * Whether the in-process index can answer now. A small knowledge base builds it on the spot
   * (well under a second); a large one builds it in the background while FTS5's bm25() answers,
   * because a synchronous build of 100k chunks would stall the process for tens of seconds.
   */
  private indexReady(): boolean {
    if (this.lex) return true;
    if (this.lexBuilding) return false; // building: no count per search meanwhile
    const chunks = this.stmts.chunkCount.get() as number;
    if (chunks <= (this.index.syncBuildMaxChunks ?? SYNC_BUILD_MAX_CHUNKS)) return true;
    this.warmUp();
    return false;
  }

  /** Start (once) the background build of the in-process index; resolves when it is ready. */
  warmUp(): Promise<void> {
    if (this.lex) return Promise.resolve();
    this.lexBuilding ??= LexicalIndex.buildInBackground(this.db).then(
      (lex) => {
        this.lex ??= lex;
      },
      (e: unknown) => {
        // FTS5 keeps answering; the next search tries again.
        this.lexBuilding = undefined;
        this.index.onBuildError?.(e);
      },
    );
    return this.lexBuilding;
  }

  /** The in-process index, built on first use and brought up to date before each search. */
  lexicalIndex(): InvertedIndex {
    if (!this.lex) this.lex = LexicalIndex.build(this.db);
    else this.lex.sync();
    return this.lex.index;
  }

  /**
   * Per-term BM25 of each hit from the in-process index (`lore search --explain`), each term named
   * by the query word it came from (`refunds`, not the stem `refund`; `title:refunds` for a title
   * match); null when FTS5 ranks.
   */
  explainTerms(query: string, hits: SearchHit[]): Array<Array<{ term: string; df: number; bm25: number }>> | null {
    if (this.engine !== 'index' || !this.indexReady()) return null;
    const index = this.lexicalIndex();
    const terms = lexicalQuery(query);
    const word = new Map(queryTerms(query, { stem: false }).map((w) => [stem(w), w]));
    const name = (t: string) => (t.startsWith(TITLE_PREFIX) ? `title:${word.get(t.slice(1)) ?? t.slice(1)}` : (word.get(t) ?? t));
    const seqOf = this.db.prepare('SELECT seq FROM chunks WHERE id = ?').pluck();
    return hits.map((h) => {
      const seq = seqOf.get(h.chunkId) as number | undefined;
      return seq === undefined ? [] : index.explain(terms, seq).map((t) => ({ term: name(t.term), df: t.df, bm25: t.score }));
    });
  }

  /** Chunk ids by descending cosine similarity; null when the embedder fails (BM25 carries on). */
  private async nearest(query: string, scope: object, pool: number): Promise<string[] | null> {
    const embedder = this.embedder!;
    let q: Float32Array;
    try {
      const [v] = await embedder.embed([query]);
      if (!v || v.length !== embedder.dimensions) throw new Error(`embedder returned no ${embedder.dimensions}-d vector`);
      q = decodeVector(encodeVector(v));
    } catch (e) {
      // Retrieval is still useful lexically; an optional component must not fail the turn.
      this.onEmbedError?.(e);
      return null;
    }
    // Vectors of another size (the model's dimensions changed under the same name) are skipped:
    // `lore reindex --all` re-embeds them; until then those chunks are found by BM25 alone.
    const index = await this.vectorIndex();
    if (index) {
      try {
        const ids = index.nearest(q, scope as VecScope, pool);
        if (ids) return ids; // null: the tenant's share is too thin for the widest KNN; scan instead
      } catch (e) {
        this.vec = Promise.resolve(null); // a broken index is dropped for this process; the scan is exact
        this.index.onUnavailable?.(e);
      }
    }
    const sims: Array<{ id: string; sim: number }> = [];
    for (const row of this.stmts.vectors.iterate({ ...scope, model: embedder.modelId, bytes: embedder.dimensions * 4 }) as Iterable<{ chunkId: string; embedding: Buffer }>) {
      const sim = dot(q, decodeVector(row.embedding));
      if (sim > 0) sims.push({ id: row.chunkId, sim });
    }
    sims.sort((a, b) => b.sim - a.sim);
    return sims.slice(0, pool).map((s) => s.id);
  }

  /**
   * Apply pending chunk changes to the vector index now rather than at the next hybrid search: an
   * erasure must not leave the vectors of deleted text behind. No-op without an index.
   */
  async flushVectorIndex(): Promise<void> {
    (await this.vectorIndex())?.sync();
  }

  /** The sqlite-vec index, loaded on first use; null (logged once) when the extension cannot load. */
  private vectorIndex(): Promise<VecIndex | null> {
    if (this.index.enabled === false || !this.embedder) return Promise.resolve(null);
    const inScope = (seqs: number[], scope: VecScope) =>
      new Map((this.stmts.inScope.all({ ...scope, seqs: JSON.stringify(seqs) }) as Array<{ seq: number; id: string }>).map((r) => [r.seq, r.id]));
    return (this.vec ??= VecIndex.open(this.db, this.embedder.modelId, this.embedder.dimensions, inScope).catch((e: unknown) => {
      this.index.onUnavailable?.(e);
      return null;
    }));
  }

  private fuse(lexical: Candidate[], semantic: string[], scope: object): Candidate[] {
    const fused = new Map<string, Candidate>();
    lexical.forEach((c, i) => fused.set(c.chunkId, { ...c, raw: 1 / (RRF_K + i + 1) }));
    const missing = semantic.filter((id) => !fused.has(id));
    if (missing.length > 0) {
      for (const c of this.stmts.byIds.all({ ...scope, ids: JSON.stringify(missing) }) as Candidate[]) fused.set(c.chunkId, { ...c, raw: 0 });
    }
    semantic.forEach((id, i) => {
      const c = fused.get(id);
      if (c) {
        c.raw += 1 / (RRF_K + i + 1);
        c.vecRank = i + 1;
      }
    });
    return [...fused.values()];
  }

  private annotate(hits: SearchHit[], tenant: string, viewer: string | null): void {
    if (hits.length === 0) return;
    const rows = this.stmts.annotations.all({ tenant, viewer, ids: JSON.stringify(hits.map((h) => h.chunkId)) }) as Array<{
      chunkId: string;
      docId: string;
      text: string;
    }>;
    for (const h of hits) {
      // Rows are newest first: the latest active superseder is the one shown.
      const row = rows.find((r) => r.chunkId === h.chunkId && r.docId !== h.docId);
      if (row) h.supersededBy = { docId: row.docId, text: row.text };
    }
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
function roundParts(p: RerankParts): RerankParts {
  return { bm25: round4(p.bm25), proximity: round4(p.proximity), neighbour: round4(p.neighbour), document: round4(p.document), score: round4(p.score) };
}

export { orderSupersededAfter };

// The re-rank stage and proximity as they were (copied, so changes to them are held to this too); positions the plain way.
function rerank(
  candidates: readonly RerankCandidate[],
  query: ReadonlyArray<{ term: string; idf: number }>,
  weights: RerankWeights = RERANK_WEIGHTS,
): { parts: RerankParts[]; order: number[] } {
  const key = (group: string, order: number) => `${group}\u0000${order}`;
  const prox = candidates.map((c) => (weights.proximity > 0 ? proximityBonus(c.terms!, query, weights.window, weights.proximity) : 0));
  const s1 = candidates.map((c, i) => c.score + prox[i]!);
  const at = new Map<string, number>();
  candidates.forEach((c, i) => at.set(key(c.group, c.order), Math.max(at.get(key(c.group, c.order)) ?? 0, s1[i]!)));
  const nb = candidates.map((c) => weights.neighbours * Math.max(at.get(key(c.group, c.order - 1)) ?? 0, at.get(key(c.group, c.order + 1)) ?? 0));
  const s2 = s1.map((s, i) => s + nb[i]!);
  const best = new Map<string, number>();
  candidates.forEach((c, i) => best.set(c.group, Math.max(best.get(c.group) ?? 0, s2[i]!)));
  const parts = candidates.map((c, i) => {
    const document = weights.document * best.get(c.group)!;
    return { bm25: c.score, proximity: prox[i]!, neighbour: nb[i]!, document, score: s2[i]! + document };
  });
  const order = candidates.map((_, i) => i).sort((a, b) => parts[b]!.score - parts[a]!.score || a - b);
  return { parts, order };
}

function proximityBonus(terms: readonly string[], query: ReadonlyArray<{ term: string; idf: number }>, window = 3, weight = 0.5): number {
  if (query.length < 2) return 0;
  const at = new Map<string, number[]>();
  const wanted = new Set(query.map((q) => q.term));
  terms.forEach((t, i) => {
    if (wanted.has(t)) (at.get(t) ?? at.set(t, []).get(t)!).push(i);
  });
  let bonus = 0;
  for (let i = 0; i < query.length; i++) {
    for (let j = i + 1; j < query.length; j++) {
      const a = at.get(query[i]!.term);
      const b = at.get(query[j]!.term);
      if (!a || !b) continue;
      if (minDistance(a, b) <= window) bonus += weight * Math.min(query[i]!.idf, query[j]!.idf);
    }
  }
  return bonus;
}

function minDistance(a: number[], b: number[]): number {
  let i = 0;
  let j = 0;
  let best = Infinity;
  while (i < a.length && j < b.length) {
    best = Math.min(best, Math.abs(a[i]! - b[j]!));
    if (a[i]! < b[j]!) i++;
    else j++;
  }
  return best;
}

/** Proximity positions the plain way: every term of the text, those not wanted blanked (what src's optimised positionsOf is property-tested to equal). */
function positionsOf(text: string, wanted: ReadonlySet<string>): string[] {
  return analyze(text).map((t) => (wanted.has(t) ? t : ''));
}

