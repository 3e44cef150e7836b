import type { Tracer } from '@opentelemetry/api';
import type { ErrorCode } from '../errors.js';
import type { LearningOutcome } from '../learning/updater.js';
import { applyLearnings } from '../learning/updater.js';
import { buildContext, type BuiltContext } from '../memory/context-builder.js';
import type { KnowledgeStore } from '../memory/knowledge-store.js';
import type { SessionStore } from '../memory/session-store.js';
import type { ModelProvider } from '../models/provider.js';
import type { Usage } from '../models/types.js';
import type { ToolRegistry } from '../tools/registry.js';
import { extractLearnings } from './learning-tags.js';
import { agentLoop } from './loop.js';
import type { AgentEvent, AgentResult, LoopHooks, ToolCallLog } from './loop-types.js';

/** Everything a turn needs, built once by the runtime and passed down. */
export interface TurnDeps {
  provider: ModelProvider;
  tools: ToolRegistry;
  sessions: SessionStore;
  knowledge: KnowledgeStore;
  /** Spans for workflow steps and tool calls (model calls are traced by the provider wrapper). */
  tracer?: Tracer;
  settings: {
    maxIterations: number;
    turnTokenBudget: number;
    toolTimeoutMs: number;
    maxTokens: number;
    temperature: number;
    historyTurns: number;
    topK: number;
    sessionTtlSeconds: number;
    /** The persona at the head of the system prompt; Lore's default when unset. */
    systemPrompt?: string;
  };
}

export interface TurnInput {
  runId: string;
  traceId: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  message: string;
}

/** The user-facing outcome of a turn. `[LEARNING]` lines never appear in `answer`. */
export interface TurnOutput {
  answer: string;
  learnings: string[];
  toolCalls: ToolCallLog[];
  usage: Usage;
  iterations: number;
  stopReason: AgentResult['stopReason'];
  error?: { code: ErrorCode; message: string };
}

export function buildTurnContext(deps: TurnDeps, input: TurnInput): Promise<BuiltContext> {
  return buildContext({
    sessions: deps.sessions,
    knowledge: deps.knowledge,
    tenantId: input.tenantId,
    sessionId: input.sessionId,
    message: input.message,
    historyTurns: deps.settings.historyTurns,
    topK: deps.settings.topK,
    ...(deps.settings.systemPrompt !== undefined ? { persona: deps.settings.systemPrompt } : {}),
  });
}

/** Reason: the ReAct loop over the built context. Yields loop events; returns the loop result. */
export function reason(
  deps: TurnDeps,
  input: TurnInput,
  ctx: Pick<BuiltContext, 'system' | 'messages'>,
  opts: { stream?: boolean; signal?: AbortSignal; hooks?: LoopHooks } = {},
): AsyncGenerator<AgentEvent, AgentResult> {
  const s = deps.settings;
  return agentLoop({
    provider: deps.provider,
    tools: deps.tools,
    system: ctx.system,
    messages: ctx.messages,
    identity: { sessionId: input.sessionId, userId: input.userId, tenantId: input.tenantId, traceId: input.traceId, runId: input.runId },
    maxIterations: s.maxIterations,
    turnTokenBudget: s.turnTokenBudget,
    toolTimeoutMs: s.toolTimeoutMs,
    inferenceConfig: { maxTokens: s.maxTokens, temperature: s.temperature },
    ...(opts.stream ? { stream: true } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  });
}

/**
 * HandleResponse: strip `[LEARNING]` lines and persist the user and assistant turns together.
 * Idempotent: the store skips turns already written for this run.
 */
export async function handleResponse(deps: TurnDeps, input: TurnInput, result: AgentResult): Promise<TurnOutput> {
  const { text, learnings } = extractLearnings(result.text);
  const answer = text || (result.error ? result.error.message : '');
  const base = { tenantId: input.tenantId, sessionId: input.sessionId, userId: input.userId, traceId: input.traceId, runId: input.runId, ttlSeconds: deps.settings.sessionTtlSeconds };
  // A turn stopped on a frontend tool call is not over: the client's next run carries the same
  // user message with the tool results and records the exchange once, when it ends.
  if (result.stopReason !== 'client_tool') await deps.sessions.appendTurns({
    turns: [
      { ...base, role: 'user', content: [{ text: input.message }], inputTokens: result.usage.inputTokens, outputTokens: 0 },
      { ...base, role: 'assistant', content: [{ text: answer }], inputTokens: 0, outputTokens: result.usage.outputTokens },
    ],
  });
  return {
    answer,
    learnings: result.error ? [] : learnings,
    toolCalls: result.toolCalls,
    usage: result.usage,
    iterations: result.iterations,
    stopReason: result.stopReason,
    ...(result.error ? { error: result.error } : {}),
  };
}

/** UpdateKnowledge: write the turn's learnings back to the knowledge base. */
export function updateKnowledge(deps: TurnDeps, input: TurnInput, learnings: string[], signal?: AbortSignal): Promise<LearningOutcome[]> {
  return applyLearnings(
    { knowledge: deps.knowledge, provider: deps.provider },
    {
      tenantId: input.tenantId,
      sessionId: input.sessionId,
      userId: input.userId,
      runId: input.runId,
      traceId: input.traceId,
      model: deps.provider.modelId,
      learnings,
      ...(signal ? { signal } : {}),
    },
  );
}
