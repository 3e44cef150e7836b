import type { ErrorCode } from '../../errors.js';
import type { NewRun } from '../../workflow/run-store.js';
import type { Intent, RunRecord, RunResult, RunStatus, StepRecord } from '../../workflow/types.js';
import { monotonic, padTime } from './tables.js';

/**
 * Item shapes of the runs table and their mapping to the port's records. JSON payloads (step
 * input/output, results) are stored as strings: they are opaque to DynamoDB, and a string keeps
 * every value exactly as JSON has it (no number-precision or empty-set surprises).
 */

export const RUN_SK = 'RUN';
export const STEP_PREFIX = 'STEP#';
export const PROGRESS_PREFIX = 'PROGRESS#';

export interface RunItem {
  pk: string;
  sk: typeof RUN_SK;
  runId: string;
  traceId: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  message: string;
  status: RunStatus;
  currentState: string;
  intent?: Intent;
  attempts: number;
  errorCount: number;
  errorCode?: ErrorCode;
  errorMessage?: string;
  result?: string;
  /** result.usage.totalTokens, kept beside it so the usage ledger reads a number, not the result. */
  tokens?: number;
  leaseOwner?: string;
  leaseUntil?: number;
  createdAt: number;
  updatedAt: number;
  gSession: string;
  gTenant: string;
  gStatus: RunStatus;
  gCreated: string;
}

export interface StepItem {
  pk: string;
  sk: string;
  step: string;
  attempt: number;
  status: StepRecord['status'];
  input?: string;
  output?: string;
  errorCode?: ErrorCode;
  errorMessage?: string;
  startedAt: number;
  finishedAt: number;
}

export const sessionKey = (tenantId: string, sessionId: string) => `${tenantId}#${sessionId}`;
export const createdKey = (createdAt: number, runId: string) => `${padTime(createdAt)}#${runId}`;

export function newRunItem(run: NewRun): RunItem {
  return {
    pk: run.runId,
    sk: RUN_SK,
    runId: run.runId,
    traceId: run.traceId,
    tenantId: run.tenantId,
    sessionId: run.sessionId,
    userId: run.userId,
    message: run.message,
    status: 'INITIATED',
    currentState: run.currentState,
    attempts: 0,
    errorCount: 0,
    ...(run.lease ? { leaseOwner: run.lease.owner, leaseUntil: run.lease.until } : {}),
    createdAt: run.createdAt,
    updatedAt: run.createdAt,
    gSession: sessionKey(run.tenantId, run.sessionId),
    gTenant: run.tenantId,
    gStatus: 'INITIATED',
    gCreated: createdKey(run.createdAt, run.runId),
  };
}

const parse = <T>(s: string | undefined): T | undefined => (s === undefined ? undefined : (JSON.parse(s) as T));

export function runFromItem(r: RunItem, steps: StepItem[]): RunRecord {
  const result = parse<RunResult>(r.result);
  return {
    runId: r.runId,
    traceId: r.traceId,
    tenantId: r.tenantId,
    sessionId: r.sessionId,
    userId: r.userId,
    message: r.message,
    status: r.status,
    currentState: r.currentState,
    ...(r.intent ? { intent: r.intent } : {}),
    steps: steps.map(stepFromItem),
    attempts: r.attempts,
    errorCount: r.errorCount,
    ...(r.errorCode ? { error: { code: r.errorCode, message: r.errorMessage ?? '' } } : {}),
    ...(result ? { result } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function stepToItem(runId: string, sk: string, s: StepRecord): StepItem {
  return {
    pk: runId,
    sk,
    step: s.step,
    attempt: s.attempt,
    status: s.status,
    ...(s.input !== undefined ? { input: JSON.stringify(s.input) } : {}),
    ...(s.output !== undefined ? { output: JSON.stringify(s.output) } : {}),
    ...(s.error ? { errorCode: s.error.code, errorMessage: s.error.message } : {}),
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

export function stepFromItem(r: StepItem): StepRecord {
  const input = parse<unknown>(r.input);
  const output = parse<unknown>(r.output);
  return {
    step: r.step,
    attempt: r.attempt,
    status: r.status,
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(r.errorCode ? { error: { code: r.errorCode, message: r.errorMessage ?? '' } } : {}),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

/**
 * A step's sort key: the checkpoint time, then a monotonic sequence, so a run's steps read back
 * in the order they were written (one lease holder writes them, one checkpoint at a time).
 */
export function stepKey(now: number): string {
  return `${STEP_PREFIX}${padTime(now)}#${monotonic()}`;
}
