import { idf, type IdfFlavour, termScore, tfNorm } from './bm25.js';

/**
 * An in-process inverted index ranking by exact BM25 (bm25.ts) with MaxScore dynamic pruning
 * (Turtle & Flood 1995): query terms are ordered by the most they can add to a score, and once
 * the k-th best score exceeds what the rarest-first "non-essential" terms could add together, only
 * documents holding an essential (rarer) term are visited; the others' postings are merely probed.
 * Per-block bounds (maximum tf, minimum length per 128 postings) make a term's bound valid for
 * any average length, so it needs no upkeep when the corpus grows. Pruning only skips documents
 * that provably cannot enter the top k, so the result equals brute-force BM25 (tested).
 *
 * Documents are numbered in insertion order (postings stay sorted by appending); a caller's key
 * (e.g. a chunk's rowid) maps to its latest number. Removal is a tombstone plus exact statistics
 * (N, total length, df from the document's term list), compacted once dead postings dominate.
 */

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface Scored {
  key: number;
  score: number;
}

const BLOCK_SHIFT = 7; // 128 postings per block
/** Relative slack on bounds so float summation order can never prune a document that ties. */
const SLACK = 1 + 1e-9;

class Postings {
  docs: Int32Array = new Int32Array(4);
  tfs: Uint16Array = new Uint16Array(4);
  n = 0;
  /** Live documents holding the term. */
  df = 0;
  blockMaxTf: Uint16Array = new Uint16Array(1);
  blockMinDl: Uint32Array = new Uint32Array(1);

  push(doc: number, tf: number, dl: number): void {
    if (this.n === this.docs.length) {
      this.docs = grow(this.docs, this.n * 2);
      this.tfs = grow(this.tfs, this.n * 2);
    }
    const b = this.n >> BLOCK_SHIFT;
    if ((this.n & ((1 << BLOCK_SHIFT) - 1)) === 0) {
      if (b >= this.blockMaxTf.length) {
        this.blockMaxTf = grow(this.blockMaxTf, b * 2);
        this.blockMinDl = grow(this.blockMinDl, b * 2);
      }
      this.blockMaxTf[b] = tf;
      this.blockMinDl[b] = dl;
    } else {
      if (tf > this.blockMaxTf[b]!) this.blockMaxTf[b] = tf;
      if (dl < this.blockMinDl[b]!) this.blockMinDl[b] = dl;
    }
    this.docs[this.n] = doc;
    this.tfs[this.n] = tf;
    this.n++;
  }

  /** The largest tfNorm any posting can reach at this average length. */
  maxNorm(avgdl: number): number {
    let best = 0;
    const blocks = (this.n + (1 << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT;
    for (let b = 0; b < blocks; b++) {
      const v = tfNorm(this.blockMaxTf[b]!, this.blockMinDl[b]!, avgdl);
      if (v > best) best = v;
    }
    return best;
  }
}

function grow<T extends Int32Array | Uint16Array | Uint32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(Math.max(size, 4));
  out.set(a);
  return out;
}

export class InvertedIndex {
  private readonly termIds = new Map<string, number>();
  private readonly postings: Postings[] = [];
  private readonly docOf = new Map<number, number>();
  private keys: Float64Array = new Float64Array(16);
  private lengths: Uint32Array = new Uint32Array(16);
  private alive: Uint8Array = new Uint8Array(16);
  /** Each document's distinct term ids, for exact df on removal. */
  private fwd: Int32Array = new Int32Array(256);
  private fwdStart: Float64Array = new Float64Array(16);
  private fwdLen: Uint32Array = new Uint32Array(16);
  private fwdUsed = 0;
  private next = 0;
  private live = 0;
  private totalLength = 0;
  private deadPostings = 0;
  private livePostings = 0;

  constructor(private readonly flavour: IdfFlavour = 'fts5') {}

  get size(): number {
    return this.live;
  }

  has(key: number): boolean {
    return this.docOf.has(key);
  }

