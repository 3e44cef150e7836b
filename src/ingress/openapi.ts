import { z } from 'zod';
import { AguiRunInput } from './agui-input.js';
import { AguiEvent } from './agui-schemas.js';
import * as S from './schemas.js';
import { CorrectMemoryRequest, MemorySchemas as M } from './routes/memory.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what z.toJSONSchema emits; schemas with
 * a `.meta({id})` become shared components.
 */
interface Op {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  /**
   * `schema` is the JSON body (absent for a stream-only route); `sse` the schema of one event of
   * the `text/event-stream` alternative. Each media type has its own schema, so a generated
   * client that picks one (openapi-fetch's media type parameter) gets it typed exactly.
   */
  ok: { status: number; schema?: z.ZodType; description: string; sse?: z.ZodType };
  errors: number[];
  public?: boolean;
}

const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
// 503: STORAGE_UNAVAILABLE (database disk full, I/O error, read-only), with Retry-After.
const E = [400, 401, 404, 413, 429, 503];

const OPS: Op[] = [
  { method: 'post', path: '/chat', summary: 'Run a turn (JSON, AG-UI over SSE with Accept: text/event-stream, or queued with "async": true)', body: S.ChatRequest, ok: { status: 200, schema: S.ChatResponse, description: 'The answer (JSON), or the turn as AG-UI events (text/event-stream)', sse: AguiEvent }, errors: [...E, 403] },
  { method: 'post', path: '/agui', summary: 'AG-UI agent endpoint: a RunAgentInput in, the run as AG-UI events out (threadId is the session; frontend tools, state, context, interrupts and resume)', body: AguiRunInput, ok: { status: 200, description: 'The run as AG-UI events', sse: AguiEvent }, errors: [...E, 409] },
  { method: 'post', path: '/feedback', summary: 'Rate a run (one rating per user per run; again replaces it)', body: S.FeedbackRequest, ok: { status: 201, schema: S.FeedbackResponse, description: 'Stored' }, errors: E },
  { method: 'get', path: '/sessions', summary: "The caller's sessions", ok: { status: 200, schema: z.object({ sessions: z.array(S.Session) }), description: 'Sessions' }, errors: E },
  { method: 'get', path: '/sessions/{id}', summary: 'A session with its recent turns', ok: { status: 200, schema: S.Session, description: 'The session' }, errors: E },
  { method: 'delete', path: '/sessions/{id}', summary: 'Delete a session and its turns', ok: { status: 200, schema: z.object({ session_id: z.string(), deleted_turns: z.number() }), description: 'Deleted' }, errors: E },
  { method: 'get', path: '/runs', summary: "The caller's runs, newest first (steps omitted; see /runs/{id})", query: S.RunsQuery, ok: { status: 200, schema: S.RunList, description: 'Runs' }, errors: E },
  { method: 'get', path: '/runs/{id}', summary: 'A run: status, steps, errors and result', ok: { status: 200, schema: S.Run, description: 'The run' }, errors: E },
  { method: 'get', path: '/stats/series', summary: 'Tenant-wide figures over time (turns, latency, tokens and cost, learning rate, quality, guardrail findings, DLQ depth); curators only', query: S.SeriesQuery, ok: { status: 200, schema: S.SeriesResponse, description: 'The series' }, errors: [...E, 403] },
  { method: 'get', path: '/runs/{id}/trace', summary: "A run's spans (run → steps → model and tool calls) from the server's in-memory trace store", ok: { status: 200, schema: S.RunTrace, description: 'The trace' }, errors: E },
  { method: 'get', path: '/me', summary: 'The caller: user, tenant, roles, and whether they curate learnings', ok: { status: 200, schema: S.Me, description: 'The caller' }, errors: E },
  { method: 'get', path: '/documents', summary: "The tenant's ingested documents (text search, source prefix)", query: S.DocumentsQuery, ok: { status: 200, schema: S.DocumentList, description: 'Documents' }, errors: E },
  { method: 'get', path: '/learnings', summary: "The tenant's shared learnings and the caller's own (curators: all; ?status=pending is the review queue)", query: S.LearningsQuery, ok: { status: 200, schema: S.LearningList, description: 'Learnings' }, errors: E },
  { method: 'get', path: '/learnings/{id}', summary: 'A learning with its history', ok: { status: 200, schema: S.LearningDetail, description: 'The learning' }, errors: E },
  { method: 'delete', path: '/learnings/{id}', summary: 'Delete a learning (reversible)', query: S.DeleteLearningQuery, ok: { status: 200, schema: S.Learning, description: 'Deleted' }, errors: [...E, 403] },
  { method: 'post', path: '/learnings/{id}/restore', summary: 'Restore a deleted learning (own, or any as curator)', ok: { status: 200, schema: S.Learning, description: 'Restored' }, errors: [...E, 403] },
  { method: 'post', path: '/learnings/{id}/approve', summary: 'Curator: share a pending learning with the tenant', body: S.ReviewRequest, ok: { status: 200, schema: S.Learning, description: 'Approved (active, shared)' }, errors: [...E, 403] },
  { method: 'post', path: '/learnings/{id}/reject', summary: 'Curator: reject a pending learning', body: S.ReviewRequest, ok: { status: 200, schema: S.Learning, description: 'Rejected' }, errors: [...E, 403] },
  { method: 'get', path: '/approvals', summary: "The caller's tool-call approvals", query: S.ApprovalsQuery, ok: { status: 200, schema: S.ApprovalList, description: 'Approvals' }, errors: E },
  { method: 'post', path: '/approvals/{id}', summary: 'Approve or reject a paused tool call; the run resumes (JSON, or AG-UI over SSE with Accept: text/event-stream)', body: S.ApprovalDecisionRequest, ok: { status: 200, schema: S.ChatResponse, description: 'The resumed run (JSON), or its continuation as AG-UI events (text/event-stream)', sse: AguiEvent }, errors: [...E, 409, 410] },
  { method: 'post', path: '/ingest', summary: 'Curator: Add or replace documents in the knowledge base', body: S.IngestRequest, ok: { status: 200, schema: S.IngestResponse, description: 'Ingested' }, errors: [...E, 403] },
  { method: 'delete', path: '/users/{id}/data', summary: "Erase a user's turns, sessions, runs, feedback and learnings (the user themself; an audit row records it)", ok: { status: 200, schema: S.ErasureResponse, description: 'Erased' }, errors: [...E, 403] },
  { method: 'get', path: '/me/memory', summary: 'What Lore remembers about the caller: facts about them and their session summaries', ok: { status: 200, schema: M.list, description: 'Memory' }, errors: E },
  { method: 'put', path: '/me/memory/{id}', summary: 'Correct a fact in the caller\'s memory', body: CorrectMemoryRequest, ok: { status: 200, schema: M.fact, description: 'Corrected' }, errors: E },
  { method: 'delete', path: '/me/memory/{id}', summary: 'Forget one fact (by id) or one session summary (by session id)', ok: { status: 200, schema: M.deleted, description: 'Deleted' }, errors: E },
  { method: 'delete', path: '/me/memory', summary: 'Forget everything remembered about the caller', ok: { status: 200, schema: M.forgotten, description: 'Deleted' }, errors: E },
  { method: 'get', path: '/healthz', summary: 'Liveness and status: ok, or degraded with reasons (200); draining (503)', ok: { status: 200, schema: S.Health, description: 'Alive' }, errors: [503], public: true },
  { method: 'get', path: '/readyz', summary: 'Readiness for load balancers: 503 with reasons while draining or storage is failing', ok: { status: 200, schema: S.Ready, description: 'Ready' }, errors: [503], public: true },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format 0.0.4)', ok: { status: 200, schema: z.string(), description: 'Metrics' }, errors: [401], public: true },
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request', 401: 'Missing or invalid token', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
  410: 'Expired', 413: 'Body too large', 429: 'Rate limited', 503: 'Unavailable',
};

