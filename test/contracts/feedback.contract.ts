import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord, FeedbackStore } from '../../src/learning/feedback-store.js';
import type { BackendUnderTest, MakeBackend } from './harness.js';

const T0 = 1_700_000_000_000;

const message = (over: Partial<FeedbackRecord> = {}): FeedbackRecord => ({
  feedbackId: 'fb_run_2',
  tenantId: 't',
  sessionId: 's',
  userId: 'u',
  runId: 'run_2',
  targetRunId: 'run_1',
  message: 'thumbs down, that was wrong',
  sentiment: 'negative',
  createdAt: T0 + 10,
  ...over,
});

/**
 * FeedbackStore: one store for ratings (one per user per run, re-rating replaces) and chat
 * feedback (idempotent per feedback run), read back as thumbs about a run.
 */
export function feedbackContract(name: string, make: MakeBackend): void {
  describe(`FeedbackStore contract: ${name}`, () => {
    let b: BackendUnderTest;
    let fb: FeedbackStore;
    beforeEach(async () => {
      b = await make({ startAt: T0 });
      fb = b.backend.feedback;
    });
    afterEach(async () => b.close());

    it('keeps one rating per user per run: rating again replaces it', async () => {
      const first = await fb.put({ tenantId: 't', runId: 'run_1', userId: 'u', rating: 'up', comment: 'nice' });
      expect(first.created).toBe(true);
      expect(first.feedback).toMatchObject({ tenantId: 't', runId: 'run_1', userId: 'u', rating: 'up', comment: 'nice', createdAt: T0, updatedAt: T0 });
      await b.advance(1000);
      const again = await fb.put({ tenantId: 't', runId: 'run_1', userId: 'u', rating: 'down' });
      expect(again.created).toBe(false);
      expect(again.feedback).toMatchObject({ id: first.feedback.id, rating: 'down', createdAt: T0, updatedAt: T0 + 1000 });
      expect(again.feedback.comment).toBeUndefined();
      await fb.put({ tenantId: 't', runId: 'run_1', userId: 'v', rating: 'up' });
      expect(await fb.thumbs({ tenantId: 't', runId: 'run_1' })).toEqual({ up: 1, down: 1 });
    });

    it('lists ratings newest first by tenant, run and update time', async () => {
      await fb.put({ tenantId: 't', runId: 'run_1', userId: 'u', rating: 'up' });
      await b.advance(10);
      await fb.put({ tenantId: 't', runId: 'run_2', userId: 'u', rating: 'down' });
      await b.advance(10);
      await fb.put({ tenantId: 'other', runId: 'run_9', userId: 'u', rating: 'down' });
      const runsOf = (xs: Array<{ runId: string }>) => xs.map((f) => f.runId);
      expect(runsOf(await fb.list({ tenantId: 't' }))).toEqual(['run_2', 'run_1']);
      expect(runsOf(await fb.list({ tenantId: 't', runId: 'run_1' }))).toEqual(['run_1']);
      expect(runsOf(await fb.list({ since: T0 + 10 }))).toEqual(['run_9', 'run_2']);
      expect(runsOf(await fb.list({ tenantId: 't', limit: 1 }))).toEqual(['run_2']);
    });

    it('records chat feedback once per feedback run and lists it by target', async () => {
      await fb.recordFeedback({ feedback: message() });
      await fb.recordFeedback({ feedback: message({ feedbackId: 'fb_other', message: 'again' }) });
      await fb.recordFeedback({ feedback: message({ feedbackId: 'fb_run_3', runId: 'run_3', targetRunId: 'run_2', sentiment: 'positive', createdAt: T0 + 20 }) });
      expect(await fb.listFeedback({ tenantId: 't', targetRunId: 'run_1' })).toEqual([message()]);
      expect((await fb.listFeedback({ tenantId: 't' })).map((f) => f.runId)).toEqual(['run_3', 'run_2']);
      expect(await fb.listFeedback({ tenantId: 'other' })).toEqual([]);
      expect(await fb.feedbackTarget({ runId: 'run_2' })).toBe('run_1');
      expect(await fb.feedbackTarget({ runId: 'run_1' })).toBeNull();
      // Chat feedback is not a rating.
      expect(await fb.list({ tenantId: 't' })).toEqual([]);
    });

    it('counts ratings and chat feedback as thumbs about a run; neutral counts as neither', async () => {
      await fb.put({ tenantId: 't', runId: 'run_1', userId: 'u', rating: 'up' });
      await fb.recordFeedback({ feedback: message() });
      await fb.recordFeedback({ feedback: message({ feedbackId: 'fb_run_3', runId: 'run_3', sentiment: 'neutral' }) });
      await fb.recordFeedback({ feedback: message({ feedbackId: 'fb_run_4', runId: 'run_4', sentiment: 'positive' }) });
      expect(await fb.thumbs({ tenantId: 't', runId: 'run_1' })).toEqual({ up: 2, down: 1 });
      expect(await fb.thumbs({ tenantId: 'other', runId: 'run_1' })).toEqual({ up: 0, down: 0 });
      expect(await fb.thumbs({ tenantId: 't', runId: 'run_9' })).toEqual({ up: 0, down: 0 });
    });

    it('names the runs whose feedback changed since a time', async () => {
      await fb.put({ tenantId: 't', runId: 'run_old', userId: 'u', rating: 'up' });
      await b.advance(1000);
      await fb.put({ tenantId: 't', runId: 'run_a', userId: 'u', rating: 'down' });
      await fb.recordFeedback({ feedback: message({ createdAt: T0 + 1000 }) });
      await fb.recordFeedback({ feedback: message({ feedbackId: 'fb_x', runId: 'run_x', targetRunId: null, createdAt: T0 + 1000 }) });
      expect((await fb.runsWithFeedbackSince({ since: T0 + 500 })).sort()).toEqual(['run_1', 'run_a']);
    });
  });
}
