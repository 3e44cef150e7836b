import type { ContextSystemBlock } from './static-refs.js';
import type { ToolCallLog } from '../agent/loop-types.js';
import type { TurnInput } from '../agent/turn.js';
import type { ErrorCode } from '../errors.js';
import type { LearningOutcome } from '../learning/updater.js';
import type { Message, SystemContentBlock, Usage } from '../models/types.js';
import { addUsage, emptyUsage } from '../models/types.js';
import type { ToolCall } from '../tools/execute.js';
import type { GuardRecord, Intent, PendingApproval, RunResult, RunStatus } from './types.js';

/**
 * The JSON document a run carries from state to state (the ASL "state input"). Each task writes
 * its output under its ResultKey, so it must stay plain JSON: it is checkpointed and it is what a
 * Step Functions execution passes between Lambdas.
 */
export interface DispatchOutput {
  intent: Intent;
  /** Who decided the route: local rules, the model, or nobody (intent off). */
  intentSource?: 'rules' | 'model' | 'off';
  usage: Usage;
  /** The input guardrail refused the message: answered by Refuse, no model, tools or learnings. Always present for the ASL Choice. */
  blocked: boolean;
  guard?: GuardRecord;
}

export interface FeedbackOutput {
  answer: string;
  targetRunId: string | null;
  sentiment: 'positive' | 'negative' | 'neutral';
}

export interface ContextOutput {
  /** The static prompt as a reference (static-refs.ts), then the turn's own blocks. */
  system: ContextSystemBlock[];
  messages: Message[];
  retrieved: number;
}

export interface ReasonOutput {
  text: string;
  stopReason: string;
  /** Always present (false/true) because an ASL Choice on a missing field is a runtime error. */
  awaitingApproval: boolean;
  pendingCalls: Array<ToolCall & { reason: string }>;
  /** Frontend tool calls left for the client to execute (stopReason client_tool). */
  clientCalls?: ToolCall[];
  toolCalls: ToolCallLog[];
  usage: Usage;
  iterations: number;
  error?: { code: ErrorCode; message: string };
  /** PII masked in `text` before it was checkpointed (the output stage proper runs in HandleResponse). */
  outputGuard?: GuardRecord;
}

export interface ApprovalOutput {
  decisions: Array<{ toolUseId: string; status: PendingApproval['status']; reason?: string }>;
}

export interface ResponseOutput {
  answer: string;
  learnings: string[];
  hasLearnings: boolean;
  error?: { code: ErrorCode; message: string };
  guard?: GuardRecord;
}

export interface KnowledgeOutput {
  outcomes: LearningOutcome[];
  /**
   * What the answer must add about the learnings' fate (shared / held for review / refused),
   * written by product code from the outcomes: the model's own text cannot know it.
   */
  notice?: string;
  /** The reply with memory claims the outcomes do not back removed (learning/claims.ts), when changed. */
  answer?: string;
}

export interface FailureOutput {
  code: ErrorCode;
  message: string;
  answer: string;
}

export interface RunData {
  input: TurnInput;
  dispatch?: DispatchOutput;
  feedback?: FeedbackOutput;
  context?: ContextOutput;
  reason?: ReasonOutput;
  approval?: ApprovalOutput;
  response?: ResponseOutput;
  knowledge?: KnowledgeOutput;
  /** Set by a Catch route (ASL ResultPath `$.error`): `{Error, Cause}`. */
  error?: { Error: string; Cause: string };
  failure?: FailureOutput;
}

/** Assemble the client-facing result from the run data, the same way for both runtimes. */
export function buildResult(data: RunData, status: RunStatus, extra: { traceId: string; pendingApprovals?: PendingApproval[]; error?: { code: ErrorCode; message: string } } = { traceId: data.input.traceId }): RunResult {
  const usage = addUsage(data.dispatch?.usage ?? emptyUsage(), data.reason?.usage ?? emptyUsage());
  const error = extra.error ?? (data.failure ? { code: data.failure.code, message: data.failure.message } : (data.response?.error ?? data.reason?.error));
  let answer = data.feedback?.answer ?? data.knowledge?.answer ?? data.response?.answer ?? data.failure?.answer ?? '';
  const notice = data.knowledge?.notice;
  if (notice && !data.failure) answer = answer ? `${answer}\n\n${notice}` : notice;
  if (status === 'AWAITING_APPROVAL' && extra.pendingApprovals?.length) answer = awaitingAnswer(extra.pendingApprovals);
  return {
    runId: data.input.runId,
    traceId: extra.traceId,
    sessionId: data.input.sessionId,
    status,
    ...(data.dispatch ? { intent: data.dispatch.intent } : {}),
    answer,
    learnings: data.knowledge?.outcomes ?? [],
    toolCalls: data.reason?.toolCalls ?? [],
    usage,
    iterations: data.reason?.iterations ?? 0,
    ...(error ? { error } : {}),
    ...(extra.pendingApprovals?.length ? { pendingApprovals: extra.pendingApprovals } : {}),
    ...guardOf(data),
    ...(data.reason?.clientCalls?.length ? { clientToolCalls: data.reason.clientCalls } : {}),
  };
}

function guardOf(data: RunData): Pick<RunResult, 'guard'> {
  const input = data.dispatch?.guard;
  // Refuse records the input verdict as its response; only HandleResponse's is an output verdict.
  const output = data.dispatch?.blocked ? undefined : data.response?.guard;
  return input || output ? { guard: { ...(input ? { input } : {}), ...(output ? { output } : {}) } } : {};
}

function awaitingAnswer(pending: PendingApproval[]): string {
  const items = pending.map((p) => `${p.tool} (${p.reason}; approval id ${p.approvalId})`);
  return `This needs a person's approval before I can continue: ${items.join('; ')}.`;
}
