import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedProvider } from '../../test/support/scripted-provider.js';
import { SqliteFeedbackStore } from '../stores/sqlite/feedback-store.js';
import { createOfflineProvider } from '../models/offline/index.js';
import { openDatabase, type SqliteDatabase } from '../stores/sqlite/database.js';
import { SqliteEvaluationStore } from '../stores/sqlite/evaluation-store.js';
import { LoreMetrics } from '../telemetry/metrics.js';
import { Evaluator } from './evaluator.js';

const open: SqliteDatabase[] = [];
const dirs: string[] = [];
function db(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lore-eval-'));
  dirs.push(dir);
  const d = openDatabase(join(dir, 'lore.db'));
  open.push(d);
  return d;
}
afterEach(() => {
  for (const d of open.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const turn = (runId: string, question: string, answer: string) => ({ runId, tenantId: 't', sessionId: 's', userId: 'u', question, answer });

describe('evaluator', () => {
  it('judges turns asynchronously and records the score and metrics', async () => {
    const d = db();
    const store = new SqliteEvaluationStore(d);
    const metrics = new LoreMetrics();
    const ev = new Evaluator({ provider: createOfflineProvider(), store, feedback: new SqliteFeedbackStore(d), sampleRate: 1, lowScoreThreshold: 0.4, metrics });
    ev.submit(turn('r1', 'What is the rate limit of our internal API?', 'The internal API rate limit is 500 req/s.'));
    ev.submit(turn('r2', 'Who won the 1962 chess olympiad?', "I don't have information about that yet."));
    await ev.drain();
    expect((await store.get({ runId: 'r1' }))!).toMatchObject({ judgeReason: 'ok', lowConfidence: false });
    expect((await store.get({ runId: 'r1' }))!.autoScore).toBeGreaterThan(0.7);
    expect((await store.get({ runId: 'r2' }))!).toMatchObject({ autoScore: 0.3, lowConfidence: true, flagged: false });
    expect((await metrics.snapshot()).rates.lowQuality).toBe(0.5);
  });

  it('records an unparseable judge as unscored after one retry, never crashing', async () => {
    const d = db();
    const store = new SqliteEvaluationStore(d);
    const provider = scriptedProvider([[{ text: 'great answer!' }], [{ text: 'I would say good.' }]]);
    const ev = new Evaluator({ provider, store, feedback: new SqliteFeedbackStore(d), sampleRate: 1, lowScoreThreshold: 0.4 });
    const r = await ev.evaluate(turn('r1', 'q?', 'a'));
    expect(r).toMatchObject({ autoScore: null, judgeReason: 'unparseable', quality: null });
    expect(provider.requests).toHaveLength(2);
  });

  it('merges thumbs into quality: a thumb down on a well-judged turn makes it low', async () => {
    const d = db();
    const store = new SqliteEvaluationStore(d);
    const feedback = new SqliteFeedbackStore(d);
    const ev = new Evaluator({ provider: createOfflineProvider(), store, feedback, sampleRate: 1, lowScoreThreshold: 0.4 });
    const r = await ev.evaluate(turn('r1', 'What is 17*23?', '17*23 = 391'));
    expect(r.lowConfidence).toBe(false);
    await feedback.put({ tenantId: 't', runId: 'r1', userId: 'u', rating: 'down' });
    const after = (await ev.refreshQuality('r1'))!;
    // 0.3 · auto + 0.7 · 0 < 0.4 for any auto ≤ 1
    expect(after.quality).toBeCloseTo(0.3 * r.autoScore!, 6);
    expect(after.lowConfidence).toBe(true);
  });

  it('the nightly job re-checks low-confidence and unscored turns and flags them for review', async () => {
    const d = db();
    const store = new SqliteEvaluationStore(d);
    const ev = new Evaluator({ provider: createOfflineProvider(), store, feedback: new SqliteFeedbackStore(d), sampleRate: 1, lowScoreThreshold: 0.4 });
    await ev.evaluate(turn('good', 'What is 17*23?', '17*23 = 391'));
    await ev.evaluate(turn('bad', 'Where is the vault?', "I don't have information about that yet."));
    const result = await ev.nightly();
    expect(result).toEqual({ rechecked: 1, flagged: 1 });
    expect((await store.listFlagged({ tenantId: 't' })).map((e) => [e.runId, e.flagReason])).toEqual([['bad', expect.stringMatching(/quality 0\.30 < 0\.4/)]]);
    expect((await store.get({ runId: 'good' }))!.flagged).toBe(false);
  });

  it('samples deterministically by run id', () => {
    const d = db();
    const ev = new Evaluator({ provider: createOfflineProvider(), store: new SqliteEvaluationStore(d), feedback: new SqliteFeedbackStore(d), sampleRate: 0.25, lowScoreThreshold: 0.4 });
    const picks = Array.from({ length: 2000 }, (_, i) => ev.sampled(`run_${i}`));
    const rate = picks.filter(Boolean).length / picks.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.3);
    expect(ev.sampled('run_7')).toBe(ev.sampled('run_7'));
  });
});

describe('evaluator with chat feedback', () => {
  it('counts feedback typed into the chat as a thumb on the previous turn', async () => {
    const { mkdtempSync: mk } = await import('node:fs');
    const { loadConfig } = await import('../config.js');
    const { createRuntime } = await import('../runtime.js');
    const { createAgentService } = await import('../service.js');
    const rt = createRuntime(loadConfig({}, { dataDir: mk(join(tmpdir(), 'lore-fb-')), logLevel: 'silent' }));
    const svc = createAgentService(rt, { evaluate: true });
    try {
      const first = await svc.start({ tenantId: 't', sessionId: 's', userId: 'u', message: 'what is 17*23?' });
      await svc.evaluator.drain();
      const before = (await svc.evaluations.get({ runId: first.runId }))!;
      const fb = await svc.start({ tenantId: 't', sessionId: 's', userId: 'u', message: 'That was wrong answer, not helpful' });
      expect(fb.intent).toBe('feedback');
      expect(await svc.feedback.thumbs({ tenantId: 't', runId: first.runId })).toEqual({ up: 0, down: 1 });
      // The service re-merged quality as soon as the feedback turn finished.
      const after = (await svc.evaluations.get({ runId: first.runId }))!;
      expect(after.quality!).toBeLessThan(before.quality!);
      expect(after.lowConfidence).toBe(true);
    } finally {
      await svc.close();
      rt.close();
    }
  });
});
