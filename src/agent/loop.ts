import { LoreError, throwIfAborted } from '../errors.js';
import { collectStream } from '../models/stream.js';
import type { ContentBlock, ConverseResponse, ConverseStreamEvent, Message, Usage } from '../models/types.js';
import { addUsage, emptyUsage, isToolUse, messageText } from '../models/types.js';
import { executeToolCall, outcomeToResultBlock, type ToolCall, type ToolOutcome } from '../tools/execute.js';
import type { AgentEvent, AgentLoopOptions, AgentResult, ToolCallLog } from './loop-types.js';
import { screenToolOutcome } from './tool-guard.js';

/**
 * The ReAct loop as an async generator: converse → run requested tools (in parallel) → append
 * results → repeat, until the model ends its turn, the iteration cap or the token budget is hit,
 * or a tool needs a person's approval. `runAgentLoop` drains it.
 */
export async function* agentLoop(opts: AgentLoopOptions): AsyncGenerator<AgentEvent, AgentResult> {
  const history: Message[] = [...opts.messages];
  const newMessages: Message[] = [];
  const toolCalls: ToolCallLog[] = [];
  let usage: Usage = emptyUsage();
  let iterations = 0;

  const finish = (r: Omit<AgentResult, 'newMessages' | 'toolCalls' | 'usage' | 'iterations'>): AgentResult => ({
    ...r,
    newMessages,
    toolCalls,
    usage,
    iterations,
  });

  // Resuming a paused turn: the last message is the assistant's tool-use request, still unanswered.
  const last = history.at(-1);
  let pending: Message | undefined = last?.role === 'assistant' && last.content.some(isToolUse) ? history.pop() : undefined;

  for (;;) {
    throwIfAborted(opts.signal);
    if (pending) {
      const calls = pending.content.filter(isToolUse).map((b) => b.toolUse);
      const gated = yield* runTools(opts, calls, iterations, toolCalls);
      if (gated.paused) {
        // Keep the unanswered request out of history: the resumed run re-submits it.
        return finish({ text: '', stopReason: 'awaiting_approval', pendingApprovals: gated.paused });
      }
      history.push(pending, gated.resultMessage);
      newMessages.push(pending, gated.resultMessage);
      pending = undefined;
    }

    if (iterations >= opts.maxIterations) {
      const message = `Stopped after ${opts.maxIterations} model calls without a final answer (iteration cap).`;
      return finish({ text: message, stopReason: 'iteration_limit', error: { code: 'ITERATION_LIMIT', message } });
    }
    if (usage.totalTokens >= opts.turnTokenBudget) {
      const message = `Stopped: this turn used ${usage.totalTokens} tokens, over its budget of ${opts.turnTokenBudget}.`;
      return finish({ text: message, stopReason: 'budget_exceeded', error: { code: 'BUDGET_EXCEEDED', message } });
    }
    try {
      await opts.hooks?.beforeModelCall?.({ iteration: iterations + 1, usage, identity: opts.identity });
    } catch (e) {
      if (e instanceof LoreError && e.code === 'BUDGET_EXCEEDED') {
        return finish({ text: e.message, stopReason: 'budget_exceeded', error: { code: e.code, message: e.message } });
      }
      throw e;
    }

    iterations++;
    yield { type: 'model_call_start', iteration: iterations };
    const request = {
      system: opts.system,
      messages: history,
      ...(opts.tools.list().length ? { toolConfig: { tools: opts.tools.specs() } } : {}),
      ...(opts.inferenceConfig ? { inferenceConfig: opts.inferenceConfig } : {}),
    };
    let response: ConverseResponse;
    if (opts.stream) {
      const seen: ConverseStreamEvent[] = [];
      for await (const e of opts.provider.converseStream(request, { signal: opts.signal })) {
        seen.push(e);
        if ('contentBlockDelta' in e && 'text' in e.contentBlockDelta.delta) {
          yield { type: 'text_delta', text: e.contentBlockDelta.delta.text, iteration: iterations };
        }
      }
      response = await collectStream(fromArray(seen));
    } else {
      response = await opts.provider.converse(request, { signal: opts.signal });
    }
    usage = addUsage(usage, response.usage);
    yield { type: 'model_call_end', iteration: iterations, response };

    const message = response.output.message;
    if (response.stopReason === 'tool_use' && message.content.some(isToolUse)) {
      pending = message;
      continue;
    }
    history.push(message);
    newMessages.push(message);
    return finish({ text: messageText(message), stopReason: response.stopReason === 'tool_use' ? 'end_turn' : response.stopReason });
  }
}

/** Gate, then run the calls of one assistant message in parallel; results in call order. */
async function* runTools(
  opts: AgentLoopOptions,
  calls: ToolCall[],
  iteration: number,
  log: ToolCallLog[],
): AsyncGenerator<AgentEvent, { paused?: Array<ToolCall & { reason: string }>; resultMessage: Message }> {
  const decisions = await Promise.all(
    calls.map(async (c) => (opts.hooks?.gateTool ? opts.hooks.gateTool(c, opts.tools.get(c.name)) : { action: 'run' as const })),
  );
  const paused = calls.flatMap((c, i) => {
    const d = decisions[i]!;
    return d.action === 'pause' ? [{ ...c, reason: d.reason }] : [];
  });
  if (paused.length) return { paused, resultMessage: { role: 'user', content: [] } };

  for (const c of calls) yield { type: 'tool_call_start', call: c, iteration };
  const outcomes = await Promise.all(
    calls.map(async (call, i): Promise<ToolOutcome & { denied?: boolean }> => {
      const d = decisions[i]!;
      if (d.action === 'deny') {
        return {
          call,
          status: 'error',
          output: { error: { code: 'TOOL_REJECTED', message: `The call to "${call.name}" was rejected: ${d.reason}`, hint: 'Do not retry this call; tell the user it was not carried out and why.' } },
          errorCode: 'TOOL_REJECTED',
          latencyMs: 0,
          denied: true,
        };
      }
      const exec = () => executeToolCall(opts.tools, call, { ...opts.identity, signal: opts.signal }, opts.toolTimeoutMs);
      // Screened inside `run`, so the effect ledger, the log and the conversation all get the screened result.
      const guard = opts.guard;
      const run = guard ? async () => screenToolOutcome(guard, opts.identity, await exec(), opts.signal) : exec;
      return opts.hooks?.runTool ? opts.hooks.runTool(call, opts.tools.get(call.name), run) : run();
    }),
  );
  const content: ContentBlock[] = [];
  for (const o of outcomes) {
    const entry: ToolCallLog = {
      toolUseId: o.call.toolUseId,
      name: o.call.name,
      input: o.call.input,
      status: o.denied ? 'denied' : o.status,
      output: o.output,
      latencyMs: Math.round(o.latencyMs * 100) / 100,
      iteration,
      ...(o.errorCode ? { errorCode: o.errorCode } : {}),
    };
    log.push(entry);
    content.push(outcomeToResultBlock(o));
    yield { type: 'tool_call_end', log: entry };
  }
  return { resultMessage: { role: 'user', content } };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/** Drain the loop, forwarding events to an optional listener; returns the result. */
export async function runAgentLoop(opts: AgentLoopOptions, onEvent?: (e: AgentEvent) => void | Promise<void>): Promise<AgentResult> {
  const gen = agentLoop(opts);
  for (;;) {
    const step = await gen.next();
    if (step.done) return step.value;
    if (onEvent) await onEvent(step.value);
  }
}
