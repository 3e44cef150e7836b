import type { Command } from 'commander';
import { LoreError } from '../../errors.js';
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
        throw new LoreError('VALIDATION_FAILED', `--top-k: expected an integer from 1 to 100, got ${opts.topK}`);
      }
      const { explainTerms } = await import('../../stores/sqlite/search-explain.js');
      await withRuntime(cmd, async (rt) => {
        const hybrid = rt.config.memory.embedder !== 'none';
        const hits = await rt.knowledge.search({
          tenantId: rt.config.tenant,
          query,
          topK: topK ?? rt.config.memory.topK,
          explain: !!opts.explain,
          ...(opts.user ? { viewer: { userId: opts.user } } : {}),
        });
        // The SQLite store's in-process index explains its own ranking; FTS5 explains otherwise.
        const store = rt.knowledge as Partial<Pick<SqliteKnowledgeStore, 'explainTerms'>>;
        const explained = opts.explain ? explainTerms((await import('../../stores/sqlite/backend.js')).sqliteDb(rt), query, hits, store.explainTerms?.(query, hits)) : [];
        const rows = hits.map((h, i) => ({
          rank: i + 1,
          score: Number(h.score.toFixed(4)),
          raw_score: Number(h.rawScore.toFixed(6)),
          kind: h.kind,
          source: h.sourceUri,
          chunk_id: h.chunkId,
          text: h.text,
          ...(h.supersededBy ? { superseded_by: h.supersededBy.docId } : {}),
          ...(opts.explain ? { explain: { bm25: explained[i]!.bm25, terms: explained[i]!.terms, ...(h.ranks ?? {}), ...(h.rerank ? { rerank: h.rerank } : {}) } } : {}),
        }));
        if (opts.json) return console.log(JSON.stringify({ query, mode: hybrid ? `hybrid (BM25 + ${rt.config.memory.embedder}, RRF)` : 'bm25', hits: rows }, null, 2));
        console.log(`${hits.length} hit${hits.length === 1 ? '' : 's'} for "${query}" — ${hybrid ? `hybrid: BM25 + ${rt.config.memory.embedder}, fused by RRF (score = Σ 1/(60 + rank))` : 'BM25'}`);
        for (const r of rows) {
          console.log(`\n${String(r.rank).padStart(2)}. ${r.score.toFixed(2)}  ${r.kind.padEnd(8)}  ${r.source}${r.superseded_by ? '  (superseded)' : ''}`);
          console.log(`    ${snippet(r.text)}`);
          if (!r.explain) continue;
          const terms = r.explain.terms.map((t) => `${t.term} ${t.bm25.toFixed(3)} (df ${t.df})`).join(' + ');
          console.log(`    bm25 ${r.explain.bm25.toFixed(3)} = ${terms || 'no query term in this chunk'}`);
          const rr = r.explain.rerank;
          if (rr) console.log(`    re-rank ${rr.score.toFixed(3)} = bm25 ${rr.bm25.toFixed(3)} + proximity ${rr.proximity.toFixed(3)} + neighbour ${rr.neighbour.toFixed(3)} + document ${rr.document.toFixed(3)}`);
          if (hybrid) console.log(`    ranks: bm25 ${r.explain.lexical ? `#${r.explain.lexical}` : '—'}, vector ${r.explain.vector ? `#${r.explain.vector}` : '—'}  → rrf ${r.raw_score.toFixed(4)}`);
        }
      });
    });
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}