  /** Index a document's terms (analyze.ts) under `key`, replacing what the key held before. */
  add(key: number, terms: readonly string[]): void {
    this.remove(key);
    const doc = this.next++;
    if (doc === this.keys.length) {
      const n = doc * 2;
      this.keys = grow(this.keys, n);
      this.lengths = grow(this.lengths, n);
      this.alive = grow(this.alive, n);
      this.fwdStart = grow(this.fwdStart, n);
      this.fwdLen = grow(this.fwdLen, n);
    }
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    const dl = terms.length;
    if (this.fwdUsed + tf.size > this.fwd.length) this.fwd = grow(this.fwd, Math.max(this.fwd.length * 2, this.fwdUsed + tf.size));
    this.fwdStart[doc] = this.fwdUsed;
    this.fwdLen[doc] = tf.size;
    for (const [term, f] of tf) {
      let id = this.termIds.get(term);
      if (id === undefined) {
        id = this.postings.length;
        this.termIds.set(term, id);
        this.postings.push(new Postings());
      }
      const p = this.postings[id]!;
      p.push(doc, Math.min(f, 65535), dl);
      p.df++;
      this.fwd[this.fwdUsed++] = id;
    }
    this.keys[doc] = key;
    this.lengths[doc] = dl;
    this.alive[doc] = 1;
    this.docOf.set(key, doc);
    this.live++;
    this.totalLength += dl;
    this.livePostings += tf.size;
  }

  remove(key: number): void {
    const doc = this.docOf.get(key);
    if (doc === undefined) return;
    this.docOf.delete(key);
    this.alive[doc] = 0;
    this.live--;
    this.totalLength -= this.lengths[doc]!;
    const start = this.fwdStart[doc]!;
    const len = this.fwdLen[doc]!;
    for (let i = start; i < start + len; i++) this.postings[this.fwd[i]!]!.df--;
    this.deadPostings += len;
    this.livePostings -= len;
    if (this.deadPostings > 10_000 && this.deadPostings > this.livePostings) this.compact();
  }

  /** Each term's id in this index's dictionary, -1 for a term it does not hold (ids are stable while it lives). */
  termIdsOf(terms: readonly string[]): Int32Array {
    const out = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i++) out[i] = this.termIds.get(terms[i]!) ?? -1;
    return out;
  }

