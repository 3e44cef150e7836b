import type { LearningOutcome } from '../learning/updater.js';
import { LearningStreamFilter } from './learning-tags.js';
import type { AgentEvent } from './loop-types.js';
import { buildTurnContext, handleResponse, reason, updateKnowledge, type TurnDeps, type TurnInput, type TurnOutput } from './turn.js';

export interface TurnResult extends TurnOutput {
  outcomes: LearningOutcome[];
  retrieved: number;
}

export interface RunTurnOptions {
  stream?: boolean;
  signal?: AbortSignal;
  /** Answer text as the user may see it: `[LEARNING]` lines are already held back and dropped. */
  onText?: (delta: string) => void;
  onEvent?: (e: AgentEvent) => void;
}

/**
 * One turn, start to finish, in-process and without checkpoints: BuildContext → Reason →
 * HandleResponse → UpdateKnowledge. The durable workflow runs the same steps with checkpoints.
 */
export async function runTurn(deps: TurnDeps, input: TurnInput, opts: RunTurnOptions = {}): Promise<TurnResult> {
  const ctx = await buildTurnContext(deps, input);
  const loop = reason(deps, input, ctx, { stream: !!opts.stream, ...(opts.signal ? { signal: opts.signal } : {}) });
  const filter = new LearningStreamFilter();
  let step = await loop.next();
  while (!step.done) {
    const e = step.value;
    opts.onEvent?.(e);
    if (e.type === 'text_delta' && opts.onText) {
      const safe = filter.push(e.text);
      if (safe) opts.onText(safe);
    }
    // A text block followed by a tool call is a new paragraph, not the same line.
    if (e.type === 'model_call_end' && opts.onText) {
      const rest = filter.flush();
      if (rest) opts.onText(rest);
    }
    step = await loop.next();
  }
  const output = await handleResponse(deps, input, step.value);
  const outcomes = output.learnings.length ? await updateKnowledge(deps, input, output.learnings, opts.signal) : [];
  return { ...output, outcomes, retrieved: ctx.retrieved.length };
}
