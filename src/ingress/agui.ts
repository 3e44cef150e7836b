import {
  EventType,
  type CustomEvent,
  type RunErrorEvent,
  type RunFinishedEvent,
  type RunStartedEvent,
  type StepFinishedEvent,
  type StepStartedEvent,
  type TextMessageContentEvent,
  type TextMessageEndEvent,
  type TextMessageStartEvent,
  type ToolCallArgsEvent,
  type ToolCallEndEvent,
  type ToolCallResultEvent,
  type ToolCallStartEvent,
} from '@ag-ui/core';
import { LearningStreamFilter } from '../memory/learning-tags.js';
import type { RunEvent, RunResult } from '../workflow/types.js';
import { toChatResponse } from './present.js';
import type { ChatResponseT } from './schemas.js';

export type AguiEvent =
  | LearningEvent
  | RunStartedEvent
  | LoreRunFinishedEvent
  | RunErrorEvent
  | StepStartedEvent
  | StepFinishedEvent
  | TextMessageStartEvent
  | TextMessageContentEvent
  | TextMessageEndEvent
  | ToolCallStartEvent
  | ToolCallArgsEvent
  | ToolCallEndEvent
  | ToolCallResultEvent;

/** The CUSTOM event a UI can render when the agent learns something (one per learning). */
export const LEARNING_EVENT = 'lore.learning';

/** What a learning event carries (`value`); the same shape as in agui-schemas.ts. */
export interface LearningEventValue {
  fact: string;
  event: RunResult['learnings'][number]['event'];
  doc_id?: string;
  reason?: string;
}

/**
 * Lore's only CUSTOM event, typed: AG-UI's own CustomEvent has `name: string` and `value: any`,
 * which would leave `e.value.fact` unchecked in every consumer.
 */
export type LearningEvent = Omit<CustomEvent, 'name' | 'value'> & { name: typeof LEARNING_EVENT; value: LearningEventValue };

/**
 * RUN_FINISHED as Lore sends it: AG-UI types `result` as `any`; Lore's is always the run's answer
 * in the same shape as `POST /chat`'s JSON (`ChatResponse`), so `e.result.answer` is checked.
 */
export type LoreRunFinishedEvent = Omit<RunFinishedEvent, 'result'> & { result?: ChatResponseT };

/** AG-UI's SSE framing (what @ag-ui/encoder writes): one JSON event per `data:` line. */
export const encodeSse = (e: AguiEvent): string => `data: ${JSON.stringify(e)}\n\n`;

/**
 * Translates a run's RunEvents into AG-UI events, holding the protocol's invariants however the
 * engine behaves: RUN_STARTED first, exactly one terminal event (RUN_FINISHED or RUN_ERROR) and
 * nothing after it, text inside a START/END pair, and no `[LEARNING]` line in any text (the
 * engine filters already; a second filter here keeps the guarantee local to the wire).
 */
export class AguiMapper {
  private started = false;
  private ended = false;
  private messageId: string | undefined;
  private messages = 0;
  private textSent = false;
  private filter = new LearningStreamFilter();
  /** Tool calls streamed without a result yet: at the end, the frontend calls the client answers. */
  private open = new Set<string>();
  private learned = new Set<string>();
  /** Steps started and not finished: a run that parks mid-step closes them before it ends. */
  private steps = new Set<string>();

