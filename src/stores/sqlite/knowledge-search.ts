import type { Embedder } from '../../memory/embedder.js';
import type { DocKind, SearchHit, Viewer } from '../../memory/knowledge-store.js';
import type { SqliteDatabase } from './database.js';
import { queryTerms, stem, TITLE_PREFIX } from '../../memory/lexical/analyze.js';
import { idf } from '../../memory/lexical/bm25.js';
import { CHEAP_DEPTH, rerank, rerankDepth, type RerankParts } from '../../memory/lexical/rerank-stage.js';
import { rrf } from '../rank-fusion.js';
import { buildFtsQuery } from './fts-query.js';
import { IDF, LexicalIndex, lexicalQuery } from './lexical-index.js';
import type { InvertedIndex } from '../../memory/lexical/inverted-index.js';
import { VecIndex, type VecScope } from './vec-index.js';
import { byRelevance, orderSupersededAfter } from '../../memory/search-order.js';
import { decodeVector, dot, encodeVector } from './vectors.js';

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
 * The in-process engine's ranking: the two-stage re-rank (default, rerank-stage.ts: neighbours and
 * document evidence over the first-pass top CHEAP_DEPTH, proximity over the top M of that), or BM25
 * alone (`rerank: false`, the "before" the benches print). `depth` re-ranks the top `depth` in one
 * stage, proximity included (benches: every match); `cheapDepth` overrides CHEAP_DEPTH (0: one
 * stage over the top M, the ranking before the two stages).
 */
export interface RankingOptions {
  rerank?: boolean;
  depth?: number;
  cheapDepth?: number;
  /** Overrides M in the two stages (tests: a pool deeper than the proximity stage on a small corpus). */
  proximityDepth?: number;
}

