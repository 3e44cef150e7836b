import { LearningStreamFilter } from '../memory/learning-tags.js';
import { honestAnswer, isQuestion } from '../learning/claims.js';
import { recordGuardSpan } from '../guardrails/instrument.js';
import { maskAnswer, PiiStreamMasker } from '../guardrails/stream-mask.js';
import type { AgentResult, ToolCallLog } from '../agent/loop-types.js';
import { reason } from '../agent/turn.js';
import { LoreError } from '../errors.js';
import type { Message, Usage } from '../models/types.js';
import { addUsage, emptyUsage, isToolUse } from '../models/types.js';
import { context as otelContext, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from '../telemetry/tracing.js';
import { outcomeToResultBlock, type ToolCall, type ToolOutcome } from '../tools/execute.js';
import type { AnyTool } from '../tools/tool.js';
import { inSpan } from './tracing.js';
import { resolveStatic } from './static-refs.js';
import { makeGate } from './approvals.js';
import { makeLedger } from './effects.js';
import { clientMessages, clientSystemBlocks, clientToolNames, loadClientTurn, splitClientCalls, withClientTools } from './client-turn.js';
import type { ReasonOutput, RunData } from './run-data.js';
import type { StepContext, StepDeps } from './step-types.js';

/**
 * Reason, resumable. The loop's history is checkpointed as progress after every model call that
 * asks for tools and after every tool round, so a re-executed step (crash, retry, approval)
 * continues from the last round instead of starting over: it re-submits the unanswered tool-use
 * message, and the ledger makes sure mutating calls in it do not run twice.
 */
export interface ReasonProgress {
  history: Message[];
  /** The assistant's tool-use message whose results are not in `history` yet. */
  pending?: Message;
  usage: Usage;
  iterations: number;
  toolCalls: ToolCallLog[];
}

export const REASON_STEP = 'Reason';

export async function reasonStep(deps: StepDeps, data: RunData, ctx: StepContext): Promise<ReasonOutput> {
  const { input, context } = data;
  if (!context) throw new LoreError('INTERNAL', 'Reason ran without a built context');
  const { runs, now } = deps;
  const runId = input.runId;
  // A turn from an AG-UI client: its frontend tools, state, context and current exchange.
  const client = await loadClientTurn(runs, runId);
  const tools = withClientTools(deps.turn.tools, client);
  const clientTools = clientToolNames(deps.turn.tools, client);
  const prog: ReasonProgress = (await runs.getProgress<ReasonProgress>({ runId, step: REASON_STEP })) ?? {
    history: clientMessages(context.messages, client),
    usage: emptyUsage(),
    iterations: 0,
    toolCalls: [],
  };
  // Progress is not a durable point of its own: it commits with the step's next write (the ledger's
  // "started" entry before a mutating call, or the step's checkpoint). Serialised by the store at
  // call time, so later changes to `prog` do not leak into this save.
  const save = () => ctx.defer(runs.saveProgress({ runId, step: REASON_STEP, data: prog, now: now() }));
  const s = deps.turn.settings;
  // A resumed segment gets what is left of the turn's allowance, but always one call to answer.
  const settings = { ...s, maxIterations: Math.max(1, s.maxIterations - prog.iterations), turnTokenBudget: Math.max(1, s.turnTokenBudget - prog.usage.totalTokens) };
  const ledger = makeLedger({
      runs,
      runId,
      step: REASON_STEP,
      now,
      onUnknown: (call) => deps.operator({ type: 'tool_outcome_unknown', runId, tenantId: input.tenantId, toolUseId: call.toolUseId, tool: call.name, at: now() }),
      durable: () => ctx.durable(),
  });
  const tracer = deps.turn.tracer;
  const gate = makeGate({ runs, runId, policies: deps.approvals.policies, now });
  const hooks = {
    // A frontend tool's call ends the turn: the client executes it and answers in its next run.
    gateTool: (call: ToolCall, tool: AnyTool | undefined) => (clientTools.has(call.name) ? { action: 'pause' as const, reason: 'frontend tool' } : gate(call, tool)),
    // One span per tool call, under the Reason step's span.
    runTool: (call: ToolCall, tool: AnyTool | undefined, run: () => Promise<ToolOutcome>) =>
      inSpan(tracer, otelContext.active(), `execute_tool ${call.name}`, { [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR.GEN_AI_TOOL_NAME]: call.name, [ATTR.GEN_AI_TOOL_CALL_ID]: call.toolUseId, [ATTR.GEN_AI_TOOL_TYPE]: 'function' }, async (span) => {
        const outcome = await ledger(call, tool, run);
        span?.setAttributes({ [ATTR.TOOL_STATUS]: outcome.status, [ATTR.LATENCY_MS]: outcome.latencyMs, ...(outcome.errorCode ? { [ATTR.ERROR_TYPE]: outcome.errorCode } : {}) });
        if (outcome.status === 'error') span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorCode ?? 'tool error' });
        return outcome;
      }),
    ...(deps.beforeModelCall ? { beforeModelCall: deps.beforeModelCall } : {}),
  };
  const loop = reason(
    { ...deps.turn, tools, settings },
    input,
    { system: [...resolveStatic(context.system, s.systemPrompt), ...clientSystemBlocks(client)], messages: prog.pending ? [...prog.history, prog.pending] : prog.history },
    { stream: ctx.stream, hooks, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );

  const filter = new LearningStreamFilter();
  // PII is masked before a delta leaves: the masker holds back a tail so a split string is caught whole.
  const masker = new PiiStreamMasker();
  const send = (t: string) => t && ctx.emit({ type: 'text_delta', text: t });
  const emitText = (t: string) => send(masker.push(t));
  // After a statement, a reply is held until the model call ends: if it wrote no [LEARNING] line,
  // memory claims and "tell me" invitations are dropped before they reach the client (claims.ts),
  // the same rule HandleResponse applies to the stored answer.
  const holdClaims = !!ctx.stream && !isQuestion(input.message);
  let held = '';
  const out = (t: string) => (holdClaims ? void (held += t) : emitText(t));
  const release = () => {
    if (!held) return;
    const text = filter.learnings.length ? held : honestAnswer(held, { stored: false, statement: true });
    held = '';
    emitText(text);
  };
  let batch: ToolCallLog[] = [];
  let step = await loop.next();
  while (!step.done) {
    const e = step.value;
    if (e.type === 'text_delta') out(filter.push(e.text));
    else if (e.type === 'model_call_end') {
      out(filter.flush());
      release();
      send(masker.flush());
      prog.usage = addUsage(prog.usage, e.response.usage);
      prog.iterations++;
      const msg = e.response.output.message;
      if (e.response.stopReason === 'tool_use' && msg.content.some(isToolUse)) {
        prog.pending = msg;
        save();
      }
    } else if (e.type === 'tool_call_start') {
      if (!batch.length) ctx.setStatus('TOOL_EXECUTION_PENDING');
      ctx.emit({ type: 'tool_call_start', toolUseId: e.call.toolUseId, name: e.call.name, input: e.call.input });
    } else if (e.type === 'tool_call_end') {
      batch.push(e.log);
      ctx.emit({ type: 'tool_call_end', log: e.log });
      const expected = prog.pending?.content.filter(isToolUse).length ?? 0;
      if (prog.pending && batch.length === expected) {
        // The same toolResult message the loop appends, so the saved history equals the loop's.
        const results: Message = { role: 'user', content: batch.map(resultBlock) };
        prog.history = [...prog.history, prog.pending, results];
        prog.toolCalls = [...prog.toolCalls, ...batch];
        delete prog.pending;
        batch = [];
        save();
        ctx.setStatus('REASONING');
      }
    }
    step = await loop.next();
  }
  out(filter.flush());
  release();
  send(masker.flush());
  const result = step.value;
  const { client: clientCalls } = splitClientCalls(result.pendingApprovals ?? [], clientTools);
  if (result.stopReason === 'awaiting_approval' && clientCalls.length) {
    // Server calls asked for in the same message are not run: the model asks again once the
    // client has answered (the client only knows, and answers, its own calls).
    for (const c of clientCalls) ctx.emit({ type: 'tool_call_start', toolUseId: c.toolUseId, name: c.name, input: c.input });
    return { ...toOutput({ ...result, stopReason: 'client_tool' }, prog), clientCalls: clientCalls.map(({ reason: _r, ...c }) => c) };
  }
  return toOutput(result, prog);
}

