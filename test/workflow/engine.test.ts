import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../src/errors.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import type { WorkflowStore as RunStore } from '../../src/workflow/workflow-store.js';
import type { RunEvent, RunStatus } from '../../src/workflow/types.js';
import { flakyProvider, isReasonRequest, makeHarness, refundTool, tempDir, T, type Harness } from './fixtures.js';

/** Records every status a run passes through, in order, by wrapping the store's checkpoint. */
function statusRecorder(runs: RunStore): { runs: RunStore; statuses: Map<string, RunStatus[]> } {
  const statuses = new Map<string, RunStatus[]>();
  const wrapped = Object.create(runs) as RunStore;
  wrapped.createRun = async (run) => {
    const created = await runs.createRun(run);
    if (created) statuses.set(run.runId, ['INITIATED']);
    return created;
  };
  wrapped.checkpoint = async (p) => {
    await runs.checkpoint(p);
    const list = statuses.get(p.runId) ?? [];
    if (p.patch.status && list.at(-1) !== p.patch.status) list.push(p.patch.status);
    statuses.set(p.runId, list);
  };
  return { runs: wrapped, statuses };
}

describe('workflow engine (offline model, SQLite)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let h: Harness;
  const dbPath = () => join(tmp.dir, 'lore.db');

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await h?.close();
    tmp.cleanup();
  });

  it('runs a learning turn to COMPLETED with a checkpoint per step and the full status progression', async () => {
    let rec!: ReturnType<typeof statusRecorder>;
    h = makeHarness({ dbPath: dbPath(), wrapRuns: (runs) => (rec = statusRecorder(runs)).runs });

    const r = await h.engine.start({ ...T, sessionId: 'A', message: 'Update: the rate limit was increased to 500 req/s last month.' });
    expect(r.status).toBe('COMPLETED');
    expect(r.intent).toBe('question');
    expect(r.answer).toMatch(/500 req\/s/);
    expect(r.answer).not.toMatch(/\[LEARNING\]/i);
    expect(r.learnings.map((l) => l.event)).toEqual(['ADD']);
    expect(rec.statuses.get(r.runId)).toEqual(['INITIATED', 'CONTEXT_BUILT', 'REASONING', 'RESPONDED', 'LEARNING', 'COMPLETED']);

    const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: r.runId }))!;
    expect(run).toMatchObject({ status: 'COMPLETED', currentState: 'Done', sessionId: 'A', userId: 'alice', intent: 'question', errorCount: 0 });
    expect(run.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']);
    for (const s of run.steps) {
      expect(s.status).toBe('succeeded');
      expect(s.input).toBeDefined();
      expect(s.output).toBeDefined();
      expect(s.finishedAt).toBeGreaterThanOrEqual(s.startedAt);
    }
    expect(run.attempts).toBe(5);
    expect(run.result?.answer).toBe(r.answer);

    // The learning reaches another session: the seeds' proof of learning, through the workflow.
    const b = await h.engine.start({ ...T, sessionId: 'B', message: 'What is the rate limit of our internal API?' });
    expect(b.answer).toMatch(/500 req\/s/);
    expect((await h.engine.getRun({ tenantId: T.tenantId, runId: b.runId }))!.steps.map((s) => s.step)).not.toContain('UpdateKnowledge');
    expect(await h.rt.sessions.recentTurns({ tenantId: T.tenantId, sessionId: 'A', limit: 10 })).toHaveLength(2);
  });

  it('goes through TOOL_EXECUTION_PENDING while tools run', async () => {
    const executions: Array<{ key: string; order_id: string; amount: number }> = [];
    let rec!: ReturnType<typeof statusRecorder>;
    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)], wrapRuns: (runs) => (rec = statusRecorder(runs)).runs });
    const r = await h.engine.start({ ...T, sessionId: 'A', message: 'Please issue a refund of $250 for order A-7' });
    expect(r.status).toBe('COMPLETED');
    expect(r.intent).toBe('task');
    expect(r.toolCalls).toMatchObject([{ name: 'issue_refund', status: 'success', input: { order_id: 'A-7', amount: 250 } }]);
    expect(executions).toHaveLength(1);
    expect(rec.statuses.get(r.runId)).toEqual(['INITIATED', 'CONTEXT_BUILT', 'REASONING', 'TOOL_EXECUTION_PENDING', 'REASONING', 'RESPONDED', 'COMPLETED']);
    const effect = await h.runs.getEffect({ key: `${r.runId}:Reason:${r.toolCalls[0]!.toolUseId}` });
    expect(effect).toMatchObject({ status: 'completed', tool: 'issue_refund' });
  });

  it('streams text without ever leaking [LEARNING] lines, and emits step and tool events', async () => {
    h = makeHarness({ dbPath: dbPath() });
    const events: RunEvent[] = [];
    const r = await h.engine.start({ ...T, sessionId: 'S', message: 'Note: the staging database moved to db-2.internal.', stream: true, onEvent: (e) => events.push(e) });
    const text = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
    expect(text.toLowerCase()).not.toContain('learning]');
    expect(text.trim()).toBe(r.answer);
    expect(events[0]).toMatchObject({ type: 'run_started', runId: r.runId });
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', result: { status: 'COMPLETED' } });
    expect(events.filter((e) => e.type === 'step_started').map((e) => (e as { step: string }).step)).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']);
  });

  it('routes feedback to the feedback path: recorded on the latest run, acknowledged, no ReAct loop', async () => {
    h = makeHarness({ dbPath: dbPath() });
    const first = await h.engine.start({ ...T, sessionId: 'F', message: 'What is 17*23?' });
    const fb = await h.engine.start({ ...T, sessionId: 'F', message: 'thumbs up, great answer' });
    expect(fb).toMatchObject({ status: 'COMPLETED', intent: 'feedback', toolCalls: [], iterations: 0 });
    expect(fb.answer).toMatch(/thanks for the feedback/i);
    const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: fb.runId }))!;
    expect(run.steps.map((s) => s.step)).toEqual(['Dispatch', 'RecordFeedback']);
    expect(await h.runs.listFeedback({ tenantId: T.tenantId, targetRunId: first.runId })).toMatchObject([{ runId: fb.runId, sentiment: 'positive', message: 'thumbs up, great answer' }]);
    expect(await h.rt.sessions.recentTurns({ tenantId: T.tenantId, sessionId: 'F', limit: 10 })).toHaveLength(4);
  });

  it('retries a throttled model with exponential backoff, then succeeds', async () => {
    const provider = flakyProvider(createOfflineProvider(), { code: 'MODEL_THROTTLED', times: 2, when: isReasonRequest });
    const delays: number[] = [];
    h = makeHarness({ dbPath: dbPath(), provider, engine: { sleep: async (ms) => void delays.push(ms) } });
    const r = await h.engine.start({ ...T, sessionId: 'R', message: 'What is 6*7?' });
    expect(r.status).toBe('COMPLETED');
    expect(r.answer).toMatch(/42/);
    expect(delays).toEqual([1000, 2000]);
    const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: r.runId }))!;
    expect(run.errorCount).toBe(2);
    expect(run.error).toBeUndefined();
    expect(run.steps.filter((s) => s.step === 'Reason').map((s) => [s.attempt, s.status, s.error?.code])).toEqual([
      [1, 'failed', 'MODEL_THROTTLED'],
      [2, 'failed', 'MODEL_THROTTLED'],
      [3, 'succeeded', undefined],
    ]);
    expect(h.events.filter((e) => e.type === 'step_retry')).toHaveLength(2);
  });

  it('ends an unrecoverable error in FAILED with the reason stored, an operator event and a log line', async () => {
    const provider = flakyProvider(createOfflineProvider(), { code: 'MODEL_ERROR', times: 1, when: isReasonRequest });
    h = makeHarness({ dbPath: dbPath(), provider });
    const events: RunEvent[] = [];
    const r = await h.engine.start({ ...T, sessionId: 'X', message: 'What is 6*7?', onEvent: (e) => events.push(e) });
    expect(r.status).toBe('FAILED');
    expect(r.error).toEqual({ code: 'MODEL_ERROR', message: 'injected MODEL_ERROR #1' });
    expect(r.answer).toMatch(/could not complete/i);
    const run = (await h.engine.getRun({ tenantId: T.tenantId, runId: r.runId }))!;
    expect(run).toMatchObject({ status: 'FAILED', currentState: 'Failed', error: { code: 'MODEL_ERROR' } });
    expect(run.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['Dispatch:succeeded', 'BuildContext:succeeded', 'Reason:failed', 'Catch:succeeded', 'HandleError:succeeded']);
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'run_failed', runId: r.runId, state: 'Reason', error: { code: 'MODEL_ERROR', message: 'injected MODEL_ERROR #1' } }));
    expect(h.logLines.some((l) => l.includes('"event":"run_failed"') && l.includes(r.runId))).toBe(true);
    expect(events.map((e) => e.type)).toContain('run_error');
  });

  it('gives up after the retry budget and fails with the last error', async () => {
    const provider = flakyProvider(createOfflineProvider(), { code: 'MODEL_UNAVAILABLE', times: 99, when: isReasonRequest });
    const delays: number[] = [];
    h = makeHarness({ dbPath: dbPath(), provider, engine: { sleep: async (ms) => void delays.push(ms) } });
    const r = await h.engine.start({ ...T, sessionId: 'X', message: 'What is 6*7?' });
    expect(r).toMatchObject({ status: 'FAILED', error: { code: 'MODEL_UNAVAILABLE' } });
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('is idempotent on run id and validates input before creating a run', async () => {
    h = makeHarness({ dbPath: dbPath() });
    const a = await h.engine.start({ ...T, sessionId: 'I', message: 'What is 2+2?', runId: 'run_fixed_1' });
    const b = await h.engine.start({ ...T, sessionId: 'I', message: 'What is 2+2?', runId: 'run_fixed_1' });
    expect(b).toEqual(a);
    expect(await h.rt.sessions.recentTurns({ tenantId: T.tenantId, sessionId: 'I', limit: 10 })).toHaveLength(2);
    await expect(h.engine.start({ ...T, sessionId: 'I', message: '   ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(h.engine.start({ ...T, userId: 'mallory', sessionId: 'I', message: 'hi', runId: 'run_fixed_1' })).rejects.toBeInstanceOf(LoreError);
    expect(await h.engine.getRun({ tenantId: T.tenantId, runId: 'run_fixed_1', userId: 'mallory' })).toBeNull();
    expect(await h.engine.getRun({ tenantId: 'other', runId: 'run_fixed_1' })).toBeNull();
  });

  it('enqueue creates an INITIATED run that resume executes', async () => {
    h = makeHarness({ dbPath: dbPath() });
    const { runId } = await h.engine.enqueue({ ...T, sessionId: 'Q', message: 'What is 3*3?' });
    expect((await h.engine.getRun({ tenantId: T.tenantId, runId }))!.status).toBe('INITIATED');
    const r = await h.engine.resume(runId);
    expect(r).toMatchObject({ runId, status: 'COMPLETED' });
    expect(r.answer).toMatch(/9/);
  });
});
