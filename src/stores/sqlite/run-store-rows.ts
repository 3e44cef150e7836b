import type { ErrorCode } from '../../errors.js';
import type { EffectRecord } from '../../workflow/run-store.js';
import type { Intent, PendingApproval, RunRecord, RunResult, RunStatus, StepRecord } from '../../workflow/types.js';

/** Row shapes of the workflow tables and their mapping to the port's records. */

export interface RunRow {
  run_id: string;
  tenant_id: string;
  session_id: string;
  user_id: string;
  trace_id: string;
  message: string;
  status: RunStatus;
  current_state: string;
  intent: Intent | null;
  attempts: number;
  error_count: number;
  error_code: ErrorCode | null;
  error_message: string | null;
  result: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface StepRow {
  seq: number;
  run_id: string;
  step: string;
  attempt: number;
  status: 'succeeded' | 'failed';
  input: string | null;
  output: string | null;
  error_code: ErrorCode | null;
  error_message: string | null;
  started_at: number;
  finished_at: number;
}

export interface ApprovalRow {
  approval_id: string;
  run_id: string;
  tenant_id: string;
  user_id: string;
  tool_use_id: string;
  tool: string;
  input: string;
  reason: string;
  status: PendingApproval['status'];
  decided_by: string | null;
  decision_reason: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
}

export interface EffectRow {
  key: string;
  run_id: string;
  step: string;
  tool_use_id: string;
  tool: string;
  status: 'started' | 'completed';
  result: string | null;
  started_at: number;
  completed_at: number | null;
}

/** JSON.stringify that keeps `undefined` as SQL NULL instead of the string "undefined". */
export const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parse = <T>(s: string | null): T | undefined => (s === null ? undefined : (JSON.parse(s) as T));

export function runFromRow(r: RunRow, steps: StepRow[]): RunRecord {
  const result = parse<RunResult>(r.result);
  return {
    runId: r.run_id,
    traceId: r.trace_id,
    tenantId: r.tenant_id,
    sessionId: r.session_id,
    userId: r.user_id,
    message: r.message,
    status: r.status,
    currentState: r.current_state,
    ...(r.intent ? { intent: r.intent } : {}),
    steps: steps.map(stepFromRow),
    attempts: r.attempts,
    errorCount: r.error_count,
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    ...(result ? { result } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function stepFromRow(r: StepRow): StepRecord {
  const input = parse<unknown>(r.input);
  const output = parse<unknown>(r.output);
  return {
    step: r.step,
    attempt: r.attempt,
    status: r.status,
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export function approvalFromRow(r: ApprovalRow): PendingApproval {
  return {
    approvalId: r.approval_id,
    runId: r.run_id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    toolUseId: r.tool_use_id,
    tool: r.tool,
    input: JSON.parse(r.input) as unknown,
    reason: r.reason,
    status: r.status,
    ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}),
    ...(r.decision_reason !== null ? { decisionReason: r.decision_reason } : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
  };
}

export function approvalToRow(a: PendingApproval): ApprovalRow {
  return {
    approval_id: a.approvalId,
    run_id: a.runId,
    tenant_id: a.tenantId,
    user_id: a.userId,
    tool_use_id: a.toolUseId,
    tool: a.tool,
    input: JSON.stringify(a.input ?? null),
    reason: a.reason,
    status: a.status,
    decided_by: a.decidedBy ?? null,
    decision_reason: a.decisionReason ?? null,
    created_at: a.createdAt,
    expires_at: a.expiresAt,
    decided_at: a.decidedAt ?? null,
  };
}

export function effectFromRow(r: EffectRow): EffectRecord {
  const result = parse<unknown>(r.result);
  return {
    key: r.key,
    runId: r.run_id,
    step: r.step,
    toolUseId: r.tool_use_id,
    tool: r.tool,
    status: r.status,
    ...(result !== undefined ? { result } : {}),
    startedAt: r.started_at,
    ...(r.completed_at !== null ? { completedAt: r.completed_at } : {}),
  };
}
