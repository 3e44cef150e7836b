import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { SearchHit } from '../../memory/knowledge-store.js';
import type { SqliteKnowledgeStore } from '../../stores/sqlite/knowledge-store.js';
import { withRuntime } from '../context.js';

interface SearchOptions {
  topK?: string;
  explain?: boolean;
  json?: boolean;
  user?: string;
}

/** `lore search "<query>"`: what retrieval returns for a question, and with --explain why. */
export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Show how the knowledge base ranks chunks for a query (--explain: per-term BM25, vector and RRF ranks)')
    .argument('<query>', 'the question or words to look for')
    .option('-k, --top-k <n>', 'how many hits (default: memory.topK)')
    .option('--explain', 'per-term BM25 contributions, the re-rank parts (proximity, neighbour, document), and the BM25/vector ranks fused by RRF when hybrid')
    .option('--user <id>', "search as this user (adds their pending learnings)")
    .option('--json', 'print JSON')
    .action(async (query: string, opts: SearchOptions, cmd: Command) => {
      const topK = opts.topK === undefined ? undefined : Number(opts.topK);
      if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1 && topK <= 100)) {
        throw new UsageError(`--top-k: expected an integer from 1 to 100, got ${opts.topK}`);
      }
      const [{ explainTerms }, { isExternal }] = await Promise.all([import('../../stores/sqlite/search-explain.js'), import('../../stores/bedrock-kb/external-kb.js')]);
      await withRuntime(cmd, async (rt) => {
        const hybrid = rt.config.memory.embedder !== 'none';
        // An existing Bedrock KB merged in read-only (LORE_EXTERNAL_KB_ID): its hits are marked as such.
        const externalKb = rt.config.store.externalKb.knowledgeBaseId;
        const hits = await rt.knowledge.search({
          tenantId: rt.config.tenant,
          query,
          topK: topK ?? rt.config.memory.topK,
          explain: !!opts.explain,
          ...(opts.user ? { viewer: { userId: opts.user } } : {}),
        });
        // The SQLite store's in-process index explains its own ranking; FTS5 explains otherwise.
        const store = rt.knowledge as Partial<Pick<SqliteKnowledgeStore, 'explainTerms'>>;
        // Per-term BM25 is the SQLite store's to explain; other stores show their ranks only.
        const explained = !opts.explain
          ? []
          : rt.backend.kind === 'sqlite'
            ? explainTerms((await import('../../stores/sqlite/backend.js')).sqliteDb(rt), query, hits, store.explainTerms?.(query, hits))
            : hits.map(() => ({ bm25: undefined, terms: [] }));
        const rows = hits.map((h, i): Row => ({
          rank: i + 1,
          score: Number(h.score.toFixed(4)),
          raw_score: Number(h.rawScore.toFixed(6)),
          kind: h.kind,
          source: h.sourceUri,
          chunk_id: h.chunkId,
          text: h.text,
          ...(h.supersededBy ? { superseded_by: h.supersededBy.docId } : {}),
          ...(opts.explain
            ? isExternal(h.docId)
              ? { explain: { from: `bedrock-kb:${externalKb}`, ...(h.ranks?.vector ? { retrieve_rank: h.ranks.vector } : {}), terms: [] } }
              : { explain: { bm25: explained[i]!.bm25, terms: explained[i]!.terms, ...(h.ranks ?? {}), ...(h.rerank ? { rerank: h.rerank } : {}) } }
            : {}),
        }));
        const merged = externalKb ? ` + Bedrock KB ${externalKb} (read-only), merged by RRF` : '';
        if (opts.json) return console.log(JSON.stringify({ query, mode: `${hybrid ? `hybrid (BM25 + ${rt.config.memory.embedder}, RRF)` : 'bm25'}${merged}`, hits: rows }, null, 2));
        console.log(`${hits.length} hit${hits.length === 1 ? '' : 's'} for "${query}" — ${hybrid ? `hybrid: BM25 + ${rt.config.memory.embedder}, fused by RRF (score = Σ 1/(60 + rank))` : 'BM25'}${merged}`);
        for (const r of rows) {
          console.log(`\n${String(r.rank).padStart(2)}. ${r.score.toFixed(2)}  ${r.kind.padEnd(8)}  ${r.source}${r.superseded_by ? '  (superseded)' : ''}`);
          console.log(`    ${snippet(r.text)}`);
          if (!r.explain) continue;
          if (r.explain.from) {
            console.log(`    from ${r.explain.from}: Retrieve rank #${r.explain.retrieve_rank}  → rrf ${r.raw_score.toFixed(4)}`);
            continue;
          }
          if (r.explain.bm25 === undefined) {
            console.log(`    ranks: bm25 ${r.explain.lexical ? `#${r.explain.lexical}` : '—'}, vector ${r.explain.vector ? `#${r.explain.vector}` : '—'}${merged ? `  → rrf ${r.raw_score.toFixed(4)}` : ''}`);
            continue;
          }
          const terms = r.explain.terms.map((t) => `${t.term} ${t.bm25.toFixed(3)} (df ${t.df})`).join(' + ');
          console.log(`    bm25 ${r.explain.bm25.toFixed(3)} = ${terms || 'no query term in this chunk'}`);
          const rr = r.explain.rerank;
          if (rr) console.log(`    re-rank ${rr.score.toFixed(3)} = bm25 ${rr.bm25.toFixed(3)} + proximity ${rr.proximity.toFixed(3)} + neighbour ${rr.neighbour.toFixed(3)} + document ${rr.document.toFixed(3)}`);
          if (hybrid) console.log(`    ranks: bm25 ${r.explain.lexical ? `#${r.explain.lexical}` : '—'}, vector ${r.explain.vector ? `#${r.explain.vector}` : '—'}  → rrf ${r.raw_score.toFixed(4)}`);
        }
      });
    });
}

interface Row {
  rank: number;
  score: number;
  raw_score: number;
  kind: string;
  source: string;
  chunk_id: string;
  text: string;
  superseded_by?: string;
  /** `from`: a hit of the external knowledge base (its Retrieve rank); bm25 absent: not the SQLite store. */
  explain?: { from?: string; retrieve_rank?: number; bm25?: number | undefined; terms: Array<{ term: string; df: number; bm25: number }>; lexical?: number; vector?: number; rerank?: SearchHit['rerank'] };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}
