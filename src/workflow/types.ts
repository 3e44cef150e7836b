import type { ErrorCode } from '../errors.js';
import type { LearningOutcome } from '../learning/updater.js';
import type { ToolCallLog } from '../agent/loop-types.js';
import type { TurnInput } from '../agent/turn.js';
import type { Usage } from '../models/types.js';
import type { ClientTurn } from './client-turn.js';

/** The agent-state progression of a run (one run per turn). */
export type RunStatus =
  | 'INITIATED'
  | 'CONTEXT_BUILT'
  | 'REASONING'
  | 'TOOL_EXECUTION_PENDING'
  | 'AWAITING_APPROVAL'
  | 'RESPONDED'
  | 'LEARNING'
  | 'COMPLETED'
  | 'FAILED';

export type Intent = 'question' | 'task' | 'feedback' | 'clarification' | 'chitchat';

export interface StepRecord {
  step: string;
  attempt: number;
  status: 'succeeded' | 'failed';
  input?: unknown;
  output?: unknown;
  error?: { code: ErrorCode; message: string };
  startedAt: number;
  finishedAt: number;
}

/** A run is one turn: the turn's identity and message, plus where its workflow stands. */
export interface RunRecord extends TurnInput {
  status: RunStatus;
  currentState: string;
  intent?: Intent;
  steps: StepRecord[];
  attempts: number;
  errorCount: number;
  error?: { code: ErrorCode; message: string };
  result?: RunResult;
  createdAt: number;
  updatedAt: number;
}

export interface PendingApproval {
  approvalId: string;
  runId: string;
  tenantId: string;
  userId: string;
  toolUseId: string;
  tool: string;
  input: unknown;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy?: string;
  decisionReason?: string;
  createdAt: number;
  expiresAt: number;
  decidedAt?: number;
}

/** What a client gets back for a turn. `answer` never contains `[LEARNING]` lines. */
export interface RunResult {
  runId: string;
  traceId: string;
  sessionId: string;
  status: RunStatus;
  intent?: Intent;
  answer: string;
  learnings: LearningOutcome[];
  toolCalls: ToolCallLog[];
  usage: Usage;
  iterations: number;
  error?: { code: ErrorCode; message: string };
  pendingApprovals?: PendingApproval[];
  /** What the guardrails did to this turn's input and answer, when they found anything. */
  guard?: { input?: GuardRecord; output?: GuardRecord };
  /** Frontend tool calls the turn stopped on, for the client to execute and answer. */
  clientToolCalls?: Array<{ toolUseId: string; name: string; input: unknown }>;
}

export type { GuardRecord } from '../guardrails/port.js';
import type { GuardRecord } from '../guardrails/port.js';

/** Live events of a run, for streaming clients (AG-UI in HTTP, text in the CLI). */
export type RunEvent =
  | { type: 'run_started'; runId: string; traceId: string; sessionId: string }
  | { type: 'step_started'; step: string }
  | { type: 'step_finished'; step: string }
  /** Answer text safe to show: `[LEARNING]` lines already held back and dropped. */
  | { type: 'text_delta'; text: string }
  | { type: 'tool_call_start'; toolUseId: string; name: string; input: unknown }
  | { type: 'tool_call_end'; log: ToolCallLog }
  /** Learnings written to the knowledge base, as soon as the UpdateKnowledge step has them. */
  | { type: 'learnings'; outcomes: LearningOutcome[] }
  | { type: 'run_finished'; result: RunResult }
  | { type: 'run_error'; runId: string; error: { code: ErrorCode; message: string } };

export interface StartRunParams {
  tenantId: string;
  sessionId: string;
  userId: string;
  message: string;
  runId?: string;
  traceId?: string;
  /** A client-driven turn (AG-UI): frontend tools, state, context, the client's messages. */
  client?: ClientTurn;
  /** Stream model output as text_delta events. */
  stream?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
}

/** The workflow engine as the ingress layers (HTTP, CLI, queue worker) see it. */
export interface TurnRunner {
  /** Run a turn to COMPLETED, FAILED or AWAITING_APPROVAL. Model/tool problems resolve, never reject. */
  start(params: StartRunParams): Promise<RunResult>;
  /** Create the run row (INITIATED) without executing it: for queued, asynchronous turns. */
  enqueue(params: Omit<StartRunParams, 'stream' | 'signal' | 'onEvent'>): Promise<{ runId: string; traceId: string }>;
  /** Execute a run created by enqueue (or left in flight) from its last checkpoint. */
  resume(runId: string, opts?: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void }): Promise<RunResult>;
  /** Resume every run left in flight by a crash; returns how many. */
  recoverInFlight(): Promise<number>;
  getRun(params: { tenantId: string; runId: string; userId?: string }): Promise<RunRecord | null>;
  /** Runs newest first, without their steps (optional: a runner without it serves no GET /runs). */
  listRuns?(params: { tenantId: string; userId?: string; sessionId?: string; limit: number }): Promise<RunRecord[]>;
  listApprovals(params: { tenantId: string; userId?: string; status?: PendingApproval['status'] }): Promise<PendingApproval[]>;
  /** One approval by id (null when absent, or another user's when userId is given): one indexed read. */
  getApproval(params: { tenantId: string; approvalId: string; userId?: string }): Promise<PendingApproval | null>;
  /** Approve (resume and execute the call once) or reject (the model gets a structured rejection). */
  decideApproval(params: {
    tenantId: string;
    approvalId: string;
    decision: 'approve' | 'reject';
    actor: string;
    reason?: string;
    /** When set, only this user's approvals are visible (404 otherwise). */
    userId?: string;
    /** Live events of the run as it continues (when this decision was the last one it waited for). */
    stream?: boolean;
    onEvent?: (e: RunEvent) => void;
  }): Promise<RunResult>;
}
