import { AwaitingApproval } from '../workflow/approvals.js';
import { toStatesError } from '../workflow/asl.js';
import { turnWorkflow } from '../workflow/definition.js';
import { noopStepContext } from '../workflow/step-types.js';
import { resumeIfDecided } from './approval-resume.js';
import type { LambdaContainer } from './container.js';
import { emfLine, stdoutSink, type MetricSink } from './emf.js';
import { parseParkedEvent, parseRunData } from './run-event.js';

export type StepLambda = (event: unknown) => Promise<unknown>;

/**
 * The Lambda behind one Task state of toAsl()'s machine: the run data in, the step's output out
 * (Step Functions stores it at the state's ResultPath). Errors leave with `name` = ErrorCode,
 * which Lambda reports as errorType and the state's Retry/Catch match.
 *
 * AwaitApproval is invoked through `lambda:invoke.waitForTaskToken`: it records the approvals, parks
 * the task token with the run data and returns; the execution waits until the decision path calls
 * SendTaskSuccess (see approval-resume.ts). Its return value is ignored by Step Functions.
 */
export function createStepLambda(stateName: string, container: () => Promise<LambdaContainer>, metrics: MetricSink = stdoutSink): StepLambda {
  const state = turnWorkflow.states[stateName];
  if (!state || state.type !== 'task') throw new Error(`"${stateName}" is not a task state of ${turnWorkflow.name}`);
  if (!state.waitForApproval) {
    return async (event) => {
      const t0 = performance.now();
      try {
        const c = await container();
        const out = await c.steps[stateName]!(parseRunData(event), noopStepContext());
        metrics(emfLine({ StepDuration: { value: performance.now() - t0, unit: 'Milliseconds' }, ...learningsOf(out) }, { Step: stateName }));
        return out;
      } catch (e) {
        throw toStatesError(e);
      }
    };
  }
  return async (event) => {
    try {
      const c = await container();
      const { state: data, taskToken } = parseParkedEvent(event);
      try {
        // Every call already decided (a re-entry after a resumed Reason asked again): complete now.
        const output = await c.steps[stateName]!(data, noopStepContext());
        await c.sfn.sendTaskSuccess(taskToken, output);
        return { parked: false };
      } catch (e) {
        if (!(e instanceof AwaitingApproval)) throw e;
        await c.tokens.park({ runId: data.input.runId, tenantId: data.input.tenantId, taskToken, state: data, parkedAt: Date.now() });
        // A decision that landed before the token was stored found nothing to resume: check again.
        const outcome = await resumeIfDecided(c, data.input.runId);
        return { parked: outcome === 'waiting', approvals: e.approvals.map((a) => a.approvalId) };
      }
    } catch (e) {
      throw toStatesError(e);
    }
  };
}


/** UpdateKnowledge's written learnings (the learning-rate anomaly alarm watches this). */
function learningsOf(out: unknown): { LearningsWritten?: { value: number; unit: 'Count' } } {
  const outcomes = (out as { outcomes?: Array<{ event?: string }> } | null)?.outcomes;
  if (!Array.isArray(outcomes)) return {};
  return { LearningsWritten: { value: outcomes.filter((o) => o.event === 'ADD' || o.event === 'UPDATE').length, unit: 'Count' } };
}
