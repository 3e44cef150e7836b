import type { HistoryEvent, KnowledgeDoc } from '../memory/knowledge-store.js';
import type { SessionSummary, Turn } from '../memory/session-store.js';
import type { PendingApproval, RunRecord, RunResult } from '../workflow/types.js';
import type { Feedback } from '../learning/feedback-store.js';
import type { SpanRecord } from '../telemetry/span-store.js';
import type { ApprovalT, ChatResponseT, LearningT, RunT, SessionT, SpanT } from './schemas.js';
import { extractLearnings } from '../memory/learning-tags.js';

/** Domain objects → wire shapes (snake_case, ISO times). Only fields a client may see. */

const iso = (ms: number) => new Date(ms).toISOString();

export function toApproval(a: PendingApproval): ApprovalT {
  return {
    approval_id: a.approvalId,
    run_id: a.runId,
    user_id: a.userId,
    tool: a.tool,
    input: a.input,
    reason: a.reason,
    status: a.status,
    created_at: iso(a.createdAt),
    expires_at: iso(a.expiresAt),
    ...(a.decidedBy ? { decided_by: a.decidedBy } : {}),
    ...(a.decisionReason ? { decision_reason: a.decisionReason } : {}),
    ...(a.decidedAt ? { decided_at: iso(a.decidedAt) } : {}),
  };
}

export function toChatResponse(r: RunResult): ChatResponseT {
  return {
    // The engine strips tags already; stripping again costs little and makes the guarantee local.
    answer: /\[learning\]/i.test(r.answer) ? extractLearnings(r.answer).text : r.answer,
    session_id: r.sessionId,
    run_id: r.runId,
    trace_id: r.traceId,
    status: r.status,
    intent: r.intent ?? null,
    learnings: r.learnings.map((l) => ({
      fact: l.fact,
      event: l.event,
      // Outcomes checkpointed before the trust model carry no state: they were shared.
      state: l.state ?? (l.event === 'REJECTED' ? 'rejected' : 'shared'),
      ...(l.docId ? { learning_id: l.docId } : {}),
      ...(l.superseded ? { superseded: { chunk_id: l.superseded.chunkId, doc_id: l.superseded.docId } } : {}),
      ...(l.reason ? { reason: l.reason } : {}),
      ...(l.about ? { about: l.about } : {}),
      ...(l.memoryId ? { memory_id: l.memoryId } : {}),
    })),
    usage: { input_tokens: r.usage.inputTokens, output_tokens: r.usage.outputTokens, total_tokens: r.usage.totalTokens },
    tool_calls: r.toolCalls.map((t) => ({ tool_call_id: t.toolUseId, name: t.name, status: t.status, latency_ms: t.latencyMs })),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    ...(r.pendingApprovals?.length ? { pending_approvals: r.pendingApprovals.map(toApproval) } : {}),
    ...(r.guard ? { guard: r.guard } : {}),
  };
}

export function toRun(r: RunRecord): RunT {
  return {
    run_id: r.runId,
    trace_id: r.traceId,
    session_id: r.sessionId,
    status: r.status,
    current_state: r.currentState,
    intent: r.intent ?? null,
    attempts: r.attempts,
    error_count: r.errorCount,
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    // Step inputs/outputs stay server-side: they hold retrieved context and raw model output.
    steps: r.steps.map((s) => ({
      step: s.step,
      attempt: s.attempt,
      status: s.status,
      ...(s.error ? { error: { code: s.error.code, message: s.error.message } } : {}),
      started_at: iso(s.startedAt),
      finished_at: iso(s.finishedAt),
      duration_ms: s.finishedAt - s.startedAt,
    })),
    ...(r.result ? { result: toChatResponse(r.result) } : {}),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

export function toLearning(d: KnowledgeDoc): LearningT {
  const provenance: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.provenance)) if (typeof v === 'string') provenance[k] = v;
  return {
    id: d.id,
    text: d.text,
    status: d.status,
    scope: d.scope,
    ...(d.ownerId ? { owner: d.ownerId } : {}),
    trust: d.trust,
    source_uri: d.sourceUri,
    ...(d.supersededBy ? { superseded_by: d.supersededBy } : {}),
    provenance,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

export const toHistory = (h: HistoryEvent) => ({ action: h.action, actor: h.actor, at: iso(h.at), ...(h.detail ? { detail: h.detail } : {}) });

export function toSession(s: SessionSummary, turns: Turn[]): SessionT {
  return {
    session_id: s.sessionId,
    user_id: s.userId,
    turn_count: s.turnCount,
    first_at: iso(s.firstAt),
    last_at: iso(s.lastAt),
    turns: turns.map((t) => ({
      id: t.id,
      role: t.role,
      text: t.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('\n'),
      ...(t.runId ? { run_id: t.runId } : {}),
      created_at: iso(t.createdAt),
    })),
  };
}

export const toFeedback = (f: Feedback) => ({
  feedback_id: f.id,
  run_id: f.runId,
  rating: f.rating,
  ...(f.comment !== undefined ? { comment: f.comment } : {}),
  created_at: iso(f.createdAt),
  updated_at: iso(f.updatedAt),
});

/**
 * The spans of one run: its run span(s) (a resumed run has one per execution) and their
 * descendants. A trace id can be shared by several runs (a client may send one traceparent for
 * many requests), so the trace is cut down to this run's subtree.
 */
export function runSpans(runId: string, trace: SpanRecord[]): SpanT[] {
  const keep = new Set(trace.filter((s) => s.attributes['lore.run.id'] === runId).map((s) => s.spanId));
  // Spans come ordered by start time, so a parent is seen before its children.
  for (const s of trace) if (s.parentSpanId && keep.has(s.parentSpanId)) keep.add(s.spanId);
  return trace.filter((s) => keep.has(s.spanId)).map(toSpan);
}

function toSpan(s: SpanRecord): SpanT {
  return {
    span_id: s.spanId,
    ...(s.parentSpanId ? { parent_span_id: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    start_time: iso(Math.round(s.startTime)),
    ...(s.endTime !== undefined ? { end_time: iso(Math.round(s.endTime)) } : {}),
    ...(s.durationMs !== undefined ? { duration_ms: Math.round(s.durationMs * 1000) / 1000 } : {}),
    attributes: s.attributes as SpanT['attributes'],
    status: s.status,
    events: s.events.map((e) => ({ name: e.name, time: iso(Math.round(e.time)), ...(e.attributes ? { attributes: e.attributes as SpanT['attributes'] } : {}) })),
  };
}