  constructor(
    private readonly threadId: string,
    private readonly runId: string,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  map(e: RunEvent): AguiEvent[] {
    if (this.ended) return [];
    const out = this.start();
    switch (e.type) {
      case 'run_started':
        break;
      case 'step_started':
        if (this.steps.has(e.step)) break;
        this.steps.add(e.step);
        out.push({ type: EventType.STEP_STARTED, stepName: e.step });
        break;
      case 'step_finished':
        if (this.steps.delete(e.step)) out.push({ type: EventType.STEP_FINISHED, stepName: e.step });
        break;
      case 'text_delta':
        this.text(this.filter.push(e.text), out);
        break;
      case 'tool_call_start':
        this.toolCall(e, out);
        break;
      case 'learnings':
        this.learnings(e.outcomes, out);
        break;
      case 'tool_call_end':
        this.open.delete(e.log.toolUseId);
        out.push({
          type: EventType.TOOL_CALL_RESULT,
          messageId: `${this.runId}:tool:${e.log.toolUseId}`,
          toolCallId: e.log.toolUseId,
          role: 'tool',
          content: typeof e.log.output === 'string' ? e.log.output : JSON.stringify(e.log.output ?? null),
        });
        break;
      case 'run_finished':
        out.push(...this.finish(e.result));
        break;
      case 'run_error':
        out.push(...this.fail(e.error));
        break;
    }
    return out;
  }

  /** The terminal events for a result (no-op if the engine already sent run_finished). */
  finish(r: RunResult): AguiEvent[] {
    if (this.ended) return [];
    const out = this.start();
    if (r.status === 'FAILED') return [...out, ...this.fail(r.error ?? { code: 'INTERNAL', message: 'the run failed' })];
    // A non-streaming model (or a resumed run) produced no deltas: send the answer whole.
    if (!this.textSent && !this.messageId && r.answer) this.text(toChatResponse(r).answer, out);
    for (const c of r.clientToolCalls ?? []) if (!this.open.has(c.toolUseId)) this.toolCall(c, out);
    this.closeText(out);
    this.learnings(r.learnings, out);
    this.closeSteps(out);
    this.ended = true;
    const approvals = r.pendingApprovals ?? [];
    const pendingToolCallIds = [...this.open];
    out.push({
      type: EventType.RUN_FINISHED,
      threadId: this.threadId,
      runId: this.runId,
      result: toChatResponse(r),
      outcome:
        r.status === 'AWAITING_APPROVAL' && approvals.length
          ? {
              type: 'interrupt',
              interrupts: approvals.map((a) => ({ id: a.approvalId, reason: a.reason, toolCallId: a.toolUseId, expiresAt: new Date(a.expiresAt).toISOString() })),
            }
          : { type: 'success', ...(pendingToolCallIds.length ? { pendingToolCallIds } : {}) },
    });
    return out;
  }

  fail(error: { code: string; message: string }): AguiEvent[] {
    if (this.ended) return [];
    const out = this.start();
    this.closeText(out);
    this.closeSteps(out);
    this.ended = true;
    out.push({ type: EventType.RUN_ERROR, message: error.message, code: error.code });
    return out;
  }

  private closeSteps(out: AguiEvent[]): void {
    for (const stepName of this.steps) out.push({ type: EventType.STEP_FINISHED, stepName });
    this.steps.clear();
  }

  private toolCall(c: { toolUseId: string; name: string; input: unknown }, out: AguiEvent[]): void {
    const parentMessageId = this.messageId;
    this.closeText(out);
    this.open.add(c.toolUseId);
    out.push(
      { type: EventType.TOOL_CALL_START, toolCallId: c.toolUseId, toolCallName: c.name, ...(parentMessageId ? { parentMessageId } : {}) },
      { type: EventType.TOOL_CALL_ARGS, toolCallId: c.toolUseId, delta: JSON.stringify(c.input ?? {}) },
      { type: EventType.TOOL_CALL_END, toolCallId: c.toolUseId },
    );
  }

  /** Each learning once, as it is written (and any not yet sent, before the run ends). */
  private learnings(outcomes: RunResult['learnings'], out: AguiEvent[]): void {
    for (const l of outcomes) {
      const key = `${l.event}:${l.fact}`;
      if (this.learned.has(key)) continue;
      this.learned.add(key);
      out.push({
        type: EventType.CUSTOM,
        name: LEARNING_EVENT,
        value: { fact: l.fact, event: l.event, ...(l.docId ? { doc_id: l.docId } : {}), ...(l.reason ? { reason: l.reason } : {}) },
      });
    }
  }

  private start(): AguiEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: EventType.RUN_STARTED, threadId: this.threadId, runId: this.runId }];
  }

  private text(delta: string, out: AguiEvent[]): void {
    if (!delta) return;
    if (!this.messageId) {
      this.messageId = `${this.runId}:msg:${++this.messages}`;
      out.push({ type: EventType.TEXT_MESSAGE_START, messageId: this.messageId, role: 'assistant' });
    }
    this.textSent = true;
    out.push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: this.messageId, delta });
  }

  private closeText(out: AguiEvent[]): void {
    // A partial line held back as a possible tag is released (or dropped) at a message boundary.
    this.text(this.filter.flush(), out);
    if (!this.messageId) return;
    out.push({ type: EventType.TEXT_MESSAGE_END, messageId: this.messageId });
    this.messageId = undefined;
  }
}
