import { describe, expect, it } from 'vitest';
import { analyze, wantedPositions } from '../../memory/lexical/analyze.js';
import { InvertedIndex } from '../../memory/lexical/inverted-index.js';
import { positionsIn, TermSequences } from './term-sequences.js';

describe('TermSequences (cached term ids of chunks, for proximity)', () => {
  const texts = ['The hiking trail by the lake', 'Lakes and hikes: hiking near lakes', 'nothing relevant here at all', 'Ünïcode café near the lake, hiking'];
  const index = new InvertedIndex();
  texts.forEach((t, i) => index.add(i, analyze(t)));

  it('gives the positions wantedPositions finds in the text, for terms the index holds or lacks', () => {
    const seqs = new TermSequences();
    for (const query of [['hike', 'lake'], ['lake', 'absent', 'hike'], ['near', 'café', 'lake']]) {
      const ids = index.termIdsOf(query);
      texts.forEach((t, i) => expect(positionsIn(seqs.get(i, index, () => t), ids, query)).toEqual(wantedPositions(t, new Set(query))));
    }
  });

  it('admits a chunk on its second miss: scanned, then analysed and kept, then answered from the cache, always with the same positions', () => {
    const seqs = new TermSequences();
    const query = ['lake', 'hike', 'absent'];
    const ids = index.termIdsOf(query);
    const reads: number[] = [];
    for (let round = 0; round < 3; round++) {
      seqs.beginSearch();
      texts.forEach((t, i) => expect(seqs.positions(i, index, query, ids, () => (reads.push(i), t))).toEqual(wantedPositions(t, new Set(query))));
      expect(seqs.size).toBe(round === 0 ? 0 : texts.length);
    }
    expect(reads).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('admits at most 8 chunks per search; the others are scanned until a later search admits them', () => {
    const seqs = new TermSequences();
    const query = ['lake', 'hike'];
    const all = Array.from({ length: 20 }, (_, i) => i % texts.length);
    const many = new InvertedIndex();
    all.forEach((t, i) => many.add(i, analyze(texts[t]!)));
    const search = () => {
      seqs.beginSearch();
      all.forEach((t, i) => expect(seqs.positions(i, many, query, many.termIdsOf(query), () => texts[t]!)).toEqual(wantedPositions(texts[t]!, new Set(query))));
    };
    search();
    expect(seqs.size).toBe(0);
    search();
    expect(seqs.size).toBe(8);
    search();
    expect(seqs.size).toBe(16);
  });

  it('reads the text on a miss only, stays within its budget (least recently used dropped first) and forgets on demand', () => {
    const reads: number[] = [];
    const seqs = new TermSequences(12); // tokens: 6 + 6 + 5 + 6
    const get = (i: number) => seqs.get(i, index, () => (reads.push(i), texts[i]!));
    get(0);
    get(1);
    get(0); // hit: 0 becomes the most recent
    expect(reads).toEqual([0, 1]);
    get(2); // 6 + 7 + 5 > 12: drops 1 (least recent), keeps 0
    expect(seqs.size).toBe(2);
    get(0);
    get(1);
    expect(reads).toEqual([0, 1, 2, 1]);
    seqs.forget(1);
    get(1);
    expect(reads).toEqual([0, 1, 2, 1, 1]);
    seqs.clear();
    expect(seqs.size).toBe(0);
  });
});