function resultBlock(log: ToolCallLog) {
  return outcomeToResultBlock({
    call: { toolUseId: log.toolUseId, name: log.name, input: log.input },
    status: log.status === 'success' ? 'success' : 'error',
    output: log.output,
    latencyMs: log.latencyMs,
  });
}

function toOutput(r: AgentResult, prog: ReasonProgress): ReasonOutput {
  const awaiting = r.stopReason === 'awaiting_approval';
  // Checkpointed as this step's output: masked here (as the stream was), screened in full by HandleResponse.
  const masked = maskAnswer(r.text);
  if (masked.guard) recordGuardSpan('output', masked.guard, 'builtin');
  return {
    text: masked.text,
    ...(masked.guard ? { outputGuard: masked.guard } : {}),
    stopReason: r.stopReason,
    awaitingApproval: awaiting,
    pendingCalls: awaiting ? (r.pendingApprovals ?? []) : [],
    toolCalls: prog.toolCalls,
    usage: prog.usage,
    iterations: prog.iterations,
    ...(r.error ? { error: r.error } : {}),
  };
}

/** The AgentResult handleResponse expects, from a (possibly resumed) Reason output. */
export function agentResultOf(o: ReasonOutput): AgentResult {
  return {
    text: o.text,
    newMessages: [],
    toolCalls: o.toolCalls,
    usage: o.usage,
    iterations: o.iterations,
    stopReason: o.stopReason as AgentResult['stopReason'],
    ...(o.error ? { error: o.error } : {}),
  };
}
