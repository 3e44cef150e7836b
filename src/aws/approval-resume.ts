import { LoreError } from '../errors.js';
import { AwaitingApproval } from '../workflow/approvals.js';
import { toStatesError } from '../workflow/asl.js';
import { noopStepContext } from '../workflow/step-types.js';
import type { LambdaContainer } from './container.js';

export type ResumeOutcome = 'resumed' | 'failed' | 'waiting' | 'not-parked';

/**
 * Complete a parked AwaitApproval task when nothing is pending any more. Runs the same
 * AwaitApproval step the local engine runs on the parked run data: its output (every decision)
 * becomes the state's result through SendTaskSuccess; an error goes to SendTaskFailure, which the
 * state's Catch routes to HandleError. Called after each decision and right after parking (a
 * decision may land between the step's read and the token being stored). The record is taken
 * before sending, so concurrent callers resume the run once; a send that fails puts it back.
 */
export async function resumeIfDecided(c: Pick<LambdaContainer, 'steps' | 'tokens' | 'sfn'>, runId: string): Promise<ResumeOutcome> {
  const parked = await c.tokens.get(runId);
  if (!parked) return 'not-parked';
  let output: unknown;
  let failure: Error | undefined;
  try {
    output = await c.steps.AwaitApproval!(parked.state, noopStepContext());
  } catch (e) {
    if (e instanceof AwaitingApproval) return 'waiting';
    failure = toStatesError(e);
  }
  const taken = await c.tokens.take(runId);
  if (!taken) return 'not-parked';
  try {
    if (failure) await c.sfn.sendTaskFailure(taken.taskToken, failure.name, failure.message);
    else await c.sfn.sendTaskSuccess(taken.taskToken, output);
  } catch (e) {
    await c.tokens.park(taken);
    throw new LoreError('INTERNAL', `Step Functions did not take the approval result: ${(e as Error).message}`);
  }
  return failure ? 'failed' : 'resumed';
}

/**
 * The decision route on AWS: record the decision on the approval (as `lore approvals approve`
 * does locally), then resume the execution if this was the last decision it waited for.
 */
export async function decideAndResume(
  c: Pick<LambdaContainer, 'steps' | 'tokens' | 'sfn' | 'service'>,
  p: { tenantId: string; approvalId: string; decision: 'approve' | 'reject'; actor: string; reason?: string; userId?: string },
): Promise<{ runId: string; outcome: ResumeOutcome }> {
  const a = await c.service.runs.getApproval({ approvalId: p.approvalId });
  if (!a || a.tenantId !== p.tenantId || (p.userId !== undefined && a.userId !== p.userId)) throw new LoreError('NOT_FOUND', `approval ${p.approvalId} not found`);
  if (a.status !== 'pending') throw new LoreError(a.status === 'expired' ? 'APPROVAL_EXPIRED' : 'CONFLICT', `approval ${p.approvalId} is already ${a.status}`);
  await c.service.runs.decideApproval({
    approvalId: p.approvalId,
    status: p.decision === 'approve' ? 'approved' : 'rejected',
    decidedBy: p.actor,
    ...(p.reason !== undefined ? { decisionReason: p.reason } : {}),
    decidedAt: Date.now(),
  });
  return { runId: a.runId, outcome: await resumeIfDecided(c, a.runId) };
}
