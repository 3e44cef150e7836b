import type { Hono } from 'hono';
import type { SessionSummary } from '../../memory/session-store.js';
import type { Principal } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { notFound, pathId, readJson, readQuery, type Env } from '../http.js';
import { runSpans, toApproval, toChatResponse, toRun, toSession } from '../present.js';
import { ApprovalDecisionRequest, ApprovalsQuery, EmptyQuery, RunsQuery } from '../schemas.js';
import { streamRun, wantsEventStream } from '../sse-run.js';
import type { RunEvent } from '../../workflow/types.js';
import { learningVisibleTo } from '../../learning/visibility.js';

/**
 * The session if the caller owns it. Another user's session is reported exactly like a missing
 * one (404), so ids cannot be probed for existence.
 */
export async function ownSession(deps: AppDeps, p: Principal, sessionId: string): Promise<SessionSummary> {
  const s = await deps.sessions.getSession({ tenantId: p.tenantId, sessionId });
  if (!s || s.userId !== p.userId) throw notFound('session', sessionId);
  return s;
}

/** ownSession without reading the summary; `allowNew` lets a turn start a session nobody has yet. */
export async function checkOwnSession(deps: AppDeps, p: Principal, sessionId: string, opts: { allowNew?: boolean } = {}): Promise<void> {
  const owner = await deps.sessions.sessionOwner({ tenantId: p.tenantId, sessionId });
  if (owner === null ? !opts.allowNew : owner !== p.userId) throw notFound('session', sessionId);
}

/** Characters of each source's text shown by GET /runs/:id. */
const SOURCE_TEXT = 400;

/** Turns shown by GET /sessions/:id; older ones are still stored until their TTL. */
const SESSION_TURNS = 200;

