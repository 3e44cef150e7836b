import { buildTurnContext, guardOf, handleResponse, turnTtlSeconds, updateKnowledge } from '../agent/turn.js';
import { contextChunks } from '../memory/knowledge-store.js';
import { LearningStreamFilter } from '../memory/learning-tags.js';
import { honestAnswer, isQuestion } from '../learning/claims.js';
import { learningNotice } from '../learning/policy.js';
import { lowerTrustAfterThumbsDown } from '../learning/trust.js';
import { httpStatusFor, LoreError, type ErrorCode } from '../errors.js';
import { recordGuardSpan } from '../guardrails/instrument.js';
import { emptyUsage } from '../models/types.js';
import { awaitApprovalStep } from './approvals.js';
import { guardRecord, inputVerdict, refusalAnswer, withheldUserTurn } from './guard-step.js';
import { feedbackAnswer, feedbackSentiment, routeIntent, validateMessage } from './intent.js';
import { agentResultOf, reasonStep } from './reason-step.js';
import type { ContextOutput, DispatchOutput, FailureOutput, FeedbackOutput, KnowledgeOutput, ResponseOutput, RunData } from './run-data.js';
import type { StepContext, StepDeps, StepHandler } from './step-types.js';
import { referenceStatic } from './static-refs.js';

/**
 * The task states' implementations, keyed by state name. They read the run data and return their
 * output; all persistence they do is idempotent per run (turns by (runId, role), learnings by
 * deterministic ids, feedback by run id, tools by the ledger), which is what makes re-running a
 * step after a crash safe. The local engine calls them directly; asl.ts binds them as Lambdas.
 */
