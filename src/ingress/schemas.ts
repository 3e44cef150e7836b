import { z } from 'zod';

/**
 * Every request and response body of the HTTP API, as zod schemas. Requests are validated with
 * them (`.strict()`: an unknown field is a 400, not silently dropped, so a typo such as
 * `sesion_id` never starts a fresh session); responses are typed from them; and /openapi.json is
 * generated from both, so the document cannot drift from the code.
 * Wire names are snake_case; times are ISO 8601 strings.
 */

/** Client-chosen ids (sessions) and server ids (runs, learnings) share one safe alphabet. */
export const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');
const NonBlank = (max: number) => z.string().max(max).regex(/\S/, 'must not be blank');
const Time = z.string().describe('ISO 8601 timestamp');
const RunStatus = z.enum(['INITIATED', 'CONTEXT_BUILT', 'REASONING', 'TOOL_EXECUTION_PENDING', 'AWAITING_APPROVAL', 'RESPONDED', 'LEARNING', 'COMPLETED', 'FAILED']);
const Intent = z.enum(['question', 'task', 'feedback', 'clarification', 'chitchat']);
const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired']);
export const DocStatus = z.enum(['active', 'pending', 'superseded', 'deleted', 'rejected']);
export const LearningScope = z.enum(['shared', 'personal']);
export const LearningState = z.enum(['shared', 'personal', 'pending', 'rejected']);

/** Named schemas for the OpenAPI components; our own registry so ids cannot clash with other modules'. */
export const apiSchemas = z.registry<{ id: string }>();

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .register(apiSchemas, { id: 'Error' });

// ---- requests ----

export const ChatRequest = z
  .object({
    session_id: Id,
    message: NonBlank(32_000),
    user_id: Id.optional().describe('if given, must be the authenticated user'),
    async: z.boolean().optional().describe('queue the turn and return 202 with a run_id to poll'),
  })
  .strict()
  .register(apiSchemas, { id: 'ChatRequest' });

export const FeedbackRequest = z
  .object({ run_id: Id, rating: z.enum(['up', 'down']), comment: z.string().max(4000).optional() })
  .strict()
  .register(apiSchemas, { id: 'FeedbackRequest' });

export const ApprovalDecisionRequest = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().max(2000).optional() })
  .strict()
  .register(apiSchemas, { id: 'ApprovalDecisionRequest' });

