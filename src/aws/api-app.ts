import type { Hono } from 'hono';
import { createApp } from '../ingress/app.js';
import type { Env } from '../ingress/http.js';
import { CHAT_QUEUE, decodeChatJob, type ChatJob } from '../jobs/queue.js';
import { emptyUsage } from '../models/types.js';
import type { TurnRunner } from '../workflow/types.js';
import { decideAndResume } from './approval-resume.js';
import type { LambdaContainer } from './container.js';

/**
 * The same Hono app `lore serve` runs, wired for Lambda. Interactive turns (`POST /chat`, streamed
 * through the function URL) run in this function on the shared engine and step handlers; a decision
 * on an approval records it and completes the parked Step Functions task (SendTaskSuccess), since
 * on AWS the waiting run lives in its execution. Authentication happens twice on purpose: API
 * Gateway's JWT authorizer rejects bad tokens before a Lambda is billed, and the app still
 * derives tenant and user from the verified claims (config.auth) as it does everywhere else.
 * Queued turns (`"async": true`) go to the backend's chat queue — SQS on AWS, named as the stack
 * creates it — whose consumer function starts the run's Step Functions execution.
 */
export function createLambdaApp(c: LambdaContainer): Hono<Env> {
  const { rt, service } = c;
  const runner: TurnRunner = {
    start: (p) => service.start(p),
    enqueue: (p) => service.enqueue(p),
    resume: (id, o) => service.resume(id, o),
    recoverInFlight: () => service.recoverInFlight(),
    getRun: (p) => service.getRun(p),
    ...(service.listRuns ? { listRuns: service.listRuns.bind(service) } : {}),
    listApprovals: (p) => service.listApprovals(p),
    getApproval: (p) => service.getApproval(p),
    async decideApproval(p) {
      const parked = await c.tokens.get((await service.runs.getApproval({ approvalId: p.approvalId }))?.runId ?? '');
      // A run the in-process engine parked (an interactive turn) resumes here as it does locally.
      if (!parked) return service.decideApproval(p);
      const { runId } = await decideAndResume(c, p);
      const run = await service.getRun({ tenantId: p.tenantId, runId });
      return { runId, traceId: parked.state.input.traceId, sessionId: parked.state.input.sessionId, status: run?.status ?? 'REASONING', answer: '', learnings: [], toolCalls: [], usage: emptyUsage(), iterations: 0 };
    },
  };
  return createApp({
    config: rt.config,
    runner,
    sessions: rt.sessions,
    knowledge: rt.knowledge,
    guard: rt.guard,
    memory: rt.memory,
    feedback: rt.backend.feedback,
    // Backends open queues lazily (an SQS queue looks its URLs up on first use).
    queue: rt.backend.queue<ChatJob>({ name: CHAT_QUEUE, decode: decodeChatJob }),
    traces: rt.tracing.spans,
    metrics: rt.metrics,
    tracer: rt.tracing.tracer,
    logger: rt.logger,
    // The web console is not part of the function's bundle; '' serves no static files.
    webRoot: '',
  });
}