type Scope = { tenant: string; kinds: string | null; viewer: string | null };
/** A bySeqs row: seq, chunk id, doc id, idx, source, kind, in scope (1/0). */
type RowOf = [number, string, string, number, string, DocKind, number];

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
        ORDER BY raw DESC LIMIT CAST(@limit AS INTEGER)`;

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
              ORDER BY score LIMIT CAST(@window AS INTEGER)) t
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
export class KnowledgeSearch {
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
      // Rows of ranked seqs and whether each is in scope, without their text (read for the few
      // that need it), from the covering indexes alone (INDEXED BY: the planner would rather take
      // the rowid and the unique id index, which read the text-laden rows). Asked in batches, best
      // first, so a search reads about as many rows as it keeps. Raw: [seq, chunkId, docId, idx, sourceUri, kind, ok].
      bySeqs: db.prepare(`SELECT c.seq, c.id, c.doc_id, c.idx, d.source_uri, d.kind, ${IN_SCOPE}
        FROM json_each(@seqs) j CROSS JOIN chunks c INDEXED BY chunks_rank ON c.seq = j.value
          CROSS JOIN documents d INDEXED BY documents_scope ON d.id = c.doc_id`).raw(),
      textOf: db.prepare('SELECT text FROM chunks WHERE seq = ?').pluck(),
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
    // Proximity needs two query terms in the chunk: only those chunks' term sequences are read
    // (cached by the index for chunks met before; otherwise the text is read and scanned).
    const body = qi.map((q) => q.term);
    const ids = index.termIdsOf(body);
    const sequences = this.lex!.sequences;
    sequences.beginSearch();
    const none = new Map<string, number[]>();
    const positions = (seq: number | undefined) => ({
      positions: seq !== undefined && body.length >= 2 && index.holds(body, seq) >= 2 ? sequences.positions(seq, index, body, ids, () => this.textOf(seq)) : none,
    });
    let thin = false;
    if (depth > m) {
      const deep = this.deepPool(query, scope, pool, m, depth, qi, positions, kinds);
      if (deep) return deep;
      thin = true;
    }
    // One stage (the top m in scope, all with proximity), or a tenant with too thin a share of
    // the index for the deep pool: the top `depth` of its own chunks, proximity for the cheap top m.
    const first = this.ranked(query, scope, depth, kinds, thin);
    if (first.length === 0) return first;
    const { parts, order } = rerank(
      first.map((c) => ({ score: c.raw, group: c.docId, order: c.idx ?? 0 })),
      qi,
      undefined,
      { proximityDepth: m, proximityOf: (i) => positions(first[i]!.seq) },
    );
    // The fused (hybrid) list stays `pool` long, as before the re-rank.
    return order.slice(0, pool).map((i) => ({ ...first[i]!, raw: parts[i]!.score, parts: parts[i]! }));
  }

  /**
   * The two stages over the index's first-pass top `depth`, placed from the index alone (each
   * chunk's document and position live beside it): the cheap signals over all of them, whichever
   * tenant they belong to — a chunk only lends within its own document, and scope is a property
   * of the document, so other tenants' chunks never change an in-scope score — then rows read in
   * cheap order until `m` are in scope, proximity for those, and those ranked by the full score.
   * Null when fewer than `m` of a full first pass are in scope (a tenant with a thin share of the
   * index, e.g. one of ten): the caller then ranks the top `depth` of the tenant's own chunks.
   */
  private deepPool(
    query: string,
    scope: Scope,
    pool: number,
    m: number,
    depth: number,
    qi: Array<{ term: string; idf: number }>,
    positions: (seq: number) => { positions: Map<string, number[]> },
    kinds?: DocKind[],
  ): Candidate[] | null {
    const terms = lexicalQuery(query);
    if (terms.length === 0) return [];
    const lex = this.lex!;
    const top = lex.index.search(terms, depth);
    const at = new Map(top.map((t, i) => [t.key, i]));
    let read: Candidate[] = [];
    const { parts } = rerank(
      top.map((t) => {
        const place = lex.locate(t.key);
        return { score: t.score, group: place?.docId ?? `\u0000${t.key}`, order: place?.idx ?? 0 };
      }),
      qi,
      undefined,
      {
        proximityOf: (i) => positions(top[i]!.key),
        proximityFor: (order) => {
          read = this.rows(order.map((i) => top[i]!), scope, kinds, true, m);
          return read.map((c) => at.get(c.seq!)!);
        },
      },
    );
    if (read.length < m && top.length === depth) return null;
    const ranked = read.map((c) => ({ c, i: at.get(c.seq!)! })).sort((a, b) => parts[b.i]!.score - parts[a.i]!.score || a.i - b.i);
    return ranked.slice(0, pool).map(({ c, i }) => ({ ...c, raw: parts[i]!.score, parts: parts[i]! }));
  }

  /**
   * The best `pool` candidates in scope from the in-process index (exact BM25 over body and title
   * fields, MaxScore-pruned; lexical-index.ts says which ranking and why):
   * the same window-then-filter plan as FTS5's, but a window costs what MaxScore visits, not every
   * match. A tenant with a thin share falls back to ranking only its own chunks (accept filter);
   * `thin` goes there at once (the deep pool already found the share thin).
   */
  private ranked(query: string, scope: Scope, pool: number, kinds?: DocKind[], thin = false): Candidate[] {
    const terms = lexicalQuery(query);
    if (terms.length === 0) return [];
    const lex = this.lexicalIndex();
    for (const factor of thin ? [] : WINDOWS) {
      const window = pool * factor;
      const top = lex.search(terms, window);
      const hits = this.rows(top, scope, kinds, true, pool);
      if (hits.length >= pool || top.length < window) return hits;
    }
    const allowed = new Set(this.stmts.scopeSeqs.all(scope) as number[]);
    return this.rows(lex.search(terms, pool, (seq) => allowed.has(seq)), scope, kinds, false, pool);
  }

  /** The first `want` ranked seqs in scope (and of the wanted kinds), in rank order. */
  private rows(top: Array<{ key: number; score: number }>, scope: Scope, kinds: DocKind[] | undefined, check: boolean, want: number): Candidate[] {
    const out: Candidate[] = [];
    const params = { tenant: scope.tenant, viewer: scope.viewer, seqs: '' };
    // A first batch a little over `want` (most ranked chunks are usually in scope), then twice
    // what is still missing: the result is the same whatever the batch sizes.
    let batch = want + (want >> 3) + 8;
    for (let from = 0; from < top.length && out.length < want; ) {
      const to = Math.min(top.length, from + batch);
      params.seqs = JSON.stringify(top.slice(from, to).map((t) => t.key));
      const bySeq = new Map<number, RowOf>();
      for (const r of this.stmts.bySeqs.all(params) as RowOf[]) bySeq.set(r[0], r);
      for (let i = from; i < to && out.length < want; i++) {
        const t = top[i]!;
        const r = bySeq.get(t.key);
        if (!r || (check && !r[6]) || (kinds && !kinds.includes(r[5]))) continue;
        out.push({ chunkId: r[1], docId: r[2], seq: t.key, idx: r[3], sourceUri: r[4], kind: r[5], raw: t.score });
      }
      from = to;
      batch = Math.max(16, 2 * (want - out.length));
    }
    return out;
  }

  private textOf(seq: number): string {
    return (this.stmts.textOf.get(seq) as string | undefined) ?? '';
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
    lexical.forEach((c, i) => fused.set(c.chunkId, { ...c, raw: rrf(i + 1) }));
    const missing = semantic.filter((id) => !fused.has(id));
    if (missing.length > 0) {
      for (const c of this.stmts.byIds.all({ ...scope, ids: JSON.stringify(missing) }) as Candidate[]) fused.set(c.chunkId, { ...c, raw: 0 });
    }
    semantic.forEach((id, i) => {
      const c = fused.get(id);
      if (c) {
        c.raw += rrf(i + 1);
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