  /** Documents holding the term (live ones). */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.df;
  }

  /**
   * The k best documents by BM25 against the weighted terms (weight multiplies a term's
   * contribution), best first, ties by insertion order. `accept` filters keys before ranking.
   */
  search(query: readonly WeightedTerm[], k: number, accept?: (key: number) => boolean): Scored[] {
    if (k <= 0 || this.live === 0) return [];
    const avgdl = this.totalLength / this.live;
    const seen = new Set<string>();
    const qs: Array<{ p: Postings; w: number; ub: number }> = [];
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined || !(weight > 0) || seen.has(term)) continue;
      seen.add(term);
      const p = this.postings[id]!;
      if (p.df === 0) continue;
      const w = weight * idf(this.live, p.df, this.flavour);
      qs.push({ p, w, ub: w * p.maxNorm(avgdl) });
    }
    qs.sort((a, b) => a.ub - b.ub);
    const m = qs.length;
    const prefix = new Float64Array(m);
    qs.forEach((q, i) => (prefix[i] = (i > 0 ? prefix[i - 1]! : 0) + q.ub));
    const pos = new Int32Array(m);

    // A min-heap of the best k: the root is the worst (lowest score, then latest document).
    const hScore = new Float64Array(k);
    const hDoc = new Int32Array(k);
    let size = 0;
    let theta = -Infinity;
    let essential = 0; // terms [0, essential) cannot lift a document into the top k on their own

    const { lengths, alive, keys } = this;
    for (;;) {
      let d = 0x7fffffff;
      for (let i = essential; i < m; i++) {
        const q = qs[i]!;
        if (pos[i]! < q.p.n) {
          const x = q.p.docs[pos[i]!]!;
          if (x < d) d = x;
        }
      }
      if (d === 0x7fffffff) break;
      const dl = lengths[d]!;
      let score = 0;
      for (let i = essential; i < m; i++) {
        const q = qs[i]!;
        const at = pos[i]!;
        if (at < q.p.n && q.p.docs[at] === d) {
          score += q.w * tfNorm(q.p.tfs[at]!, dl, avgdl);
          pos[i] = at + 1;
        }
      }
      if (!alive[d] || (accept && !accept(keys[d]!))) continue;
      let i = essential - 1;
      for (; i >= 0; i--) {
        if (size === k && (score + prefix[i]!) * SLACK < theta) break;
        const q = qs[i]!;
        const at = seek(q.p.docs, pos[i]!, q.p.n, d);
        pos[i] = at;
        if (at < q.p.n && q.p.docs[at] === d) score += q.w * tfNorm(q.p.tfs[at]!, dl, avgdl);
      }
      if (i >= 0) continue;
      if (size < k) {
        heapPush(hScore, hDoc, size++, score, d);
      } else if (score > hScore[0]! || (score === hScore[0]! && d < hDoc[0]!)) {
        hScore[0] = score;
        hDoc[0] = d;
        siftDown(hScore, hDoc, size, 0);
      } else continue;
      if (size === k) {
        theta = hScore[0]!;
        while (essential < m && prefix[essential]! * SLACK < theta) essential++;
      }
    }
    const out: Array<{ doc: number; score: number }> = [];
    for (let j = 0; j < size; j++) out.push({ doc: hDoc[j]!, score: hScore[j]! });
    out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return out.map((o) => ({ key: keys[o.doc]!, score: o.score }));
  }

  /** How many of the (distinct) terms the document holds: probes, no scoring. */
  holds(terms: readonly string[], key: number): number {
    const doc = this.docOf.get(key);
    if (doc === undefined) return 0;
    let n = 0;
    for (const term of new Set(terms)) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const p = this.postings[id]!;
      const at = seek(p.docs, 0, p.n, doc);
      if (at < p.n && p.docs[at] === doc) n++;
    }
    return n;
  }

  /** Each query term's BM25 contribution to one document, and its df (for `lore search --explain`). */
  explain(query: readonly WeightedTerm[], key: number): Array<{ term: string; df: number; score: number }> {
    const doc = this.docOf.get(key);
    if (doc === undefined || this.live === 0) return [];
    const avgdl = this.totalLength / this.live;
    const out: Array<{ term: string; df: number; score: number }> = [];
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const p = this.postings[id]!;
      const at = seek(p.docs, 0, p.n, doc);
      if (at < p.n && p.docs[at] === doc) out.push({ term, df: p.df, score: weight * termScore(idf(this.live, p.df, this.flavour), p.tfs[at]!, this.lengths[doc]!, avgdl) });
    }
    return out;
  }

  /**
   * Drop dead postings (and their forward lists) once they outnumber the live ones, and forget
   * terms no live document holds (erased text should not linger as dictionary keys).
   */
  private compact(): void {
    for (const [term, id] of this.termIds) if (this.postings[id]!.df === 0) this.termIds.delete(term);
    for (const p of this.postings) {
      const old = { docs: p.docs, tfs: p.tfs, n: p.n };
      p.docs = new Int32Array(Math.max(4, p.df));
      p.tfs = new Uint16Array(Math.max(4, p.df));
      p.n = 0;
      p.blockMaxTf = new Uint16Array(1);
      p.blockMinDl = new Uint32Array(1);
      for (let j = 0; j < old.n; j++) {
        const d = old.docs[j]!;
        if (this.alive[d]) p.push(d, old.tfs[j]!, this.lengths[d]!);
      }
    }
    const fwd = new Int32Array(Math.max(256, this.livePostings));
    let used = 0;
    for (let d = 0; d < this.next; d++) {
      if (!this.alive[d]) {
        this.fwdLen[d] = 0;
        continue;
      }
      const s = this.fwdStart[d]!;
      fwd.set(this.fwd.subarray(s, s + this.fwdLen[d]!), used);
      this.fwdStart[d] = used;
      used += this.fwdLen[d]!;
    }
    this.fwd = fwd;
    this.fwdUsed = used;
    this.deadPostings = 0;
  }
}

/** First index ≥ from whose doc is ≥ target (galloping, then binary search). */
function seek(docs: Int32Array, from: number, n: number, target: number): number {
  if (from >= n || docs[from]! >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && docs[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > n) hi = n;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid]! < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

function worse(s: Float64Array, d: Int32Array, a: number, b: number): boolean {
  return s[a]! < s[b]! || (s[a] === s[b] && d[a]! > d[b]!);
}

function heapPush(s: Float64Array, d: Int32Array, at: number, score: number, doc: number): void {
  s[at] = score;
  d[at] = doc;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!worse(s, d, at, parent)) break;
    swap(s, d, at, parent);
    at = parent;
  }
}

function siftDown(s: Float64Array, d: Int32Array, size: number, at: number): void {
  for (;;) {
    const l = 2 * at + 1;
    const r = l + 1;
    let w = at;
    if (l < size && worse(s, d, l, w)) w = l;
    if (r < size && worse(s, d, r, w)) w = r;
    if (w === at) return;
    swap(s, d, at, w);
    at = w;
  }
}

function swap(s: Float64Array, d: Int32Array, a: number, b: number): void {
  const ts = s[a]!;
  s[a] = s[b]!;
  s[b] = ts;
  const td = d[a]!;
  d[a] = d[b]!;
  d[b] = td;
}
