import type { ErrorCode } from '../errors.js';
import type { Guardrail } from '../guardrails/port.js';
import type { ModelProvider } from '../models/provider.js';
import type { ConverseResponse, InferenceConfig, Message, SystemContentBlock, Usage } from '../models/types.js';
import type { ToolCall, ToolOutcome } from '../tools/execute.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';

export interface TurnIdentity {
  sessionId: string;
  userId: string;
  tenantId: string;
  traceId: string;
  runId?: string;
}

/** What to do with a tool call before running it (approvals, policies). */
export type ToolGateDecision = { action: 'run' } | { action: 'deny'; reason: string } | { action: 'pause'; reason: string };

export interface LoopHooks {
  /** Called before each model call with the tokens used so far; throw a BUDGET_EXCEEDED LoreError to stop. */
  beforeModelCall?(info: { iteration: number; usage: Usage; identity: TurnIdentity }): void | Promise<void>;
  /** Decide whether a call may run now; default: run. */
  gateTool?(call: ToolCall, tool: AnyTool | undefined): ToolGateDecision | Promise<ToolGateDecision>;
  /** Wrap execution (effect ledger for exactly-once mutating calls, tracing). Must call `run` at most once. */
  runTool?(call: ToolCall, tool: AnyTool | undefined, run: () => Promise<ToolOutcome>): Promise<ToolOutcome>;
}

export interface AgentLoopOptions {
  provider: ModelProvider;
  tools: ToolRegistry;
  system: SystemContentBlock[];
  /** Prior turns + the new user message. May end with an assistant tool-use message to resume it. */
  messages: Message[];
  identity: TurnIdentity;
  maxIterations: number;
  turnTokenBudget: number;
  toolTimeoutMs: number;
  inferenceConfig?: InferenceConfig;
  /** Use converseStream and emit text deltas as they arrive. */
  stream?: boolean;
  signal?: AbortSignal;
  hooks?: LoopHooks;
  /** Screens tool results (stage tool_result) before they join the conversation or any record. */
  guard?: Guardrail;
}

export type LoopStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'iteration_limit'
  | 'budget_exceeded'
  | 'awaiting_approval'
  /** Stopped on a frontend tool call: the client executes it (set by the workflow's Reason step). */
  | 'client_tool';

export interface ToolCallLog {
  toolUseId: string;
  name: string;
  input: unknown;
  status: 'success' | 'error' | 'denied';
  output: unknown;
  errorCode?: ErrorCode;
  latencyMs: number;
  iteration: number;
}

export interface AgentResult {
  /** The final assistant text (before [LEARNING] extraction). */
  text: string;
  /** Messages added by this loop run, in order; tool-use messages only with their results. */
  newMessages: Message[];
  toolCalls: ToolCallLog[];
  usage: Usage;
  iterations: number;
  stopReason: LoopStopReason;
  /** Set when the loop ended without a normal answer (iteration cap, budget). */
  error?: { code: ErrorCode; message: string };
  /** Calls waiting for a person when stopReason = awaiting_approval. */
  pendingApprovals?: Array<ToolCall & { reason: string }>;
}

export type AgentEvent =
  | { type: 'model_call_start'; iteration: number }
  | { type: 'text_delta'; text: string; iteration: number }
  | { type: 'model_call_end'; iteration: number; response: ConverseResponse }
  | { type: 'tool_call_start'; call: ToolCall; iteration: number }
  | { type: 'tool_call_end'; log: ToolCallLog };