export const IngestRequest = z
  .object({
    documents: z
      .array(
        z
          .object({
            source_uri: z.string().min(1).max(512).regex(/^(?!learnings\/)[^\s\0]+$/, 'no whitespace; the learnings/ prefix is reserved'),
            text: NonBlank(1_000_000),
            chunking: z
              .enum(['tokens', 'paragraphs'])
              .default('tokens')
              .describe('tokens: fixed windows (512 tokens, 20 % overlap); paragraphs: one chunk per blank-line-separated block (transcripts, FAQs)'),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict()
  .register(apiSchemas, { id: 'IngestRequest' });

export const LearningsQuery = z
  .object({
    status: DocStatus.optional(),
    scope: LearningScope.optional().describe('shared with the tenant, or personal (pending/rejected)'),
    mine: z.enum(['true', 'false']).optional().describe('only the caller\'s own learnings'),
    source: z.string().min(1).max(512).optional().describe('source URI prefix'),
    text: z.string().min(1).max(200).optional().describe('substring of the learning, case-insensitive'),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

export const ApprovalsQuery = z
  .object({
    status: ApprovalStatus.optional(),
    mine: z.enum(['true', 'false']).optional().describe("an approver's own approvals only (approvers see the tenant's by default)"),
  })
  .strict();
export const RunsQuery = z.object({ session_id: Id.optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict();
export const DeleteLearningQuery = z.object({ reason: z.string().min(1).max(500).optional() }).strict();
export const ReviewRequest = z
  .object({ reason: z.string().min(1).max(500).optional().describe('why: kept in the learning\'s history') })
  .strict()
  .register(apiSchemas, { id: 'ReviewRequest' });
export const EmptyQuery = z.object({}).strict();
export const SeriesQuery = z
  .object({
    hours: z.coerce.number().int().min(1).max(24 * 31).optional().describe('how far back (default 24)'),
    buckets: z.coerce.number().int().min(2).max(200).optional().describe('how many points (default 24)'),
  })
  .strict();

// ---- responses ----

const Usage = z.object({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() });

export const LearningOutcome = z.object({
  fact: z.string(),
  event: z.enum(['ADD', 'UPDATE', 'NOOP', 'REJECTED']),
  state: LearningState.describe('shared with the tenant, personal, pending a curator\'s review, or rejected'),
  learning_id: z.string().optional(),
  superseded: z.object({ chunk_id: z.string(), doc_id: z.string() }).optional(),
  reason: z.string().optional(),
  about: z.enum(['user', 'world']).optional().describe("who the fact is about: 'user' facts are kept in the user's own memory (GET /me/memory), never shared"),
  memory_id: z.string().optional(),
});

export const ToolCall = z.object({ tool_call_id: z.string(), name: z.string(), status: z.enum(['success', 'error', 'denied']), latency_ms: z.number() });

export const Approval = z
  .object({
    approval_id: z.string(),
    run_id: z.string(),
    user_id: z.string().optional().describe('who asked for the call'),
    tool: z.string(),
    input: z.unknown(),
    reason: z.string(),
    status: ApprovalStatus,
    created_at: Time,
    expires_at: Time,
    decided_by: z.string().optional(),
    decision_reason: z.string().optional(),
    decided_at: Time.optional(),
  })
  .register(apiSchemas, { id: 'Approval' });

export const ErasureResponse = z
  .object({ erasure_id: z.string(), tenant_id: z.string(), erased_at: z.string(), counts: z.record(z.string(), z.number()).describe('rows removed or scrubbed, per table'), scrubbed: z.boolean().optional().describe('SQLite: the erased bytes also left the database files (secure delete, FTS merge, WAL checkpointed); false when another process held the WAL') })
  .register(apiSchemas, { id: 'ErasureResponse' });

const GuardRecord = z.object({
  action: z.enum(['allow', 'redact', 'hold', 'block']),
  findings: z.array(z.object({ kind: z.string(), category: z.string(), action: z.string(), source: z.string(), via: z.string().optional() })),
  message: z.string().optional(),
});

export const ChatResponse = z
  .object({
    answer: z.string().describe('never contains [LEARNING] lines'),
    session_id: z.string(),
    run_id: z.string(),
    trace_id: z.string(),
    status: RunStatus,
    intent: Intent.nullable(),
    learnings: z.array(LearningOutcome),
    usage: Usage,
    tool_calls: z.array(ToolCall),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    pending_approvals: z.array(Approval).optional(),
    guard: z
      .object({ input: GuardRecord.optional(), output: GuardRecord.optional() })
      .optional()
      .describe('what the guardrails did to the message and the answer: kinds and categories, never the text'),
  })
  .register(apiSchemas, { id: 'ChatResponse' });

export const ChatAccepted = z
  .object({ run_id: z.string(), trace_id: z.string(), session_id: z.string(), status: RunStatus, status_url: z.string() })
  .register(apiSchemas, { id: 'ChatAccepted' });

export const Run = z
  .object({
    run_id: z.string(),
    trace_id: z.string(),
    session_id: z.string(),
    status: RunStatus,
    current_state: z.string(),
    intent: Intent.nullable(),
    attempts: z.number(),
    error_count: z.number(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    steps: z.array(
      z.object({
        step: z.string(),
        attempt: z.number(),
        status: z.enum(['succeeded', 'failed']),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
        started_at: Time,
        finished_at: Time,
        duration_ms: z.number(),
      }),
    ),
    result: ChatResponse.optional(),
    sources: z
      .array(z.object({ id: z.string(), kind: z.enum(['document', 'learning']), source_uri: z.string(), status: z.string(), text: z.string(), score: z.number().optional().describe('best normalised score of its chunks in this run') }))
      .optional()
      .describe('the documents and learnings whose chunks reached the prompt (GET /runs/:id only)'),
    context: z
      .array(z.object({ doc_id: z.string(), chunk_id: z.string(), score: z.number(), raw_score: z.number(), via: z.string(), rank: z.number().optional() }))
      .optional()
      .describe('each knowledge chunk that reached the prompt or a search_knowledge result, with its rank and scores (GET /runs/:id only)'),
    feedback: z
      .array(z.object({ rating: z.enum(['up', 'down']), comment: z.string().optional(), at: Time }))
      .optional()
      .describe("the caller's rating of the run (GET /runs/:id only)"),
    created_at: Time,
    updated_at: Time,
  })
  .register(apiSchemas, { id: 'Run' });

const AttributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]);

export const Span = z
  .object({
    span_id: z.string(),
    parent_span_id: z.string().optional(),
    name: z.string().describe('invoke_agent lore, step <State>, chat <model>, execute_tool <tool>'),
    kind: z.enum(['internal', 'server', 'client', 'producer', 'consumer']),
    start_time: Time,
    end_time: Time.optional().describe('absent while the span is open'),
    duration_ms: z.number().optional(),
    attributes: z.record(z.string(), AttributeValue).describe('gen_ai.* (agent, model, tokens, finish reasons, tool name and call id), http.* (server spans), lore.* (run, step, tool status, cost)'),
    status: z.object({ code: z.enum(['unset', 'ok', 'error']), message: z.string().optional() }),
    events: z.array(z.object({ name: z.string(), time: Time, attributes: z.record(z.string(), AttributeValue).optional() })),
  })
  .register(apiSchemas, { id: 'Span' });

export const RunTrace = z
  .object({
    run_id: z.string(),
    trace_id: z.string(),
    spans: z.array(Span).describe('the run span and everything under it, by start time; empty once the trace has left the in-memory store'),
  })
  .register(apiSchemas, { id: 'RunTrace' });

export const Session = z
  .object({
    session_id: z.string(),
    user_id: z.string(),
    turn_count: z.number(),
    first_at: Time,
    last_at: Time,
    turns: z.array(z.object({ id: z.string(), role: z.enum(['user', 'assistant']), text: z.string(), run_id: z.string().optional(), created_at: Time })),
  })
  .register(apiSchemas, { id: 'Session' });

export const Learning = z
  .object({
    id: z.string(),
    text: z.string(),
    status: DocStatus,
    scope: LearningScope,
    owner: z.string().optional().describe('user who taught it'),
    trust: z.number().describe('0..1, lowered by thumbs-down on answers that used it'),
    source_uri: z.string(),
    superseded_by: z.string().optional(),
    provenance: z.record(z.string(), z.string()),
    created_at: Time,
    updated_at: Time,
  })
  .register(apiSchemas, { id: 'Learning' });

export const LearningDetail = Learning.extend({
  history: z.array(z.object({ action: z.string(), actor: z.string(), at: Time, detail: z.record(z.string(), z.unknown()).optional() })),
}).register(apiSchemas, { id: 'LearningDetail' });

export const LearningList = z.object({ learnings: z.array(Learning) });
export const Me = z.object({ user_id: z.string(), tenant_id: z.string(), roles: z.array(z.string()), curator: z.boolean() }).register(apiSchemas, { id: 'Me' });
export const ApprovalList = z.object({ approvals: z.array(Approval) });
export const RunList = z.object({ runs: z.array(Run) });

export const FeedbackResponse = z
  .object({ feedback_id: z.string(), run_id: z.string(), rating: z.enum(['up', 'down']), comment: z.string().optional(), created_at: Time, updated_at: Time })
  .register(apiSchemas, { id: 'Feedback' });

export const IngestResponse = z.object({ documents: z.array(z.object({ id: z.string(), source_uri: z.string(), status: DocStatus })) });

const HealthReason = z.object({ component: z.string(), reason: z.string(), since: Time.nullable().optional() });
export const Health = z.object({
  status: z.enum(['ok', 'draining', 'degraded']),
  /** Why it is degraded, e.g. {component: "storage", reason: "disk_full"}. */
  reasons: z.array(HealthReason).optional(),
  version: z.string(),
  uptime_seconds: z.number(),
  jobs: z.array(z.object({ name: z.string(), last_run_at: Time.nullable(), last_status: z.string().nullable(), next_run_at: Time.nullable() })),
});
export const Ready = z.object({ status: z.enum(['ready', 'not_ready']), reasons: z.array(HealthReason).optional() });

export type ChatResponseT = z.infer<typeof ChatResponse>;
export type RunT = z.infer<typeof Run>;
export type SpanT = z.infer<typeof Span>;
export type ApprovalT = z.infer<typeof Approval>;
export type LearningT = z.infer<typeof Learning>;
export type SessionT = z.infer<typeof Session>;

const SeriesBucket = z.object({
  start: Time,
  turns: z.number(),
  failed: z.number(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  tokens: z.number(),
  cost_usd: z.number(),
  learning_rate: z.number().nullable().describe('share of finished turns that added or updated a learning'),
  quality: z.number().nullable().describe('mean evaluation quality score of turns judged in the bucket'),
  guard_findings: z.number(),
});
export const SeriesResponse = z
  .object({ bucket_seconds: z.number(), buckets: z.array(SeriesBucket), dlq_depth: z.number().describe('dead-lettered queue messages now') })
  .register(apiSchemas, { id: 'StatsSeries' });

export const DocumentsQuery = z
  .object({
    text: z.string().min(1).max(200).optional().describe('substring of the document, case-insensitive'),
    source: z.string().min(1).max(512).optional().describe('source URI prefix'),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
export const DocumentList = z
  .object({
    documents: z.array(
      z.object({ id: z.string(), source_uri: z.string(), status: z.string(), text: z.string().describe('the first 600 characters'), chars: z.number(), created_at: Time, updated_at: Time }),
    ),
  })
  .register(apiSchemas, { id: 'DocumentList' });
