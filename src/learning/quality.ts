import { LoreError } from '../errors.js';

/**
 * Turn quality from the automatic (LLM-judge) score and human thumbs.
 *
 *   human_mean = ups / (ups + downs)              (thumb up = 1, thumb down = 0)
 *   q = auto                                       no feedback
 *   q = human_mean                                 feedback, no auto score
 *   q = 0.3 · auto + 0.7 · human_mean              both
 *   q = null                                       neither (unknown, never "low")
 *   lowConfidence = q !== null && q < threshold    (config evaluation.lowScoreThreshold)
 *
 * Humans outweigh the judge because a thumb is ground truth about this user's need, while the
 * judge is a model grading a model: a lone thumb down flags even a turn the judge rated 1.0
 * (→ 0.3 < the default 0.4). The judge's share still separates turns within the same feedback
 * (auto 0.2 + up → 0.76, auto 1.0 + up → 1.0), which orders the nightly re-check queue.
 */
export const AUTO_WEIGHT = 0.3;
export const HUMAN_WEIGHT = 0.7;

export type Thumb = 'up' | 'down';

export interface QualityInput {
  /** Judge score in 0..1; null/undefined when the turn was not judged (or the judge failed). */
  autoScore?: number | null;
  /** Thumbs given for the turn, as a list or as counts. */
  feedback?: readonly Thumb[] | { up: number; down: number };
  /** q below this is low-confidence. */
  threshold: number;
}

export interface QualityResult {
  score: number | null;
  source: 'none' | 'auto' | 'human' | 'blended';
  lowConfidence: boolean;
  /** Mean of the thumbs (up = 1, down = 0); null without feedback. */
  humanMean: number | null;
  feedbackCount: number;
}

export function mergeQuality(input: QualityInput): QualityResult {
  const auto = input.autoScore ?? null;
  if (auto !== null && !(auto >= 0 && auto <= 1)) throw new LoreError('VALIDATION_FAILED', `autoScore must be within 0..1, got ${auto}`);
  if (!(input.threshold >= 0 && input.threshold <= 1)) throw new LoreError('VALIDATION_FAILED', `threshold must be within 0..1, got ${input.threshold}`);

  const { up, down } = countThumbs(input.feedback);
  const n = up + down;
  const humanMean = n > 0 ? up / n : null;

  let score: number | null;
  let source: QualityResult['source'];
  if (humanMean === null) {
    score = auto;
    source = auto === null ? 'none' : 'auto';
  } else if (auto === null) {
    score = humanMean;
    source = 'human';
  } else {
    score = AUTO_WEIGHT * auto + HUMAN_WEIGHT * humanMean;
    source = 'blended';
  }
  // Round off float noise (0.3·0.5 + 0.7·1 = 0.85, not 0.8499999999999999) before comparing.
  if (score !== null) score = Math.round(score * 1e9) / 1e9;
  return { score, source, lowConfidence: score !== null && score < input.threshold, humanMean, feedbackCount: n };
}

function countThumbs(feedback: QualityInput['feedback']): { up: number; down: number } {
  if (!feedback) return { up: 0, down: 0 };
  if (Array.isArray(feedback)) {
    let up = 0;
    for (const t of feedback as readonly Thumb[]) {
      if (t !== 'up' && t !== 'down') throw new LoreError('VALIDATION_FAILED', `feedback must be 'up' or 'down', got ${String(t)}`);
      if (t === 'up') up++;
    }
    return { up, down: feedback.length - up };
  }
  const { up, down } = feedback as { up: number; down: number };
  if (![up, down].every((x) => Number.isInteger(x) && x >= 0)) throw new LoreError('VALIDATION_FAILED', 'feedback counts must be non-negative integers');
  return { up, down };
}