export function createStepHandlers(deps: StepDeps): Record<string, StepHandler> {
  const { turn, runs } = deps;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new LoreError('INTERNAL', `workflow data is missing ${what}`);
    return v;
  };

  const Dispatch = async (data: RunData, ctx: StepContext): Promise<DispatchOutput> => {
    const { input } = data;
    const message = validateMessage(input.message);
    const cached = deps.inputVerdict?.(input.runId);
    const verdict = await inputVerdict(turn, input, cached, ctx.signal);
    // Reached when the run was created, before its span existed: recorded on the Dispatch span now.
    if (cached?.findings.length) recordGuardSpan('input', cached, guardOf(turn).name);
    const guard = verdict.findings.length || verdict.action !== 'allow' ? guardRecord(verdict) : undefined;
    if (guard && (verdict.action === 'block' || verdict.action === 'hold')) {
      const kinds = [...new Set(guard.findings.map((f) => f.kind))];
      const categories = [...new Set(guard.findings.map((f) => f.category))];
      deps.operator({ type: 'guardrail_flagged', runId: input.runId, tenantId: input.tenantId, userId: input.userId, stage: 'input', action: verdict.action, kinds, categories, at: deps.now() });
    }
    if (verdict.action === 'block') return { intent: 'question', usage: emptyUsage(), blocked: true, ...(guard ? { guard } : {}) };
    const { source, ...routed } = await routeIntent(turn.provider, message, turn.settings.intent ?? 'rules', ctx.signal);
    return { ...routed, intentSource: source, blocked: false, ...(guard ? { guard } : {}) };
  };

  /** A blocked message: a safe answer, recorded in the session without the message itself. */
  const Refuse = async (data: RunData, ctx: StepContext): Promise<ResponseOutput> => {
    const { input } = data;
    const guard = need(data.dispatch?.guard, 'the input guardrail verdict');
    const answer = refusalAnswer(guard);
    const base = { tenantId: input.tenantId, sessionId: input.sessionId, userId: input.userId, traceId: input.traceId, runId: input.runId, ttlSeconds: turnTtlSeconds(turn, input.tenantId), inputTokens: 0, outputTokens: 0 };
    // Idempotent per run: commits with this step's checkpoint.
    ctx.defer(turn.sessions.appendTurns({ turns: [{ ...base, role: 'user', content: [{ text: withheldUserTurn(guard) }] }, { ...base, role: 'assistant', content: [{ text: answer }] }] }));
    return { answer, learnings: [], hasLearnings: false, guard };
  };

  const RecordFeedback = async (data: RunData, ctx: StepContext): Promise<FeedbackOutput> => {
    const { input } = data;
    const target = await runs.latestRun({ tenantId: input.tenantId, sessionId: input.sessionId, excludeRunId: input.runId });
    const sentiment = feedbackSentiment(input.message);
    await runs.recordFeedback({
      feedback: {
        feedbackId: `fb_${input.runId}`,
        tenantId: input.tenantId,
        sessionId: input.sessionId,
        userId: input.userId,
        runId: input.runId,
        targetRunId: target?.runId ?? null,
        message: input.message,
        sentiment,
        createdAt: deps.now(),
      },
    });
    if (sentiment === 'negative' && target) {
      await lowerTrustAfterThumbsDown({ knowledge: turn.knowledge, policy: turn.learning }, { tenantId: input.tenantId, runId: target.runId, userId: input.userId });
    }
    const answer = feedbackAnswer(sentiment, !!target);
    const base = { tenantId: input.tenantId, sessionId: input.sessionId, userId: input.userId, traceId: input.traceId, runId: input.runId, ttlSeconds: turnTtlSeconds(turn, input.tenantId), inputTokens: 0, outputTokens: 0 };
    ctx.defer(turn.sessions.appendTurns({ turns: [{ ...base, role: 'user', content: [{ text: input.message }] }, { ...base, role: 'assistant', content: [{ text: answer }] }] }));
    return { answer, targetRunId: target?.runId ?? null, sentiment };
  };

  const BuildContext = async (data: RunData, step: StepContext): Promise<ContextOutput> => {
    const ctx = await buildTurnContext(turn, data.input);
    // Which knowledge reached this prompt: a thumbs-down on the answer lowers those learnings' trust.
    // With the chunks and their scores, for GET /runs/:id and the console. And which long-term
    // memory (summary, user facts, past sessions): GET /runs/:id shows both. Audit rows, idempotent
    // per run: not a durable point, they commit with the run's checkpoints (StepContext.defer).
    const { tenantId, runId, userId } = data.input;
    step.defer(turn.knowledge.recordRunContext({ tenantId, runId, docIds: ctx.retrieved.map((h) => h.docId), chunks: contextChunks(ctx.retrieved, 'context') }));
    if (turn.memory && ctx.memory.length) step.defer(turn.memory.store.recordRunMemory({ tenantId, runId, userId, refs: ctx.memory }));
    return { system: referenceStatic(ctx.system, turn.settings.systemPrompt), messages: ctx.messages, retrieved: ctx.retrieved.length };
  };

  const Reason = (data: RunData, ctx: StepContext) => reasonStep(deps, data, ctx);

  const AwaitApproval = (data: RunData) =>
    awaitApprovalStep(
      {
        runs,
        now: deps.now,
        ttlSeconds: deps.approvals.ttlSeconds,
        onRequested: (approvals) => deps.operator({ type: 'approval_requested', runId: data.input.runId, tenantId: data.input.tenantId, approvals, at: deps.now() }),
      },
      data,
    );

  const HandleResponse = async (data: RunData, ctx: StepContext): Promise<ResponseOutput> => {
    const reasoned = need(data.reason, 'the Reason output');
    // The session turns are idempotent per run: they commit with this step's checkpoint, not before it.
    const handled = await handleResponse(turn, data.input, agentResultOf(reasoned), ctx.defer);
    // PII the Reason step already masked is part of the output verdict too.
    const out = { ...handled, ...(handled.guard ?? reasoned.outputGuard ? { guard: handled.guard ?? reasoned.outputGuard } : {}) };
    if (out.guard && (out.guard.action === 'block' || out.guard.action === 'hold')) {
      const { input } = data;
      const kinds = [...new Set(out.guard.findings.map((f) => f.kind))];
      const categories = [...new Set(out.guard.findings.map((f) => f.category))];
      deps.operator({ type: 'guardrail_flagged', runId: input.runId, tenantId: input.tenantId, userId: input.userId, stage: 'output', action: out.guard.action, kinds, categories, at: deps.now() });
    }
    return {
      answer: out.answer,
      learnings: out.learnings,
      hasLearnings: out.learnings.length > 0,
      ...(out.error ? { error: out.error } : {}),
      ...(out.guard ? { guard: out.guard } : {}),
    };
  };

  const UpdateKnowledge = async (data: RunData, ctx: StepContext): Promise<KnowledgeOutput> => {
    const learnings = need(data.response, 'the HandleResponse output').learnings;
    const outcomes = await updateKnowledge(turn, data.input, learnings, ctx.signal, undefined, data.dispatch?.guard);
    const notice = learningNotice(outcomes);
    // The model's reply may not claim a memory the outcomes do not back (learning/claims.ts).
    const said = need(data.response, 'the HandleResponse output').answer;
    const stored = outcomes.some((o) => o.event === 'ADD' || o.event === 'UPDATE' || o.state === 'pending');
    const answer = honestAnswer(said, { stored, statement: !isQuestion(data.input.message) });
    // The stored answer says what became of its learnings too (the next turn's history, GET /sessions).
    if (notice || answer !== said) ctx.defer(turn.sessions.setTurnText({ tenantId: data.input.tenantId, runId: data.input.runId, role: 'assistant', text: [answer, notice].filter(Boolean).join('\n\n') }));
    // A streaming client saw the model's text already; the learnings' fate is its last words.
    if (notice && ctx.stream) ctx.emit({ type: 'text_delta', text: `${separatorAfter(data.reason?.text ?? '')}${notice}` });
    return { outcomes, ...(notice ? { notice } : {}), ...(answer !== said ? { answer } : {}) };
  };

  const HandleError = async (data: RunData, ctx: StepContext): Promise<FailureOutput> => {
    const error = caughtError(data.error);
    const { input } = data;
    deps.operator({
      type: 'run_failed',
      runId: input.runId,
      tenantId: input.tenantId,
      sessionId: input.sessionId,
      userId: input.userId,
      ...(ctx.failedState ? { state: ctx.failedState } : {}),
      error,
      at: deps.now(),
    });
    return { ...error, answer: failureAnswer(error.code) };
  };

  return { Dispatch, Refuse, RecordFeedback, BuildContext, Reason, AwaitApproval, HandleResponse, UpdateKnowledge, HandleError };
}