let cached: Record<string, unknown> | undefined;

export function openApiDocument(version = '0.1.0'): Record<string, unknown> {
  if (cached) return cached;
  const registry = S.apiSchemas;
  const schemas: Record<string, unknown> = {};
  const conv = (s: z.ZodType, io: 'input' | 'output') => {
    const raw = JSON.stringify(
      z.toJSONSchema(s, {
        io,
        target: 'draft-2020-12',
        unrepresentable: 'any',
        metadata: registry,
        // Names come from our registry; `.describe()` text lives in the global one, so copy it over.
        override: ({ zodSchema, jsonSchema }) => {
          const description = z.globalRegistry.get(zodSchema)?.description;
          if (description && !jsonSchema.description) jsonSchema.description = description;
        },
      }),
    );
    const { $schema: _, ...json } = JSON.parse(raw.replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown> & { $defs?: Record<string, unknown> };
    // Named sub-schemas land in $defs; hoist them into components so every op shares one copy.
    if (json.$defs) Object.assign(schemas, json.$defs);
    delete json.$defs;
    const id = registry.get(s)?.id;
    if (!id) return json;
    // A named root comes back as a $ref to its own $defs entry, already hoisted above.
    if (!json.$ref) schemas[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPS) {
    const params = [...(op.path.match(/\{(\w+)\}/g) ?? []).map((m) => idParam(m.slice(1, -1)))];
    if (op.query) {
      const shape = conv(op.query, 'input') as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) params.push({ name, in: 'query', required: false, schema } as never);
    }
    const ok: Record<string, unknown> = {};
    if (op.ok.schema) Object.assign(ok, op.ok.schema instanceof z.ZodString ? { 'text/plain': { schema: { type: 'string' } } } : { 'application/json': { schema: conv(op.ok.schema, 'output') } });
    // OpenAPI 3.1 has no item schema for streams (3.2's itemSchema): the schema is one event.
    // `x-sse-event`: the schema describes each `data:` line of the stream, not the whole body.
    if (op.ok.sse) ok['text/event-stream'] = { schema: conv(op.ok.sse, 'output'), 'x-sse-event': true };
    const responses: Record<string, unknown> = { [op.ok.status]: { description: op.ok.description, content: ok } };
    // 202: queued ("async": true → ChatAccepted, with status_url) or parked for an approval (a ChatResponse with pending_approvals).
    if (op.path === '/chat') responses['202'] = { description: 'Queued (async: ChatAccepted) or awaiting approval (ChatResponse with pending_approvals)', content: { 'application/json': { schema: { oneOf: [conv(S.ChatResponse, 'output'), conv(S.ChatAccepted, 'output')] } } } };
    for (const st of op.errors) responses[st] = { description: STATUS_TEXT[st] ?? 'Error', content: { 'application/json': { schema: conv(S.ErrorBody, 'output') } } };
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: conv(op.body, 'input') } } } } : {}),
      responses,
      ...(op.public ? { security: [] } : {}),
    };
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'Lore API', version, description: 'A runtime for self-learning AI agents. Errors are {error: {code, message, details}}.' },
    servers: [{ url: '/' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
  return cached;
}
