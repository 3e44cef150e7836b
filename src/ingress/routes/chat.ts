import type { Hono } from 'hono';
import { learningPolicyFrom } from '../../learning/policy-config.js';
import { lowerTrustAfterThumbsDown } from '../../learning/trust.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { LoreError } from '../../errors.js';
import { defaultGuardrail } from '../../guardrails/from-config.js';
import { newId } from '../../util/ids.js';
import type { RunResult } from '../../workflow/types.js';
import type { AppDeps } from '../deps.js';
import { errorResponse, readJson, type Env } from '../http.js';
import { toChatResponse, toFeedback } from '../present.js';
import { ChatRequest, FeedbackRequest } from '../schemas.js';
import { streamRun, wantsEventStream } from '../sse-run.js';
import { checkOwnSession } from './runs.js';

/** A run that failed carries its error code; its HTTP status says the same thing. */
function statusFor(r: RunResult): ContentfulStatusCode {
  if (r.status === 'AWAITING_APPROVAL') return 202;
  if (r.status === 'FAILED') return errorResponse(new LoreError(r.error?.code ?? 'INTERNAL', r.error?.message ?? 'the run failed')).status as ContentfulStatusCode;
  return 200;
}

export function chatRoutes(app: Hono<Env>, deps: AppDeps): void {
  const limit = deps.config.server.bodyLimitBytes;

  app.post('/chat', async (c) => {
    const p = c.get('principal');
    const body = await readJson(c, ChatRequest, limit);
    if (body.user_id !== undefined && body.user_id !== p.userId) {
      throw new LoreError('FORBIDDEN', 'user_id must be the authenticated user (or be left out)');
    }
    // Someone else's session id must not pull their history into this turn.
    await checkOwnSession(deps, p, body.session_id, { allowNew: true });
    const params = { tenantId: p.tenantId, sessionId: body.session_id, userId: p.userId, message: body.message, runId: newId('run'), traceId: c.get('traceId') };

    if (body.async) {
      if (!deps.queue) throw new LoreError('VALIDATION_FAILED', 'asynchronous turns are not enabled on this server');
      const { runId, traceId } = await deps.runner.enqueue(params);
      await deps.queue.send({ body: { kind: 'chat', runId, tenantId: p.tenantId } });
      deps.workers?.notify();
      c.header('location', `/runs/${runId}`);
      return c.json({ run_id: runId, trace_id: traceId, session_id: body.session_id, status: 'INITIATED' as const, status_url: `/runs/${runId}` }, 202);
    }

    // No signal from the connection: a turn is durable work, not a request to abandon when the
    // client hangs up. Shutdown stops runs through the engine (server.ts stopRuns).
    if (wantsEventStream(c.req.header('accept'))) {
      const headers = { 'x-request-id': c.get('requestId'), 'x-trace-id': params.traceId, 'x-content-type-options': 'nosniff' };
      return streamRun(deps, params, (onEvent) => deps.runner.start({ ...params, stream: true, onEvent }), headers);
    }
    const result = await deps.runner.start(params);
    if (result.status === 'FAILED') {
      const e = errorResponse(new LoreError(result.error?.code ?? 'INTERNAL', result.error?.message ?? 'the run failed'));
      return c.json({ error: { ...e.body.error, details: { run_id: result.runId, trace_id: result.traceId, session_id: result.sessionId } } }, statusFor(result));
    }
    return c.json(toChatResponse(result), statusFor(result));
  });

  app.post('/feedback', async (c) => {
    const p = c.get('principal');
    const body = await readJson(c, FeedbackRequest, limit);
    const run = await deps.runner.getRun({ tenantId: p.tenantId, runId: body.run_id, userId: p.userId });
    if (!run || run.userId !== p.userId) throw new LoreError('NOT_FOUND', `run ${body.run_id} not found`);
    const { feedback, created } = await deps.feedback.put({
      tenantId: p.tenantId,
      runId: body.run_id,
      userId: p.userId,
      rating: body.rating,
      // Comments are free text: screened like a message so PII is stored redacted.
      ...(body.comment !== undefined ? { comment: (await (deps.guard ?? defaultGuardrail).screen({ text: body.comment, stage: 'input', tenantId: p.tenantId, userId: p.userId, runId: body.run_id })).text } : {}),
    });
    // A thumbs-down counts against the learnings that were in that answer's prompt.
    if (body.rating === 'down') await lowerTrustAfterThumbsDown({ knowledge: deps.knowledge, policy: learningPolicyFrom(deps.config) }, { tenantId: p.tenantId, runId: body.run_id, userId: p.userId });
    deps.onFeedback?.(body.run_id);
    return c.json(toFeedback(feedback), created ? 201 : 200);
  });
}