/**
 * What to stream before the notice so the streamed text reads like the stored answer (one blank
 * line): the model's text, as it was streamed without its [LEARNING] lines, may end in newlines.
 */
function separatorAfter(raw: string): string {
  const filter = new LearningStreamFilter();
  const streamed = filter.push(raw) + filter.flush();
  if (!streamed.trim()) return '';
  const trailing = /\n*$/.exec(streamed.replace(/[ \t]+$/, ''))![0].length;
  return '\n'.repeat(Math.max(0, 2 - trailing));
}

const isErrorCode = (s: unknown): s is ErrorCode => typeof s === 'string' && s in httpStatusFor;

/** `{Error, Cause}` from a Catch; a Lambda's Cause is a JSON string holding errorMessage. */
export function caughtError(e: RunData['error']): { code: ErrorCode; message: string } {
  if (!e) return { code: 'INTERNAL', message: 'the run failed without an error record' };
  let message = e.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // a plain message
  }
  return { code: isErrorCode(e.Error) ? e.Error : 'INTERNAL', message: message || e.Error };
}

export function failureAnswer(code: ErrorCode): string {
  if (code === 'MODEL_THROTTLED' || code === 'MODEL_TIMEOUT' || code === 'MODEL_UNAVAILABLE') {
    return 'Sorry — the model is unavailable right now, so I could not answer. Please try again in a moment.';
  }
  if (code === 'VALIDATION_FAILED' || code === 'PAYLOAD_TOO_LARGE') return 'Sorry — I could not process that message. Please check it and try again.';
  return `Sorry — something went wrong and I could not complete this turn (${code}). An operator has been notified.`;
}
