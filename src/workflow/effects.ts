import type { ToolCall, ToolOutcome } from '../tools/execute.js';
import type { AnyTool } from '../tools/tool.js';
import type { EffectLedger as RunStore } from './effect-ledger.js';

/**
 * The effect ledger as a LoopHooks.runTool wrapper: exactly-once for `mutating` tools across
 * crashes and step retries. "started" is committed before the handler runs and "completed" (with
 * the outcome) after, so on re-execution:
 *   completed            → replay the stored outcome, do not call the tool
 *   started, idempotent  → call again (the tool says that is safe)
 *   started, otherwise   → do NOT call again; the model gets TOOL_OUTCOME_UNKNOWN
 * Read-only tools re-run freely: repeating a read changes nothing.
 */
export function effectKey(runId: string, step: string, toolUseId: string): string {
  return `${runId}:${step}:${toolUseId}`;
}

type StoredOutcome = Omit<ToolOutcome, 'call'>;

export function unknownOutcome(call: ToolCall): ToolOutcome {
  return {
    call,
    status: 'error',
    errorCode: 'TOOL_OUTCOME_UNKNOWN',
    latencyMs: 0,
    output: {
      error: {
        code: 'TOOL_OUTCOME_UNKNOWN',
        message: `The earlier call to "${call.name}" was interrupted before it reported back; it may or may not have taken effect, so it was not repeated.`,
        hint: 'Do not call it again. Tell the user the action may or may not have happened and that an operator will verify it.',
      },
    },
  };
}

export function makeLedger(p: {
  runs: RunStore;
  runId: string;
  step: string;
  now: () => number;
  onUnknown?: (call: ToolCall) => void;
}) {
  return async (call: ToolCall, tool: AnyTool | undefined, run: () => Promise<ToolOutcome>): Promise<ToolOutcome> => {
    if (!tool?.mutating) return run();
    const key = effectKey(p.runId, p.step, call.toolUseId);
    const existing = await p.runs.getEffect({ key });
    if (existing?.status === 'completed') return { ...(existing.result as StoredOutcome), call, replayed: true };
    const unknown = () => {
      p.onUnknown?.(call);
      return unknownOutcome(call);
    };
    if (existing && !tool.idempotent) return unknown();
    if (!existing) {
      const began = await p.runs.beginEffect({ effect: { key, runId: p.runId, step: p.step, toolUseId: call.toolUseId, tool: call.name, startedAt: p.now() } });
      // Someone else began it between our read and insert: same situation as a crash mid-call.
      if (!began && !tool.idempotent) return unknown();
    }
    const outcome = await run();
    const { call: _call, ...stored } = outcome;
    await p.runs.completeEffect({ key, result: stored, completedAt: p.now() });
    return outcome;
  };
}
