import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { LoopHooks } from '../agent/loop-types.js';
import { guardOf, type TurnDeps } from '../agent/turn.js';
import type { ScreenResult } from '../guardrails/port.js';
import { LoreError } from '../errors.js';
import { sleep as abortableSleep } from '../models/retry-deadline.js';
import { createLogger } from '../telemetry/logger.js';
import { newId, newTraceId } from '../util/ids.js';
import { createApprovalDesk } from './approval-desk.js';
import { defaultPolicies, type ApprovalPolicy } from './approvals.js';
import { acquireLease, initialData, newOwnerId } from './checkpointing.js';
import { asStorageError } from '../storage-faults.js';
import { turnWorkflow, validateDefinition, type WorkflowDefinition } from './definition.js';
import { EngineClosing, executeRun, type ExecuteOptions } from './executor.js';
import { validateMessage } from './intent.js';
import { createOperatorNotifier, type OperatorEvent } from './operator.js';
import { buildResult } from './run-data.js';
import type { WorkflowStore as RunStore } from './workflow-store.js';
import { linkSignals } from './signals.js';
import { saveClientTurn } from './client-turn.js';
import { createStepHandlers } from './steps.js';
import type { RunRecord, RunResult, RunStatus, StartRunParams, TurnRunner } from './types.js';

export interface WorkflowEngineDeps {
  turnDeps: TurnDeps;
  runs: RunStore;
  /** config.approvals; defaults: 24 h, 1000. */
  approvals?: { ttlSeconds: number; amountThreshold: number };
  /** Replaces the default policies (tool flag + amount threshold). */
  approvalPolicies?: ApprovalPolicy[];
  definition?: WorkflowDefinition;
  logger?: Logger;
  onOperatorEvent?: (e: OperatorEvent) => void;
  beforeModelCall?: LoopHooks['beforeModelCall'];
  now?: () => number;
  /** Retry backoff sleep; tests inject a fast one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long a run stays claimed without a checkpoint before another engine may take it. */
  leaseMs?: number;
  /** How many runs recoverInFlight resumes at once. */
  recoveryConcurrency?: number;
  /** Each step attempt's duration (the lore_step_duration_seconds histogram). */
  onStep?: (step: string, ms: number, status: 'ok' | 'error') => void;
}

export interface WorkflowEngine extends TurnRunner {
  readonly definition: WorkflowDefinition;
  /** This instance's lease owner id (host/pid/instance). */
  readonly owner: string;
  /** Expire overdue approvals and resume runs whose approvals are all settled; returns runs resumed. */
  sweepApprovals(): Promise<number>;
  listRuns: NonNullable<TurnRunner['listRuns']>;
  /** Stop taking work, let running turns park at their next step, release leases. */
  close(): Promise<void>;
}

const ACTIVE: RunStatus[] = ['INITIATED', 'CONTEXT_BUILT', 'REASONING', 'TOOL_EXECUTION_PENDING', 'RESPONDED', 'LEARNING'];
const TERMINAL: ReadonlySet<RunStatus> = new Set(['COMPLETED', 'FAILED']);

/**
 * The durable TurnRunner. A run is a row in the RunStore; executing it means holding its lease and
 * interpreting the workflow definition from `currentState`, checkpointing after every step (see
 * executor.ts). Because each step's effects are idempotent per run (turns, learnings, feedback,
 * the tool ledger), a step interrupted by a crash is simply executed again on recovery.
 */
