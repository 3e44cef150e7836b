import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeQuality } from './quality.js';

const threshold = 0.4;

describe('mergeQuality', () => {
  it('is unknown (and not low) with neither score nor feedback', () => {
    expect(mergeQuality({ threshold })).toEqual({ score: null, source: 'none', lowConfidence: false, humanMean: null, feedbackCount: 0 });
    expect(mergeQuality({ autoScore: null, feedback: [], threshold }).source).toBe('none');
  });

  it('uses the auto score alone when there is no feedback', () => {
    expect(mergeQuality({ autoScore: 0.75, threshold })).toEqual({ score: 0.75, source: 'auto', lowConfidence: false, humanMean: null, feedbackCount: 0 });
    expect(mergeQuality({ autoScore: 0.39, threshold }).lowConfidence).toBe(true);
    expect(mergeQuality({ autoScore: 0.4, threshold }).lowConfidence).toBe(false);
  });

  it('uses the human mean alone when there is no auto score', () => {
    expect(mergeQuality({ feedback: ['up', 'up', 'down', 'up'], threshold })).toEqual({
      score: 0.75,
      source: 'human',
      lowConfidence: false,
      humanMean: 0.75,
      feedbackCount: 4,
    });
    expect(mergeQuality({ autoScore: null, feedback: ['down'], threshold })).toMatchObject({ score: 0, lowConfidence: true });
  });

  it('blends 0.3 · auto + 0.7 · human mean', () => {
    expect(mergeQuality({ autoScore: 0.5, feedback: ['up'], threshold })).toMatchObject({ score: 0.85, source: 'blended', humanMean: 1 });
    expect(mergeQuality({ autoScore: 1, feedback: ['down'], threshold })).toMatchObject({ score: 0.3, lowConfidence: true });
    expect(mergeQuality({ autoScore: 0.9, feedback: { up: 1, down: 1 }, threshold })).toMatchObject({ score: 0.62, humanMean: 0.5, feedbackCount: 2 });
    expect(mergeQuality({ autoScore: 0.2, feedback: { up: 0, down: 0 }, threshold })).toMatchObject({ score: 0.2, source: 'auto' });
  });

  it('rejects invalid inputs', () => {
    expect(() => mergeQuality({ autoScore: 1.2, threshold })).toThrow(/autoScore/);
    expect(() => mergeQuality({ autoScore: Number.NaN, threshold })).toThrow(/autoScore/);
    expect(() => mergeQuality({ threshold: 2 })).toThrow(/threshold/);
    expect(() => mergeQuality({ feedback: ['meh' as 'up'], threshold })).toThrow(/feedback/);
    expect(() => mergeQuality({ feedback: { up: -1, down: 0 }, threshold })).toThrow(/feedback/);
  });

  it('always stays within 0..1 and between the auto score and the human mean', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(20), fc.nat(20), (auto, up, down) => {
        const r = mergeQuality({ autoScore: auto, feedback: { up, down }, threshold });
        expect(r.score).not.toBeNull();
        expect(r.score!).toBeGreaterThanOrEqual(0);
        expect(r.score!).toBeLessThanOrEqual(1);
        if (up + down > 0) {
          const h = up / (up + down);
          expect(r.score!).toBeGreaterThanOrEqual(Math.min(auto, h) - 1e-9);
          expect(r.score!).toBeLessThanOrEqual(Math.max(auto, h) + 1e-9);
        }
      }),
    );
  });
});
