import { createHash } from 'node:crypto';
import type { ToolGateDecision } from '../agent/loop-types.js';
import type { ToolCall } from '../tools/execute.js';
import type { AnyTool } from '../tools/tool.js';
import type { RunData } from './run-data.js';
import type { ApprovalStore as RunStore } from './approval-store.js';
import type { PendingApproval } from './types.js';

/**
 * Human in the loop. A policy looks at a call and says why it needs a person (or null). The gate
 * consults recorded decisions first, so a resumed run executes approved calls and turns rejected
 * or expired ones into a structured TOOL_REJECTED result for the model.
 */
export type ApprovalPolicy = (call: ToolCall, tool: AnyTool | undefined) => string | null;

/** The tool's own flag: `requiresApproval: true`, or a predicate over its validated input. */
export const toolFlagPolicy: ApprovalPolicy = (call, tool) => {
  const rule = tool?.requiresApproval;
  if (rule === true) return `${tool!.name} always requires approval`;
  if (typeof rule === 'function') {
    const parsed = tool!.input.safeParse(call.input);
    // Invalid input never runs (the executor rejects it), so there is nothing to approve.
    if (parsed.success && rule(parsed.data)) return `${tool!.name}'s approval rule matched this input`;
  }
  return null;
};

const AMOUNT_KEY = /^(amount|total|price|sum|cost|value|refund|payment)(_?[a-z]*)?$/i;

/**
 * Money-moving calls above a threshold wait for a person (seed 002: > $1,000). Only mutating tools:
 * reading a large number (a calculator, a report) changes nothing.
 */
export function amountPolicy(threshold: number): ApprovalPolicy {
  return (call, tool) => {
    if (!tool?.mutating || !call.input || typeof call.input !== 'object') return null;
    for (const [k, v] of Object.entries(call.input as Record<string, unknown>)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      if (AMOUNT_KEY.test(k) && Number.isFinite(n) && n > threshold) return `${k} ${n} is above the approval threshold of ${threshold}`;
    }
    return null;
  };
}

export function defaultPolicies(amountThreshold: number): ApprovalPolicy[] {
  return [toolFlagPolicy, amountPolicy(amountThreshold)];
}

export function approvalReason(call: ToolCall, tool: AnyTool | undefined, policies: ApprovalPolicy[]): string | null {
  for (const p of policies) {
    const r = p(call, tool);
    if (r) return r;
  }
  return null;
}

/** Deterministic, so re-running the step that asked finds the same row instead of asking twice. */
export function approvalIdFor(runId: string, toolUseId: string): string {
  return `apr_${createHash('sha256').update(`${runId}:${toolUseId}`).digest('hex').slice(0, 24)}`;
}

export function rejectionReason(a: PendingApproval): string {
  if (a.status === 'expired') return 'expired: nobody approved it in time';
  const why = a.decisionReason ? `: ${a.decisionReason}` : '';
  return `rejected by ${a.decidedBy ?? 'a reviewer'}${why}`;
}

export function makeGate(p: { runs: RunStore; runId: string; policies: ApprovalPolicy[]; now: () => number }) {
  return async (call: ToolCall, tool: AnyTool | undefined): Promise<ToolGateDecision> => {
    const row = await p.runs.getApproval({ approvalId: approvalIdFor(p.runId, call.toolUseId) });
    if (row) {
      if (row.status === 'approved') return { action: 'run' };
      if (row.status === 'pending' && row.expiresAt > p.now()) return { action: 'pause', reason: row.reason };
      if (row.status === 'pending') {
        await p.runs.decideApproval({ approvalId: row.approvalId, status: 'expired', decidedBy: 'system', decisionReason: 'expired', decidedAt: p.now() });
        return { action: 'deny', reason: rejectionReason({ ...row, status: 'expired' }) };
      }
      return { action: 'deny', reason: rejectionReason(row) };
    }
    const reason = approvalReason(call, tool, p.policies);
    return reason ? { action: 'pause', reason } : { action: 'run' };
  };
}

/** Thrown by AwaitApproval while a person still has to decide: the run parks, it does not fail. */
export class AwaitingApproval extends Error {
  constructor(readonly approvals: PendingApproval[]) {
    super(`waiting for ${approvals.length} approval(s)`);
    this.name = 'AwaitingApproval';
  }
}

/**
 * The AwaitApproval step: create the approval rows (idempotently), settle overdue ones as expired,
 * and either return every decision or park the run.
 */
export async function awaitApprovalStep(
  p: { runs: RunStore; now: () => number; ttlSeconds: number; onRequested?: (a: PendingApproval[]) => void },
  data: RunData,
): Promise<{ decisions: Array<{ toolUseId: string; status: PendingApproval['status']; reason?: string }> }> {
  const { input } = data;
  const calls = data.reason?.pendingCalls ?? [];
  const now = p.now();
  const ids = calls.map((c) => approvalIdFor(input.runId, c.toolUseId));
  const before = new Set((await Promise.all(ids.map((approvalId) => p.runs.getApproval({ approvalId })))).filter(Boolean).map((a) => a!.approvalId));
  await p.runs.createApprovals({
    approvals: calls.map((c, i) => ({
      approvalId: ids[i]!,
      runId: input.runId,
      tenantId: input.tenantId,
      userId: input.userId,
      toolUseId: c.toolUseId,
      tool: c.name,
      input: c.input,
      reason: c.reason,
      status: 'pending' as const,
      createdAt: now,
      expiresAt: now + p.ttlSeconds * 1000,
    })),
  });
  const rows: PendingApproval[] = [];
  for (const approvalId of ids) {
    let a = (await p.runs.getApproval({ approvalId }))!;
    if (a.status === 'pending' && a.expiresAt <= p.now()) {
      await p.runs.decideApproval({ approvalId, status: 'expired', decidedBy: 'system', decisionReason: 'expired', decidedAt: p.now() });
      a = (await p.runs.getApproval({ approvalId }))!;
    }
    rows.push(a);
  }
  const created = rows.filter((a) => !before.has(a.approvalId));
  if (created.length) p.onRequested?.(created);
  const pending = rows.filter((a) => a.status === 'pending');
  if (pending.length) throw new AwaitingApproval(pending);
  return {
    decisions: rows.map((a) => ({ toolUseId: a.toolUseId, status: a.status, ...(a.status !== 'approved' ? { reason: rejectionReason(a) } : {}) })),
  };
}
