import { context, type Tracer } from '@opentelemetry/api';
import { LoreError, toLoreError, type ErrorCode } from '../errors.js';
import { asStorageError } from '../storage-faults.js';
import { withLogContext } from '../telemetry/log-context.js';
import { AwaitingApproval } from './approvals.js';
import { CATCH_STEP, rebuildData, stepInput } from './checkpointing.js';
import { choose, matchesError, readPath, retryDelayMs, type TaskState, type WorkflowDefinition } from './definition.js';
import type { OperatorEvent } from './operator.js';
import { buildResult, type DispatchOutput, type KnowledgeOutput, type RunData } from './run-data.js';
import type { RunPatch, RunStore } from './run-store.js';
import type { StepContext, StepHandler } from './step-types.js';
import { inSpan, startRunSpan, within } from './tracing.js';
import type { RunEvent, RunRecord, RunResult, RunStatus, StepRecord } from './types.js';

/**
 * Interprets a WorkflowDefinition for one run, from its current state, checkpointing after every
 * task attempt. The caller holds the run's lease; every checkpoint renews it and fails with
 * CONFLICT if it was lost, which stops a zombie executor before it writes anything.
 */
export interface ExecutorDeps {
  definition: WorkflowDefinition;
  handlers: Record<string, StepHandler>;
  runs: RunStore;
  owner: string;
  leaseMs: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  operator: (e: OperatorEvent) => void;
  /** True once the engine is shutting down: interrupted steps stay in flight for recovery. */
  closing: () => boolean;
  /** A span per run and per step attempt; model and tool spans nest under the step. */
  tracer?: Tracer;
  /** Each step attempt's wall time (metrics). A pause for approval is not a finished attempt. */
  onStep?: (step: string, ms: number, status: 'ok' | 'error') => void;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  stream?: boolean;
  onEvent?: (e: RunEvent) => void;
}

/** Raised when the engine shuts down mid-run; the run stays resumable. */
export class EngineClosing extends LoreError {
  constructor() {
    super('ABORTED', 'the workflow engine is shutting down; the run will resume on restart');
  }
}

/** Our lease was taken over (we were presumed dead): stop without writing anything more. */
export class LeaseLost extends LoreError {
  constructor(runId: string) {
    super('CONFLICT', `run ${runId} is being executed by another engine`);
  }
}

type TaskOutcome = { kind: 'ok' } | { kind: 'caught' } | { kind: 'suspended'; approvals: AwaitingApproval['approvals'] };

/**
 * Execute until the run ends or parks for approval. When this returns, the run's last checkpoint
 * has also released the lease; when it throws, the lease is still ours and the caller releases it.
 */
export async function executeRun(x: ExecutorDeps, run: RunRecord, opts: ExecuteOptions = {}): Promise<RunResult> {
  const ids = { traceId: run.traceId, runId: run.runId, sessionId: run.sessionId, tenantId: run.tenantId };
  return withLogContext(ids, () => traced(x, run, opts));
}

async function traced(x: ExecutorDeps, run: RunRecord, opts: ExecuteOptions): Promise<RunResult> {
  if (!x.tracer) return interpret(x, run, opts);
  const { span, ctx } = startRunSpan(x.tracer, run, run.steps.length > 0);
  return within(span, ctx, async () => {
    const result = await interpret(x, run, opts);
    span.setAttribute('lore.run.status', result.status);
    return result;
  });
}

