import type { Tracer } from '@opentelemetry/api';
import type { ErrorCode } from '../errors.js';
import { defaultGuardrail } from '../guardrails/from-config.js';
import { toGuardRecord, type GuardRecord, type Guardrail } from '../guardrails/port.js';
import { maskPii } from '../guardrails/stream-mask.js';
import { honestAnswer, isQuestion } from '../learning/claims.js';
import type { Conversation } from '../learning/decision.js';
import type { LearningOutcome } from '../learning/updater.js';
import { applyLearnings } from '../learning/updater.js';
import type { GuardrailFinding, LearningPolicy } from '../learning/policy.js';
import { buildContext, type BuiltContext } from '../memory/context-builder.js';
import type { KnowledgeStore } from '../memory/knowledge-store.js';
import type { MemoryDeps } from '../memory/memory-deps.js';
import type { SessionStore } from '../memory/session-store.js';
import type { ModelProvider } from '../models/provider.js';
import type { Usage } from '../models/types.js';
import type { ToolRegistry } from '../tools/registry.js';
import { extractLearnings } from '../memory/learning-tags.js';
import { agentLoop } from './loop.js';
import type { AgentEvent, AgentResult, LoopHooks, ToolCallLog } from './loop-types.js';

/** Everything a turn needs, built once by the runtime and passed down. */
export interface TurnDeps {
  provider: ModelProvider;
  tools: ToolRegistry;
  sessions: SessionStore;
  knowledge: KnowledgeStore;
  /** Who may make a learning shared, and when (learning/policy.ts). */
  learning: LearningPolicy;
  /** Spans for workflow steps and tool calls (model calls are traced by the provider wrapper). */
  tracer?: Tracer;
  /** Screens input, output, tool results and learnings; the built-in detectors when absent. */
  guard?: Guardrail;
  /** Long-term memory: session summaries and the user's own memory (README "Memory"); off when absent. */
  memory?: MemoryDeps;
  settings: {
    maxIterations: number;
    turnTokenBudget: number;
    toolTimeoutMs: number;
    maxTokens: number;
    temperature: number;
    /** How Dispatch routes a message (config agent.intent); default rules. */
    intent?: 'rules' | 'model' | 'off';
    historyTurns: number;
    topK: number;
    /** Token budget of `<semantic_memory>` (memory.contextTokens); 0 = topK chunks, unbounded. */
    contextTokens?: number;
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

export const guardOf = (deps: Pick<TurnDeps, 'guard'>): Guardrail => deps.guard ?? defaultGuardrail;

/** What the user is told when the output guard blocks an answer without a message of its own. */
export const BLOCKED_ANSWER = 'Sorry — I cannot share that answer: it was stopped by a content policy.';

export function buildTurnContext(deps: TurnDeps, input: TurnInput): Promise<BuiltContext> {
  return buildContext({
    sessions: deps.sessions,
    knowledge: deps.knowledge,
    tenantId: input.tenantId,
    sessionId: input.sessionId,
    userId: input.userId,
    message: input.message,
    historyTurns: deps.settings.historyTurns,
    topK: deps.settings.topK,
    ...(deps.settings.contextTokens !== undefined ? { contextTokens: deps.settings.contextTokens } : {}),
    ...(deps.settings.systemPrompt !== undefined ? { persona: deps.settings.systemPrompt } : {}),
    ...(deps.memory ? { memory: deps.memory } : {}),
  });
}

/** How long a tenant's episodic turns live (memory.retention.tenants overrides sessionTtlSeconds). */
export const turnTtlSeconds = (deps: Pick<TurnDeps, 'memory' | 'settings'>, tenantId: string): number => deps.memory?.retention(tenantId).turnSeconds ?? deps.settings.sessionTtlSeconds;

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
    guard: guardOf(deps),
  });
}

/**
 * HandleResponse: strip `[LEARNING]` lines, screen the answer (output stage: PII masked, a blocked
 * answer replaced) and persist the user and assistant turns together. Learnings are masked too:
 * they are part of this step's recorded output; the learning stage screens them again in full.
 * Idempotent: the store skips turns already written for this run.
 */