export function runRoutes(app: Hono<Env>, deps: AppDeps): void {
  const limit = deps.config.server.bodyLimitBytes;

  app.get('/sessions', async (c) => {
    const p = c.get('principal');
    readQuery(c, EmptyQuery);
    const list = await deps.sessions.listSessions({ tenantId: p.tenantId, userId: p.userId, limit: 100 });
    return c.json({ sessions: list.map((s) => toSession(s, [])) });
  });

  app.get('/sessions/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'session');
    const s = await ownSession(deps, p, id);
    const turns = await deps.sessions.recentTurns({ tenantId: p.tenantId, sessionId: id, limit: SESSION_TURNS });
    return c.json(toSession(s, turns));
  });

  app.delete('/sessions/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'session');
    await checkOwnSession(deps, p, id);
    const deleted = await deps.sessions.deleteSession({ tenantId: p.tenantId, sessionId: id });
    // Deleting a conversation deletes what was remembered of it too.
    await deps.memory?.store.deleteSummary({ tenantId: p.tenantId, userId: p.userId, sessionId: id });
    return c.json({ session_id: id, deleted_turns: deleted });
  });

  // The caller's runs, newest first (scheduled turns included): summaries; GET /runs/:id has the steps.
  app.get('/runs', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, RunsQuery);
    if (!deps.runner.listRuns) return c.json({ runs: [] });
    const list = await deps.runner.listRuns({ tenantId: p.tenantId, userId: p.userId, limit: q.limit ?? 50, ...(q.session_id ? { sessionId: q.session_id } : {}) });
    return c.json({ runs: list.filter((r) => r.userId === p.userId).map(toRun) });
  });

  app.get('/runs/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'run');
    const run = await deps.runner.getRun({ tenantId: p.tenantId, runId: id, userId: p.userId });
    // Checked here as well as in the engine: this is the line that keeps users apart.
    if (!run || run.userId !== p.userId || run.tenantId !== p.tenantId) throw notFound('run', id);
    // Which long-term memory reached the run's prompt (session summary, user facts, past sessions).
    const memory = deps.memory ? await deps.memory.store.runMemory({ tenantId: p.tenantId, runId: id }) : [];
    // Which knowledge chunks reached the prompt, with the scores they were ranked by.
    const chunks = await deps.knowledge.runContextChunks({ tenantId: p.tenantId, runId: id });
    const best = new Map<string, number>();
    for (const x of chunks) best.set(x.docId, Math.max(best.get(x.docId) ?? 0, x.score));
    // Which documents and learnings reached the prompt (the console shows them under the answer);
    // a learning the caller may not see is left out, as everywhere else.
    const sources = [];
    const visible = new Set<string>();
    for (const docId of await deps.knowledge.runContext({ tenantId: p.tenantId, runId: id })) {
      const d = await deps.knowledge.getDocument({ tenantId: p.tenantId, id: docId });
      if (!d || (d.kind === 'learning' && !learningVisibleTo(p, d))) continue;
      visible.add(d.id);
      sources.push({ id: d.id, kind: d.kind, source_uri: d.sourceUri, status: d.status, text: d.text.slice(0, SOURCE_TEXT), ...(best.has(d.id) ? { score: best.get(d.id) } : {}) });
    }
    const context = chunks
      .filter((x) => visible.has(x.docId))
      .map((x) => ({ doc_id: x.docId, chunk_id: x.chunkId, score: x.score, raw_score: x.rawScore, via: x.via, ...(x.rank ? { rank: x.rank } : {}) }));
    // The caller's own rating of the run (one per user per run).
    const feedback = (await deps.feedback.list({ tenantId: p.tenantId, runId: id }))
      .filter((f) => f.userId === p.userId)
      .map((f) => ({ rating: f.rating, ...(f.comment ? { comment: f.comment } : {}), at: new Date(f.updatedAt).toISOString() }));
    return c.json({ ...toRun(run), memory, sources, context, feedback });
  });

  app.get('/runs/:id/trace', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'run');
    const run = await deps.runner.getRun({ tenantId: p.tenantId, runId: id, userId: p.userId });
    if (!run || run.userId !== p.userId || run.tenantId !== p.tenantId) throw notFound('run', id);
    const spans = deps.traces ? runSpans(id, await deps.traces.getTrace(run.traceId)) : [];
    return c.json({ run_id: id, trace_id: run.traceId, spans });
  });

  app.get('/approvals', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, ApprovalsQuery);
    // An approver (auth.approverRole, or a curator) sees the tenant's approvals; anyone else their own.
    const mine = !p.approver || q.mine === 'true';
    const list = await deps.runner.listApprovals({ tenantId: p.tenantId, ...(mine ? { userId: p.userId } : {}), ...(q.status ? { status: q.status } : {}) });
    return c.json({ approvals: list.filter((a) => a.tenantId === p.tenantId && (!mine || a.userId === p.userId)).map(toApproval) });
  });

  app.post('/approvals/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'approval');
    const body = await readJson(c, ApprovalDecisionRequest, limit);
    // Look it up first so another user's approval is a 404 whatever the engine would say. One
    // indexed read: listing the user's approvals here (capped at 1000, oldest first) made every
    // decision slower as approvals piled up and, past 1000, new approvals undecidable (404).
    const approval = await deps.runner.getApproval({ tenantId: p.tenantId, approvalId: id, ...(p.approver ? {} : { userId: p.userId }) });
    if (!approval) throw notFound('approval', id);
    const decide = (live: { stream?: boolean; onEvent?: (e: RunEvent) => void } = {}) =>
      deps.runner.decideApproval({
        tenantId: p.tenantId,
        approvalId: id,
        decision: body.decision,
        actor: `user:${p.userId}`,
        userId: approval.userId,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...live,
      });
    // Streaming shows the run continuing (tool result, answer) as it happens. A decision that
    // cannot be taken (already decided, expired) stays a plain JSON error.
    if (wantsEventStream(c.req.header('accept')) && approval.status === 'pending' && approval.expiresAt > Date.now()) {
      const run = await deps.runner.getRun({ tenantId: p.tenantId, runId: approval.runId, userId: approval.userId });
      if (run) {
        const headers = { 'x-request-id': c.get('requestId'), 'x-trace-id': run.traceId, 'x-content-type-options': 'nosniff' };
        return streamRun(deps, run, (onEvent) => decide({ stream: true, onEvent }), headers);
      }
    }
    return c.json(toChatResponse(await decide()));
  });
}