async function interpret(x: ExecutorDeps, run: RunRecord, opts: ExecuteOptions): Promise<RunResult> {
  const data = rebuildData(x.definition, run);
  const runId = run.runId;
  let status: RunStatus = run.status;
  let state = run.currentState;
  // After a crash between a Catch and HandleError, the operator event still names the failed state.
  let failedState = (run.steps.findLast((s) => s.step === CATCH_STEP)?.input as { state?: string } | undefined)?.state;
  const emit = (e: RunEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // A listener's bug must not fail the run.
    }
  };
  /**
   * Checkpoints are pipelined: each is handed to the store at once, in order, and the run goes on
   * without waiting for it to be durable. Steps are idempotent when re-executed, so a crash that
   * loses the last few checkpoints only makes recovery re-run those steps; and a store applies a
   * run's checkpoints in call order (the RunStore contract), so what survives is always a prefix.
   * The SQLite store group-commits them with the step's own writes: one commit per step boundary
   * at most, none of its own. Durability is awaited only where it matters: before a mutating
   * tool's side effect (StepContext.durable), before parking for approval, and at the end.
   * The first failure (a lost lease, a storage fault) sticks: no later checkpoint is issued.
   */
  let failure: unknown;
  // Writes issued and not yet settled; `durable()` waits for the count to reach zero. A counter
  // and one callback per write instead of a promise chain: the chain cost ~5 promises (and their
  // async-hook calls) per checkpoint, for the same guarantee.
  let outstanding = 0;
  let drained: (() => void) | undefined;
  let idle: Promise<void> | undefined;
  const settle = () => {
    if (--outstanding > 0 || !drained) return;
    const d = drained;
    drained = idle = undefined;
    d();
  };
  /** Count `p` until it settles; `onError` runs first, before any other continuation of its commit. */
  const track = (p: Promise<unknown>, onError: (e: unknown) => void) => {
    outstanding++;
    p.then(settle, (e: unknown) => {
      onError(e);
      settle();
    });
  };
  /** Issue a checkpoint without waiting for it; a failure sticks and surfaces at the next durable point. */
  const queue = (patch: RunPatch, step?: StepRecord): void => {
    if (failure) return;
    const now = x.now();
    let p: Promise<void>;
    try {
      p = x.runs.checkpoint({ runId, owner: x.owner, patch, now, leaseUntil: now + x.leaseMs, ...(step ? { step } : {}) });
    } catch (e) {
      p = Promise.reject(e);
    }
    track(p, (e) => {
      failure ??= e instanceof LoreError && e.code === 'CONFLICT' ? new LeaseLost(runId) : e;
    });
    if (patch.status) status = patch.status;
  };
  /** Every write issued so far is durable (or the first failure is thrown). */
  const durable = async (): Promise<void> => {
    if (outstanding > 0) await (idle ??= new Promise<void>((resolve) => (drained = resolve)));
    if (failure) throw failure;
  };
  const finish = async (s: 'COMPLETED' | 'FAILED', error?: { code: ErrorCode; message: string }): Promise<RunResult> => {
    const result = buildResult(data, s, { traceId: run.traceId, ...(error ? { error } : {}) });
    queue({ status: s, currentState: state, result, release: true, ...(s === 'FAILED' ? { error: error ?? result.error ?? null } : {}) });
    await durable();
    if (s === 'FAILED') emit({ type: 'run_error', runId, error: result.error ?? { code: 'INTERNAL', message: 'failed' } });
    emit({ type: 'run_finished', result });
    return result;
  };

  emit({ type: 'run_started', runId, traceId: run.traceId, sessionId: run.sessionId });
  // A run resumed from AWAITING_APPROVAL carries the paused result; it is stale from here on.
  if (run.result) queue({ result: null });

  for (;;) {
    const def = x.definition.states[state];
    if (!def) return finish('FAILED', { code: 'INTERNAL', message: `unknown workflow state "${state}"` });
    if (def.type === 'choice') {
      state = choose(def, data);
      queue({ currentState: state });
      continue;
    }
    if (def.type === 'succeed') return finish('COMPLETED');
    if (def.type === 'fail') {
      const code = readPath(data, def.errorPath) as ErrorCode | undefined;
      const message = readPath(data, def.causePath) as string | undefined;
      return finish('FAILED', { code: code ?? 'INTERNAL', message: message ?? 'the run failed' });
    }
    let outcome: TaskOutcome;
    try {
      outcome = await runTask(state, def);
    } catch (e) {
      if (e instanceof EngineClosing || e instanceof LeaseLost) throw e;
      if (x.closing()) throw new EngineClosing();
      // A full disk or an I/O error is not the run's fault: leave it at its last checkpoint (like
      // a crash would) for recovery to resume once storage is back, instead of failing it for good.
      const storage = asStorageError(e);
      if (storage) throw storage;
      // No catch route matched, or HandleError itself failed: still end in FAILED, never stuck.
      const err = toLoreError(e);
      if (state !== 'HandleError') notifyFailed(err);
      return finish('FAILED', { code: err.code, message: err.message });
    }
    if (outcome.kind === 'suspended') {
      const result = buildResult(data, 'AWAITING_APPROVAL', { traceId: run.traceId, pendingApprovals: outcome.approvals });
      queue({ status: 'AWAITING_APPROVAL', result, release: true });
      await durable();
      emit({ type: 'run_finished', result });
      return result;
    }
  }

  /**
   * A Choice only reads data the step before it produced, so it is decided before that step's
   * checkpoint and the checkpoint records where the choice leads: one transaction per step
   * boundary instead of one more per Choice. (A run checkpointed at a Choice by an older version
   * still resumes: the loop above evaluates it.)
   */
  function throughChoices(next: string): string {
    for (let hops = 0; hops < 100; hops++) {
      const def = x.definition.states[next];
      if (def?.type !== 'choice') return next;
      next = choose(def, data);
    }
    return next;
  }

  function notifyFailed(err: LoreError) {
    x.operator({ type: 'run_failed', runId, tenantId: run.tenantId, sessionId: run.sessionId, userId: run.userId, state, error: { code: err.code, message: err.message }, at: x.now() });
  }

  async function runTask(name: string, def: TaskState): Promise<TaskOutcome> {
    const handler = x.handlers[name];
    if (!handler) throw new LoreError('INTERNAL', `no handler for task state "${name}"`);
    if (failure) throw failure;
    // A step that asks people to act (approvals) starts only once everything before it is durable:
    // a crash must not leave approvals for a Reason output that recovery would compute afresh.
    if (def.waitForApproval) await durable();
    if (def.statusOnEnter && def.statusOnEnter !== status) queue({ status: def.statusOnEnter });
    const ctx: StepContext = {
      stream: !!opts.stream,
      emit,
      setStatus: (s) => queue({ status: s }),
      durable,
      // Ordered after the checkpoints before it (same store queue); a failure stops the run like a lost checkpoint.
      defer: (p) =>
        track(p, (e) => {
          failure ??= e;
        }),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(failedState ? { failedState } : {}),
    };
    const retries = def.retry.map(() => 0);
    emit({ type: 'step_started', step: name });
    for (let attempt = 1; ; attempt++) {
      if (x.closing()) throw new EngineClosing();
      if (failure) throw failure; // a write of this run failed while the last attempt ran: stop, as an awaited one would
      const startedAt = x.now();
      const t0 = performance.now();
      const input = stepInput(name, data);
      try {
        const output = await inSpan(x.tracer, context.active(), `step ${name}`, { 'lore.step': name, 'lore.step.attempt': attempt }, () => handler(data, ctx), (e) => e instanceof AwaitingApproval);
        (data as unknown as Record<string, unknown>)[def.resultKey] = output;
        x.onStep?.(name, performance.now() - t0, 'ok');
        const intent = name === 'Dispatch' ? (output as DispatchOutput).intent : undefined;
        const next = throughChoices(def.next);
        queue(
          { currentState: next, attemptsDelta: 1, ...(def.statusOnExit ? { status: def.statusOnExit } : {}), ...(intent ? { intent } : {}) },
          { step: name, attempt, status: 'succeeded', input, output, startedAt, finishedAt: x.now() },
        );
        state = next;
        const outcomes = name === 'UpdateKnowledge' ? (output as KnowledgeOutput).outcomes : undefined;
        if (outcomes?.length) emit({ type: 'learnings', outcomes });
        emit({ type: 'step_finished', step: name });
        return { kind: 'ok' };
      } catch (e) {
        if (e instanceof AwaitingApproval) return { kind: 'suspended', approvals: e.approvals };
        if (e instanceof LeaseLost) throw e;
        if (x.closing()) throw new EngineClosing();
        // Retrying or catching a storage fault would only write more to a disk that refuses writes.
        const storage = asStorageError(e);
        if (storage) throw storage;
        const err = toLoreError(e);
        x.onStep?.(name, performance.now() - t0, 'error');
        const error = { code: err.code, message: err.message };
        queue({ attemptsDelta: 1, errorCountDelta: 1 }, { step: name, attempt, status: 'failed', input, error, startedAt, finishedAt: x.now() });
        const ri = def.retry.findIndex((r) => matchesError(r.errorEquals, err.code));
        const policy = def.retry[ri];
        if (policy && retries[ri]! < policy.maxAttempts) {
          const delayMs = retryDelayMs(policy, retries[ri]!);
          retries[ri]!++;
          x.operator({ type: 'step_retry', runId, state: name, attempt: attempt + 1, delayMs, error, at: x.now() });
          await x.sleep(delayMs, opts.signal);
          continue;
        }
        const route = def.catch.find((c) => matchesError(c.errorEquals, err.code));
        if (!route) throw err;
        data.error = { Error: err.code, Cause: err.message };
        failedState = name;
        const next = throughChoices(route.next);
        queue({ currentState: next }, { step: CATCH_STEP, attempt: 1, status: 'succeeded', input: { state: name }, output: data.error, startedAt: x.now(), finishedAt: x.now() });
        state = next;
        emit({ type: 'step_finished', step: name });
        return { kind: 'caught' };
      }
    }
  }
}

export type { RunData };