export async function handleResponse(
  deps: TurnDeps,
  input: TurnInput,
  result: AgentResult,
  /** Hand the turn write to a caller that makes it durable later (the workflow, with the step's checkpoint); default: awaited here. */
  defer?: (write: Promise<unknown>) => void,
): Promise<TurnOutput & { guard?: GuardRecord }> {
  const extracted = extractLearnings(result.text);
  const raw = extracted.text || (result.error ? result.error.message : '');
  const screened = raw ? await guardOf(deps).screen({ text: raw, stage: 'output', tenantId: input.tenantId, userId: input.userId, runId: input.runId }) : undefined;
  const learnings = screened?.action === 'block' || result.error ? [] : extracted.learnings.map(maskPii);
  const said = !screened ? raw : screened.action === 'block' ? (screened.message ?? BLOCKED_ANSWER) : screened.text;
  // No learning from this turn: no memory claims, and no "tell me" after the user told it. (With
  // learnings, UpdateKnowledge adds the notice that says what became of them.)
  const answer = learnings.length ? said : honestAnswer(said, { stored: false, statement: !isQuestion(input.message) });
  const base = { tenantId: input.tenantId, sessionId: input.sessionId, userId: input.userId, traceId: input.traceId, runId: input.runId, ttlSeconds: turnTtlSeconds(deps, input.tenantId) };
  // A turn stopped on a frontend tool call is not over: the client's next run carries the same
  // user message with the tool results and records the exchange once, when it ends.
  if (result.stopReason !== 'client_tool') {
    const write = deps.sessions.appendTurns({
      turns: [
        // Already redacted when the run was created; masked again for callers that bypass the engine.
        { ...base, role: 'user', content: [{ text: maskPii(input.message) }], inputTokens: result.usage.inputTokens, outputTokens: 0 },
        { ...base, role: 'assistant', content: [{ text: answer }], inputTokens: 0, outputTokens: result.usage.outputTokens },
      ],
    });
    if (defer) defer(write);
    else await write;
  }
  return {
    answer,
    learnings,
    toolCalls: result.toolCalls,
    usage: result.usage,
    iterations: result.iterations,
    stopReason: result.stopReason,
    ...(result.error ? { error: result.error } : {}),
    ...(screened && screened.findings.length ? { guard: toGuardRecord(screened) } : {}),
  };
}

/**
 * The exchange before this run in its session (the previous user message and the assistant's
 * reply), so the memory decision can resolve a correction such as "no, it's 250 now".
 */
export async function previousExchange(deps: Pick<TurnDeps, 'sessions'>, input: TurnInput): Promise<Conversation | undefined> {
  const turns = await deps.sessions.recentTurns({ tenantId: input.tenantId, sessionId: input.sessionId, limit: 6 });
  const before = turns.filter((t) => t.runId !== input.runId);
  const text = (role: 'user' | 'assistant') => {
    const t = before.filter((x) => x.role === role).at(-1);
    return t ? t.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('').trim() : '';
  };
  const question = text('user');
  const answer = text('assistant');
  return question || answer ? { ...(question ? { question } : {}), ...(answer ? { answer } : {}) } : undefined;
}

/**
 * UpdateKnowledge: write the turn's learnings back to the knowledge base under the trust policy.
 * A turn whose input the guardrail flagged as an injection learns nothing (quarantine); an input
 * it held sends the turn's learnings to review; `findings` are any further guardrail verdicts.
 */
export async function updateKnowledge(
  deps: TurnDeps,
  input: TurnInput,
  learnings: string[],
  signal?: AbortSignal,
  findings?: GuardrailFinding[],
  inputGuard?: GuardRecord,
): Promise<LearningOutcome[]> {
  const conversation = learnings.length ? await previousExchange(deps, input) : undefined;
  const flagged = inputGuard?.findings.some((f) => f.category === 'injection');
  const held: GuardrailFinding[] = inputGuard?.action === 'hold' ? [{ action: 'hold', reason: `the message was held by the guardrail (${[...new Set(inputGuard.findings.map((f) => f.category))].join(', ')})` }] : [];
  const all = [...(findings ?? []), ...held];
  return applyLearnings(
    {
      knowledge: deps.knowledge,
      provider: deps.provider,
      guard: guardOf(deps),
      ...(deps.memory?.userMemory.enabled ? { userMemory: { store: deps.memory.store, factTtlSeconds: (t: string) => deps.memory!.retention(t).userFactSeconds } } : {}),
    },
    {
      tenantId: input.tenantId,
      sessionId: input.sessionId,
      userId: input.userId,
      runId: input.runId,
      traceId: input.traceId,
      model: deps.provider.modelId,
      learnings,
      policy: deps.learning,
      ...(flagged ? { quarantined: 'possible prompt injection' } : {}),
      ...(conversation ? { conversation } : {}),
      ...(all.length ? { findings: all } : {}),
      ...(signal ? { signal } : {}),
    },
  );
}
