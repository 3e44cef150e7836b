import { beforeEach, describe, expect, it } from 'vitest';
import type { Dynamo } from '../../src/stores/dynamodb/client.js';
import { DynamoEvaluationStore } from '../../src/stores/dynamodb/evaluation-store.js';
import { DynamoFeedbackStore } from '../../src/stores/dynamodb/feedback-store.js';
import { DynamoStatsSource } from '../../src/stores/dynamodb/stats-source.js';
import { DynamoRunStore } from '../../src/stores/dynamodb/run-store.js';
import { DynamoRunUsageLedger } from '../../src/stores/dynamodb/usage-ledger.js';
import { BudgetManager } from '../../src/learning/budget.js';
import type { EvaluationRecord } from '../../src/learning/evaluation-store.js';
import type { RunResult } from '../../src/workflow/types.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { freshTables } from './dynamo-fixture.js';

const ddb = useDynamoLocal();

describe('DynamoDB evaluations, ratings and usage (DynamoDB Local)', () => {
  let d: Dynamo;
  beforeEach(async () => {
    d = await freshTables(ddb);
  });

  const evaluation = (over: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
    runId: 'r1', tenantId: 't', sessionId: 's', userId: 'u', question: 'q?', answer: 'a.', autoScore: 0.4, judgeReason: 'meh', judgeModel: 'judge',
    quality: 0.4, lowConfidence: true, flagged: false, judgedAt: 1000, ...over,
  });

  it('upserts evaluations, keeps the first question, lists flagged and re-check candidates, and counts stats', async () => {
    const ev = new DynamoEvaluationStore(d);
    await ev.upsert({ evaluation: evaluation() });
    await ev.upsert({ evaluation: evaluation({ runId: 'r2', autoScore: null, quality: null, lowConfidence: false, judgedAt: 2000 }) });
    await ev.upsert({ evaluation: evaluation({ runId: 'r3', tenantId: 'other', autoScore: 0.9, quality: 0.9, lowConfidence: false, judgedAt: 3000 }) });
    expect((await ev.candidatesForRecheck({ since: 0 })).map((e) => e.runId)).toEqual(['r1', 'r2']);
    expect((await ev.candidatesForRecheck({ since: 1500 })).map((e) => e.runId)).toEqual(['r2']);
    await ev.upsert({ evaluation: evaluation({ question: 'changed?', autoScore: 0.2, quality: 0.2, flagged: true, flagReason: 'low', recheckedAt: 5000 }) });
    expect(await ev.get({ runId: 'r1' })).toEqual(evaluation({ autoScore: 0.2, quality: 0.2, flagged: true, flagReason: 'low', recheckedAt: 5000 }));
    expect(await ev.get({ runId: 'r2' })).toMatchObject({ autoScore: null, quality: null });
    expect(await ev.get({ runId: 'nope' })).toBeNull();
    expect((await ev.listFlagged({ tenantId: 't' })).map((e) => e.runId)).toEqual(['r1']);
    expect(await ev.listFlagged({ tenantId: 'other' })).toEqual([]);
    expect((await ev.candidatesForRecheck({ since: 0 })).map((e) => e.runId)).toEqual(['r2']);
    expect(await ev.stats({ tenantId: 't' })).toEqual({ scored: 1, unscored: 1, low: 1, flagged: 1, meanQuality: 0.2 });
    expect(await ev.stats({})).toMatchObject({ scored: 2, unscored: 1, flagged: 1 });
  });

  it('merges ratings and chat feedback into thumbs, one rating per user per run', async () => {
    let now = 100;
    const ratings = new DynamoFeedbackStore(d, () => now);
    const runs = ratings;
    const ev = ratings;
    const first = await ratings.put({ tenantId: 't', runId: 'r1', userId: 'alice', rating: 'up', comment: 'nice' });
    expect(first.created).toBe(true);
    now = 200;
    const again = await ratings.put({ tenantId: 't', runId: 'r1', userId: 'alice', rating: 'down' });
    expect(again).toMatchObject({ created: false, feedback: { id: first.feedback.id, rating: 'down', createdAt: 100, updatedAt: 200 } });
    expect(again.feedback.comment).toBeUndefined();
    await ratings.put({ tenantId: 't', runId: 'r1', userId: 'bob', rating: 'up' });
    await ratings.put({ tenantId: 'x', runId: 'r1', userId: 'bob', rating: 'up' });
    await runs.recordFeedback({ feedback: { feedbackId: 'fb1', tenantId: 't', sessionId: 's', userId: 'carol', runId: 'r9', targetRunId: 'r1', message: 'that was wrong', sentiment: 'negative', createdAt: 300 } });
    expect(await ev.thumbs({ tenantId: 't', runId: 'r1' })).toEqual({ up: 1, down: 2 });
    expect(await ev.feedbackTarget({ runId: 'r9' })).toBe('r1');
    expect(await ev.feedbackTarget({ runId: 'r1' })).toBeNull();
    expect((await ev.runsWithFeedbackSince({ since: 250 })).sort()).toEqual(['r1']);
    expect((await ratings.list({ tenantId: 't' })).map((f) => f.userId)).toEqual(['bob', 'alice']);
    expect((await ratings.list({ tenantId: 't', runId: 'r1', since: 200 })).length).toBe(2);
    expect((await ratings.list({})).length).toBe(3);
    // Ratings stay out of the chat-feedback listing that shares the table.
    expect((await runs.listFeedback({ tenantId: 't' })).map((f: { feedbackId: string }) => f.feedbackId)).toEqual(['fb1']);
  });

  it('derives session and tenant usage (lifetime, day, month) from the runs’ results', async () => {
    const runs = new DynamoRunStore(d);
    const ledger = new DynamoRunUsageLedger(d);
    const day = Date.parse('2026-06-15T10:00:00Z');
    const finish = async (runId: string, sessionId: string, createdAt: number, tokens: number) => {
      await runs.createRun({ runId, traceId: 'tr', tenantId: 'acme', sessionId, userId: 'u', message: 'm', currentState: 'Dispatch', createdAt, lease: { owner: 'E', until: createdAt + 1000 } });
      const result = { runId, traceId: 'tr', sessionId, status: 'COMPLETED', answer: 'a', learnings: [], toolCalls: [], usage: { inputTokens: tokens, outputTokens: 0, totalTokens: tokens }, iterations: 1 } as RunResult;
      await runs.checkpoint({ runId, owner: 'E', patch: { status: 'COMPLETED', result, release: true }, now: createdAt + 1, leaseUntil: 0 });
    };
    await finish('r1', 's1', day, 100);
    await finish('r2', 's1', day + 3600_000, 50);
    await finish('r3', 's2', day - 86_400_000, 7);
    await finish('r4', 's2', Date.parse('2026-05-31T23:59:59Z'), 1000);
    expect(await ledger.used('session', 'acme/s1')).toBe(150);
    expect(await ledger.used('session', 'acme/s2')).toBe(1007);
    expect(await ledger.used('tenant', 'acme')).toBe(1157);
    expect(await ledger.used('tenant', 'acme@2026-06-15')).toBe(150);
    expect(await ledger.used('tenant', 'acme@2026-06')).toBe(157);
    expect(await ledger.used('tenant', 'acme@2026-05')).toBe(1000);
    expect(await ledger.used('tenant', 'other')).toBe(0);
    const budgets = new BudgetManager(ledger, { sessionTokens: 150, tenantTokens: 0 });
    await expect(budgets.check({ tenantId: 'acme', sessionId: 's1' })).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    await expect(budgets.check({ tenantId: 'acme', sessionId: 's3' })).resolves.toBeDefined();

    const stats = new DynamoStatsSource(d);
    expect((await stats.runOutcomes({ tenantId: 'acme', since: Date.parse('2026-06-01T00:00:00Z') })).map((o) => o.result?.usage?.totalTokens).sort()).toEqual([100, 50, 7]);
    expect(await stats.runOutcomes({ tenantId: 'other' })).toEqual([]);
    await expect(stats.deadLetters()).rejects.toThrow(/no queue adapter/);
  });
});
