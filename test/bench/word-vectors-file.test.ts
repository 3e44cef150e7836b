import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWordVectors, encodeWordVectors, loadWordVectors, parseWinkJson } from '../../bench/word-vectors/file.js';
import { sifVector } from '../../bench/word-vectors/sif.js';

// The wink package's shape, in miniature: vectors as word → [dims…, l2norm, rank], keys in any order.
const FIXTURE = {
  precision: 8,
  l2NormIndex: 3,
  wordIndex: 4,
  size: 4,
  dimensions: 3,
  words: ['the', '"', 'violin', 'naïve'],
  vectors: {
    violin: [0.5, -1.25, 2, 2.4, 2],
    the: [1, 0, 0, 1, 0],
    '"': [0, 1, 0, 1, 1],
    'naïve': [-0.1, 0.2, -0.3, 0.37, 3],
  },
  unkVector: [0, 0, 0, -1],
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('word-vectors file (bench)', () => {
  it('reads the package JSON in rank order, escaped and non-ASCII words included, within quantisation error', () => {
    const v = parseWinkJson(Buffer.from(JSON.stringify(FIXTURE)));
    expect(v.dims).toBe(3);
    expect(v.words).toEqual(['the', '"', 'violin', 'naïve']);
    const row = (w: string) => Array.from({ length: 3 }, (_, i) => v.data[v.rowOf.get(w)! * 3 + i]! * v.scales[v.rowOf.get(w)!]!);
    FIXTURE.vectors.violin.slice(0, 3).forEach((x, i) => expect(Math.abs(row('violin')[i]! - x)).toBeLessThanOrEqual(2 / 127 / 2 + 1e-9));
    FIXTURE.vectors['naïve'].slice(0, 3).forEach((x, i) => expect(Math.abs(row('naïve')[i]! - x)).toBeLessThanOrEqual(0.3 / 127 / 2 + 1e-9));
  });

  it('round-trips through the compact layout and rejects a truncated or foreign file', () => {
    const v = parseWinkJson(Buffer.from(JSON.stringify(FIXTURE)));
    const buf = encodeWordVectors(v);
    const back = decodeWordVectors(buf);
    expect(back.words).toEqual(v.words);
    expect([...back.scales]).toEqual([...v.scales]);
    expect([...back.data]).toEqual([...v.data]);
    expect(() => decodeWordVectors(buf.subarray(0, buf.length - 1))).toThrow(/truncated/);
    expect(() => decodeWordVectors(Buffer.from('JSON{}'.padEnd(32)))).toThrow(/magic/);
  });

  it('converts the JSON once and reads the converted file beside it afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-wv-'));
    dirs.push(dir);
    const json = join(dir, 'vectors.json');
    writeFileSync(json, JSON.stringify(FIXTURE));
    const first = loadWordVectors(json);
    expect(existsSync(join(dir, 'vectors.lwv'))).toBe(true);
    writeFileSync(json, 'not json any more'); // the second load must not read it
    const second = loadWordVectors(json);
    expect(second.words).toEqual(first.words);
    expect(readFileSync(join(dir, 'vectors.lwv')).subarray(0, 4).toString()).toBe('LWV1');
  });

  it('weights each word by a / (a + p), p from its frequency rank (Zipf), so frequent words count less', () => {
    const v = parseWinkJson(Buffer.from(JSON.stringify(FIXTURE)));
    const h = Math.log(4) + 0.5772;
    const w = (rank: number) => 1e-3 / (1e-3 + 1 / ((rank + 1) * h));
    expect(w(0)).toBeLessThan(w(2) / 2);
    const x = sifVector(v, 'The violin');
    // the = (1, 0, 0) at rank 0, violin = (0.5, -1.25, 2) at rank 2 (int8: within 1/127 of the largest value).
    expect(x[0]).toBeCloseTo(w(0) * 1 + w(2) * 0.5, 4);
    expect(x[2]).toBeCloseTo(w(2) * 2, 4);
    expect([...sifVector(v, 'unknown words only')]).toEqual([0, 0, 0]);
  });
});
