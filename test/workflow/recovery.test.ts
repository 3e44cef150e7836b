import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortError } from '../../src/errors.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import type { ModelProvider } from '../../src/models/provider.js';
import type { ConverseRequest, Message } from '../../src/models/types.js';
import { defineTool, type AnyTool } from '../../src/tools/tool.js';
import type { WorkflowStore as RunStore } from '../../src/workflow/workflow-store.js';
import type { ReasonProgress } from '../../src/workflow/reason-step.js';
import { isIntentRequest, isReasonRequest, makeHarness, refundTool, tempDir, T, type Harness } from './fixtures.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/** Offline model that never answers Reason requests until aborted: a turn frozen mid-step. */
function hangingOnReason(): ModelProvider {
  const inner = createOfflineProvider();
  return {
    ...inner,
    converse: (req: ConverseRequest, o?: { signal?: AbortSignal }) =>
      isReasonRequest(req) ? new Promise((_, reject) => o?.signal?.addEventListener('abort', () => reject(abortError(o.signal)), { once: true })) : inner.converse(req, o),
  };
}

function countingProvider(): ModelProvider & { intentCalls: number } {
  const inner = createOfflineProvider();
  const p = {
    ...inner,
    intentCalls: 0,
    converse: (req: ConverseRequest, o?: { signal?: AbortSignal }) => {
      if (isIntentRequest(req)) p.intentCalls++;
      return inner.converse(req, o);
    },
  };
  return p;
}

/** A refund tool whose side effect happens, then the process "dies" before it returns. */
function hangingRefund(executions: unknown[], extra: Partial<AnyTool> = {}): AnyTool {
  const tool = defineTool({
    name: 'issue_refund',
    description: 'Issue a refund of an amount of money for an order.',
    input: z.object({ order_id: z.string(), amount: z.number() }),
    mutating: true,
    handler: (input, ctx) => {
      executions.push({ key: ctx.idempotencyKey, ...input });
      return new Promise(() => {});
    },
  }) as unknown as AnyTool;
  return { ...tool, ...extra };
}

