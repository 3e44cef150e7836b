import type { Hono } from 'hono';
import { LoreError } from '../../errors.js';
import type { RunEvent, RunResult } from '../../workflow/types.js';
import { AguiRunInput, decisionOf, loreRunId, turnFromInput } from '../agui-input.js';
import type { AppDeps } from '../deps.js';
import { readJson, type Env } from '../http.js';
import { streamRun } from '../sse-run.js';
import { checkOwnSession } from './runs.js';

/**
 * POST /agui: an AG-UI agent endpoint. Takes a RunAgentInput and streams AG-UI events, so an
 * unmodified AG-UI client (HttpAgent, CopilotKit) can talk to Lore directly.
 *
 * - threadId is the Lore session; the client's runId is the Lore run id (or maps to one).
 * - The client's messages are reconciled with episodic memory (see client-turn.ts): memory keeps
 *   completed turns, the client supplies the exchange in progress (frontend tool results).
 * - `tools` are frontend tools: offered to the model; a call ends the run with the call streamed
 *   (RUN_FINISHED outcome success + pendingToolCallIds), and the next input carries the result.
 * - A tool that needs approval ends the run with an interrupt; `resume` answers it and the parked
 *   run continues in this stream.
 */
export function aguiRoutes(app: Hono<Env>, deps: AppDeps): void {
  const limit = deps.config.server.bodyLimitBytes;

  app.post('/agui', async (c) => {
    const p = c.get('principal');
    const input = await readJson(c, AguiRunInput, limit);
    await checkOwnSession(deps, p, input.threadId, { allowNew: true });
    const ids = { sessionId: input.threadId, runId: input.runId };
    const headers = { 'x-request-id': c.get('requestId'), 'x-trace-id': c.get('traceId'), 'x-content-type-options': 'nosniff' };

    if (input.resume?.length) {
      const mine = await deps.runner.listApprovals({ tenantId: p.tenantId, userId: p.userId });
      const entries = input.resume.map((r) => {
        const a = mine.find((x) => x.approvalId === r.interruptId && x.userId === p.userId);
        if (!a) throw new LoreError('NOT_FOUND', `interrupt ${r.interruptId} not found`);
        if (a.status !== 'pending') throw new LoreError('CONFLICT', `interrupt ${r.interruptId} was already answered (${a.status})`);
        return { approvalId: a.approvalId, ...decisionOf(r) };
      });
      const decide = (e: (typeof entries)[number], live: { stream?: boolean; onEvent?: (ev: RunEvent) => void } = {}): Promise<RunResult> =>
        deps.runner.decideApproval({ tenantId: p.tenantId, approvalId: e.approvalId, decision: e.decision, actor: `user:${p.userId}`, userId: p.userId, ...(e.reason ? { reason: e.reason } : {}), ...live });
      // Every answer but the last only records a decision; the last one lets the run continue here.
      return streamRun(deps, ids, async (onEvent) => {
        for (const e of entries.slice(0, -1)) await decide(e);
        return decide(entries.at(-1)!, { stream: true, onEvent });
      }, headers);
    }

    const { message, client } = turnFromInput(input);
    const params = { tenantId: p.tenantId, sessionId: input.threadId, userId: p.userId, message, runId: loreRunId(input.runId), traceId: c.get('traceId'), client };
    return streamRun(deps, ids, (onEvent) => deps.runner.start({ ...params, stream: true, onEvent }), headers);
  });
}