export function createWorkflowEngine(deps: WorkflowEngineDeps): WorkflowEngine {
  const definition = deps.definition ?? turnWorkflow;
  validateDefinition(definition);
  const now = deps.now ?? Date.now;
  const runs = deps.runs;
  const owner = newOwnerId();
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const approvals = deps.approvals ?? { ttlSeconds: 24 * 3600, amountThreshold: 1000 };
  const logger = deps.logger ?? createLogger({ level: 'warn' });
  const operator = createOperatorNotifier(logger, deps.onOperatorEvent);
  /** Input verdicts reached in create(), for Dispatch in this process (bounded; a miss only re-screens). */
  const verdicts = new Map<string, ScreenResult>();
  const handlers = createStepHandlers({
    turn: deps.turnDeps,
    runs,
    approvals: { ttlSeconds: approvals.ttlSeconds, policies: deps.approvalPolicies ?? defaultPolicies(approvals.amountThreshold) },
    now,
    operator,
    ...(deps.beforeModelCall ? { beforeModelCall: deps.beforeModelCall } : {}),
    inputVerdict: (runId) => {
      const v = verdicts.get(runId);
      verdicts.delete(runId);
      return v;
    },
  });
  const shutdown = new AbortController();
  // Every running turn listens for shutdown (and removes its listener when done): many concurrent
  // turns are normal, not a leak, so Node's warning at 11 listeners would only be noise.
  setMaxListeners(0, shutdown.signal);
  let closed = false;
  /** One executor per run per process: concurrent resume() calls share it. */
  const running = new Map<string, Promise<RunResult>>();
  const background = new Set<Promise<unknown>>();

  const executor = {
    definition,
    handlers,
    runs,
    owner,
    leaseMs,
    now,
    sleep: deps.sleep ?? abortableSleep,
    operator,
    closing: () => closed,
    ...(deps.turnDeps.tracer ? { tracer: deps.turnDeps.tracer } : {}),
    ...(deps.onStep ? { onStep: deps.onStep } : {}),
  };

  async function load(runId: string, tenantId?: string): Promise<RunRecord> {
    const run = await runs.getRun({ runId, ...(tenantId ? { tenantId } : {}) });
    if (!run) throw new LoreError('NOT_FOUND', `run ${runId} not found`);
    return run;
  }

  /** The stored result of a run that is not executable right now (terminal or waiting for a person). */
  async function snapshot(run: RunRecord): Promise<RunResult> {
    if (run.status !== 'AWAITING_APPROVAL' && run.result) return run.result;
    const pending = await runs.listApprovals({ runId: run.runId, status: 'pending' });
    const base = run.result ?? buildResult(initialData(run), run.status, { traceId: run.traceId, ...(run.error ? { error: run.error } : {}) });
    return { ...base, ...(pending.length ? { pendingApprovals: pending } : {}) };
  }

  /**
   * Execute a run in this process. `fresh` is a run this engine has just created already leased
   * to itself (start()): nothing to re-read or claim. Otherwise the run is loaded and claimed.
   */
  function execute(runId: string, opts: ExecuteOptions = {}, fresh?: RunRecord): Promise<RunResult> {
    const existing = running.get(runId);
    if (existing) return existing;
    const p = (async () => {
      if (closed) {
        if (fresh) await runs.release({ runId, owner }).catch(() => {});
        throw new EngineClosing();
      }
      if (fresh) return leased(fresh, opts);
      let run = await load(runId);
      if (TERMINAL.has(run.status)) return snapshot(run);
      if (run.status === 'AWAITING_APPROVAL' && (await desk.hasPending(runId))) return snapshot(run);
      if (!(await acquireLease(runs, { runId, owner, now: now(), leaseMs }))) {
        throw new LoreError('CONFLICT', `run ${runId} is being executed by another engine`);
      }
      try {
        run = await load(runId); // re-read under the lease: another engine may have advanced it
      } catch (e) {
        await runs.release({ runId, owner }).catch(() => {});
        throw e;
      }
      if (TERMINAL.has(run.status)) {
        await runs.release({ runId, owner }).catch(() => {});
        return snapshot(run);
      }
      return leased(run, opts);
    })().finally(() => running.delete(runId));
    running.set(runId, p);
    return p;
  }

  /** Drive a run whose lease we hold. executeRun's last checkpoint releases the lease; if it throws, we do. */
  async function leased(run: RunRecord, opts: ExecuteOptions): Promise<RunResult> {
    const runId = run.runId;
    const signal = linkSignals(opts.signal, shutdown.signal);
    // Long model calls must not let the lease lapse; checkpoints renew it too. A renewal is an
    // empty checkpoint: it only extends a lease we still hold, never re-takes a released one.
    const renew = () => void runs.checkpoint({ runId, owner, patch: {}, now: now(), leaseUntil: now() + leaseMs }).catch(() => {});
    const heartbeat = setInterval(renew, Math.max(1000, leaseMs / 3));
    heartbeat.unref();
    let released = false;
    try {
      const result = await executeRun(executor, run, { ...opts, signal: signal.signal });
      released = true;
      return result;
    } finally {
      clearInterval(heartbeat);
      signal.dispose();
      if (!released) await runs.release({ runId, owner }).catch(() => {});
    }
  }

  function track(p: Promise<unknown>): void {
    const q = p.catch((e) => logger.warn({ event: 'background_resume_failed', err: e instanceof Error ? e.message : String(e) }, 'workflow: background resume failed'));
    background.add(q);
    void q.finally(() => background.delete(q));
  }

  const desk = createApprovalDesk({ runs, now, operator, execute: (runId, opts) => execute(runId, opts), track });

  async function create(
    params: Omit<StartRunParams, 'stream' | 'signal' | 'onEvent'>,
    lease = false,
  ): Promise<{ runId: string; traceId: string; created: boolean; run?: RunRecord }> {
    if (closed) throw new EngineClosing();
    for (const k of ['tenantId', 'sessionId', 'userId'] as const) {
      if (typeof params[k] !== 'string' || !params[k]) throw new LoreError('VALIDATION_FAILED', `${k} is required`);
    }
    validateMessage(params.message);
    const runId = params.runId ?? newId('run');
    const traceId = params.traceId ?? newTraceId();
    // The one choke point for PII: the message is normalised and screened before anything is
    // written, so the run row, every step's JSON, the session turns, the queue path and the model
    // all see the redacted form (placeholders like [EMAIL]), never the text as typed.
    const verdict = await guardOf(deps.turnDeps).screen({ text: params.message, stage: 'input', tenantId: params.tenantId, userId: params.userId, runId });
    const message = validateMessage(verdict.text);
    const createdAt = now();
    const fields = { runId, traceId, tenantId: params.tenantId, sessionId: params.sessionId, userId: params.userId, message, currentState: definition.startAt };
    // start() creates the run already leased to this engine and runs it from this record: no claim, no re-read.
    const created = await runs.createRun({ ...fields, createdAt, ...(lease ? { lease: { owner, until: createdAt + leaseMs } } : {}) });
    if (!created) {
      // A client retrying with the same run id gets the same run, never a second one.
      const existing = await load(runId);
      if (existing.tenantId !== params.tenantId || existing.userId !== params.userId) throw new LoreError('CONFLICT', `run id ${runId} is already in use`);
      return { runId, traceId: existing.traceId, created: false };
    }
    verdicts.set(runId, verdict);
    if (verdicts.size > 1000) verdicts.delete(verdicts.keys().next().value!);
    // Before anything executes it: a client-driven turn's tools, state and messages.
    if (params.client) await saveClientTurn(runs, runId, params.client, createdAt);
    if (!lease) return { runId, traceId, created: true };
    const run: RunRecord = { ...fields, status: 'INITIATED', steps: [], attempts: 0, errorCount: 0, createdAt, updatedAt: createdAt };
    return { runId, traceId, created: true, run };
  }

  const engine: WorkflowEngine = {
    definition,
    owner,

    async start(params) {
      const { runId, run } = await create(params, true);
      return execute(runId, { stream: !!params.stream, ...(params.signal ? { signal: params.signal } : {}), ...(params.onEvent ? { onEvent: params.onEvent } : {}) }, run);
    },

    async enqueue(params) {
      const { runId, traceId } = await create(params);
      return { runId, traceId };
    },

    resume(runId, opts = {}) {
      return execute(runId, opts);
    },

    async recoverInFlight() {
      let resumed = await desk.sweep();
      const queue = await runs.listRunIds({ statuses: ACTIVE });
      let storageFault: LoreError | undefined;
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            await execute(id);
            resumed++;
          } catch (e) {
            // Held by a live engine elsewhere, or we are closing: not ours to finish now. Anything
            // else is logged, and must not keep the other runs from recovering.
            if (e instanceof LoreError && (e.code === 'CONFLICT' || e.code === 'ABORTED')) continue;
            storageFault ??= asStorageError(e);
            logger.error({ event: 'recovery_failed', runId: id, err: e instanceof Error ? e.message : String(e) }, 'workflow: could not recover a run');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, deps.recoveryConcurrency ?? 4) }, worker));
      // Runs left behind by a full disk are still resumable: say so, so the caller retries later.
      if (storageFault) throw storageFault;
      return resumed;
    },

    sweepApprovals: () => desk.sweep(),

    async getRun({ tenantId, runId, userId }) {
      const run = await runs.getRun({ runId, tenantId });
      if (!run || (userId !== undefined && run.userId !== userId)) return null;
      return run;
    },

    listApprovals: (p) => desk.list(p),

    listRuns: (p) => runs.listRuns(p),
    async getApproval({ tenantId, approvalId, userId }) {
      const a = await runs.getApproval({ approvalId, tenantId });
      return a && (userId === undefined || a.userId === userId) ? a : null;
    },

    decideApproval: (p) => desk.decide(p),

    async close() {
      closed = true;
      shutdown.abort(new EngineClosing());
      await Promise.allSettled([...running.values(), ...background]);
    },
  };
  return engine;
}