async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('crash recovery', () => {
  let tmp: ReturnType<typeof tempDir>;
  let h: Harness | undefined;
  const dbPath = () => join(tmp.dir, 'lore.db');

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    tmp.cleanup();
  });

  it('resumes a run left in REASONING from its last checkpoint without re-running finished steps', async () => {
    const a = makeHarness({ dbPath: dbPath(), provider: hangingOnReason() });
    const started = a.engine.start({ ...T, sessionId: 'C', message: 'Update: the deploy window is now Tuesdays 10:00-12:00.' }).catch((e) => e);
    await until(async () => (await a.runs.listRunIds({ statuses: ['REASONING'] })).length === 1);
    const [runId] = await a.runs.listRunIds({ statuses: ['REASONING'] });
    await a.close(); // the "crash": the step is interrupted, the checkpointed state stays
    expect(await started).toMatchObject({ code: 'ABORTED' });

    const provider = countingProvider();
    h = makeHarness({ dbPath: dbPath(), provider });
    const left = (await h.runs.getRun({ runId: runId! }))!;
    expect(left).toMatchObject({ status: 'REASONING', currentState: 'Reason' });
    expect(left.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext']);

    expect(await h.engine.recoverInFlight()).toBe(1);
    const run = (await h.runs.getRun({ runId: runId! }))!;
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => s.step)).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']);
    expect(provider.intentCalls).toBe(0);
    expect(run.result?.learnings.map((l) => l.event)).toEqual(['ADD']);
  });

  it('re-running steps whose effects landed before the crash stores the turn and the learning once', async () => {
    const a = makeHarness({ dbPath: dbPath() });
    const r = await a.engine.start({ ...T, sessionId: 'D', message: 'Update: the on-call rotation is now weekly.' });
    expect(r.status).toBe('COMPLETED');
    // Crash after HandleResponse and UpdateKnowledge did their writes but before any checkpoint
    // recorded them: roll the run back to "in Reason", with a lease from a process that is gone.
    sqliteDb(a.rt).prepare(`DELETE FROM workflow_steps WHERE run_id = ? AND step IN ('Reason', 'HandleResponse', 'UpdateKnowledge')`).run(r.runId);
    sqliteDb(a.rt).prepare(`UPDATE workflow_runs SET status = 'REASONING', current_state = 'Reason', result = NULL, lease_owner = 'gone/1/x', lease_until = 0 WHERE run_id = ?`).run(r.runId);
    await a.close();

    h = makeHarness({ dbPath: dbPath() });
    expect(await h.engine.recoverInFlight()).toBe(1);
    const run = (await h.runs.getRun({ runId: r.runId }))!;
    expect(run.status).toBe('COMPLETED');
    expect(run.result?.answer).toBe(r.answer);
    const turns = await h.rt.sessions.recentTurns({ tenantId: T.tenantId, sessionId: 'D', limit: 10 });
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const docs = await h.rt.knowledge.listDocuments({ tenantId: T.tenantId, kind: 'learning' });
    expect(docs).toHaveLength(1);
    expect(docs[0]!.status).toBe('active');
  });

  it('never re-executes a mutating call that was interrupted: the model gets TOOL_OUTCOME_UNKNOWN', async () => {
    const executions: unknown[] = [];
    const a = makeHarness({ dbPath: dbPath(), tools: [hangingRefund(executions)] });
    const started = a.engine.start({ ...T, sessionId: 'E', message: 'Please issue a refund of $300 for order B-1' }).catch((e) => e);
    await until(() => executions.length === 1);
    await a.close();
    await started;

    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions as never[])] });
    const [runId] = await h.runs.listRunIds({ statuses: ['TOOL_EXECUTION_PENDING'] });
    expect(runId).toBeDefined();
    expect(await h.engine.recoverInFlight()).toBe(1);
    const run = (await h.runs.getRun({ runId: runId! }))!;
    expect(run.status).toBe('COMPLETED');
    expect(executions).toHaveLength(1);
    expect(run.result?.toolCalls).toMatchObject([{ name: 'issue_refund', status: 'error', errorCode: 'TOOL_OUTCOME_UNKNOWN' }]);
    expect(run.result?.answer).toMatch(/may or may not have taken effect/);
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'tool_outcome_unknown', runId, tool: 'issue_refund' }));
  });

  it('re-executes an interrupted call when the tool declares itself idempotent', async () => {
    const executions: unknown[] = [];
    const a = makeHarness({ dbPath: dbPath(), tools: [hangingRefund(executions, { idempotent: true })] });
    const started = a.engine.start({ ...T, sessionId: 'E', message: 'Please issue a refund of $300 for order B-2' }).catch((e) => e);
    await until(() => executions.length === 1);
    await a.close();
    await started;

    const tool = { ...refundTool(executions as never[]), idempotent: true };
    h = makeHarness({ dbPath: dbPath(), tools: [tool] });
    expect(await h.engine.recoverInFlight()).toBe(1);
    expect(executions).toHaveLength(2);
    const [key1, key2] = executions.map((e) => (e as { key: string }).key);
    expect(key2).toBe(key1); // the same idempotency key, so the downstream API can dedupe
  });

  it('replays a completed call from the ledger when the crash came before the loop checkpoint', async () => {
    const executions: Array<{ key: string; order_id: string; amount: number }> = [];
    // A finished run's progress is dropped, so keep the last one the Reason step saved.
    let saved: ReasonProgress | undefined;
    const keepProgress = (runs: RunStore): RunStore =>
      new Proxy(runs, {
        get(target, key) {
          if (key === 'saveProgress') return (p: Parameters<RunStore['saveProgress']>[0]) => ((saved = JSON.parse(JSON.stringify(p.data)) as ReasonProgress), target.saveProgress(p));
          const v = Reflect.get(target, key) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const a = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)], wrapRuns: keepProgress });
    const r = await a.engine.start({ ...T, sessionId: 'G', message: 'Please issue a refund of $120 for order C-3' });
    expect(executions).toHaveLength(1);
    expect(await a.runs.getProgress({ runId: r.runId, step: 'Reason' })).toBeNull();
    // Roll back to "the call completed, but the tool round was never checkpointed".
    const prog = saved!;
    const [results, request] = [prog.history.at(-1) as Message, prog.history.at(-2) as Message];
    expect(results.content[0]).toHaveProperty('toolResult');
    await a.runs.saveProgress({ runId: r.runId, step: 'Reason', data: { ...prog, history: prog.history.slice(0, -2), pending: request, toolCalls: [] }, now: Date.now() });
    sqliteDb(a.rt).prepare(`DELETE FROM workflow_steps WHERE run_id = ? AND step IN ('Reason', 'HandleResponse')`).run(r.runId);
    sqliteDb(a.rt).prepare(`DELETE FROM turns WHERE run_id = ?`).run(r.runId);
    sqliteDb(a.rt).prepare(`UPDATE workflow_runs SET status = 'TOOL_EXECUTION_PENDING', current_state = 'Reason', result = NULL, lease_owner = NULL WHERE run_id = ?`).run(r.runId);
    await a.close();

    h = makeHarness({ dbPath: dbPath(), tools: [refundTool(executions)] });
    expect(await h.engine.recoverInFlight()).toBe(1);
    const run = (await h.runs.getRun({ runId: r.runId }))!;
    expect(run.status).toBe('COMPLETED');
    expect(executions).toHaveLength(1);
    expect(run.result?.answer).toBe(r.answer);
  });

  it('respects a live lease, takes over an expired one or one held by a dead process on this host', async () => {
    h = makeHarness({ dbPath: dbPath() });
    const { runId } = await h.engine.enqueue({ ...T, sessionId: 'L', message: 'What is 5*5?' });
    const setLease = (owner: string, until: number) => sqliteDb(h!.rt).prepare('UPDATE workflow_runs SET lease_owner = ?, lease_until = ? WHERE run_id = ?').run(owner, until, runId);

    setLease('another-host/4242/abcd', Date.now() + 60_000);
    expect(await h.engine.recoverInFlight()).toBe(0);
    await expect(h.engine.resume(runId)).rejects.toMatchObject({ code: 'CONFLICT' });

    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    setLease(`${hostname()}/${dead}/abcd`, Date.now() + 60_000);
    expect(await h.engine.recoverInFlight()).toBe(1);
    expect((await h.runs.getRun({ runId }))!.status).toBe('COMPLETED');

    const second = await h.engine.enqueue({ ...T, sessionId: 'L', message: 'What is 6*6?' });
    sqliteDb(h.rt).prepare('UPDATE workflow_runs SET lease_owner = ?, lease_until = ? WHERE run_id = ?').run('another-host/1/x', Date.now() - 1, second.runId);
    expect(await h.engine.recoverInFlight()).toBe(1);
    expect(await h.runs.getLease({ runId: second.runId })).toBeNull();
  });
});
