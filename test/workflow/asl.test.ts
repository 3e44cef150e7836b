import './asl-polyfill.js';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TurnInput } from '../../src/agent/turn.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import type { ModelProvider } from '../../src/models/provider.js';
import { defaultPolicies } from '../../src/workflow/approvals.js';
import { taskHandlersFor, toAsl } from '../../src/workflow/asl.js';
import { turnWorkflow } from '../../src/workflow/definition.js';
import type { OperatorEvent } from '../../src/workflow/operator.js';
import { createStepHandlers } from '../../src/workflow/steps.js';
import type { PendingApproval, RunResult } from '../../src/workflow/types.js';
import { flakyProvider, isReasonRequest, makeHarness, refundTool, tempDir, T, type Harness } from './fixtures.js';
import { settleExecution } from './asl-execution.js';

const PREFIX = 'arn:aws:lambda:us-east-1:123456789012:function:lore-';
const asl = toAsl(turnWorkflow, { resourcePrefix: PREFIX, approvalTimeoutSeconds: 3600 });
// The runner annotates the definition it is given (QueryLanguage), so each gets its own copy.
const machine = () => new StateMachine(structuredClone(asl) as unknown as StateMachineDefinition);
const taskStates = new Set(Object.entries(asl.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n));

interface AslOutcome {
  result: RunResult;
  /** Task states that finished, in order (retried attempts excluded). */
  path: string[];
  retried: string[];
  operator: OperatorEvent[];
}

/** Run the emitted ASL in aws-local-stepfunctions with every Task bound to the local step handler. */
async function runAsl(h: Harness, input: TurnInput, opts: { onApproval?: (pending: PendingApproval[]) => Promise<void> } = {}): Promise<AslOutcome> {
  const operator: OperatorEvent[] = [];
  const handlers = createStepHandlers({
    turn: h.rt.turnDeps,
    runs: h.runs,
    approvals: { ttlSeconds: 3600, policies: defaultPolicies(1000) },
    now: Date.now,
    operator: (e) => operator.push(e),
  });
  const sm = machine();
  const local = taskHandlersFor(turnWorkflow, handlers, { waitForTaskToken: async (_token, pending) => opts.onApproval?.(pending) });
  const execution = sm.run({ input } as never, {
    overrides: {
      taskResourceLocalHandlers: local as never,
      // Skip the real 1 s / 2 s backoff waits; the retry itself still happens.
      retryIntervalOverrides: Object.fromEntries([...taskStates].map((n) => [n, 0])),
    },
    // .waitForTaskToken is not native to the local runner: the token comes from the context.
    context: { Task: { Token: `token-${input.runId}` } } as never,
  });
  const { result, path, retried } = await settleExecution(execution, taskStates, input);
  return { result, path, retried, operator };
}

const comparable = (r: RunResult) => ({
  status: r.status,
  intent: r.intent,
  answer: r.answer,
  learnings: r.learnings.map((l) => [l.event, l.fact]),
  toolCalls: r.toolCalls.map((c) => [c.name, c.status, c.input]),
  error: r.error?.code,
});

describe('the workflow as Amazon States Language', () => {
  let tmp: ReturnType<typeof tempDir>;
  const open: Harness[] = [];
  const harness = (name: string, provider?: ModelProvider, tools = [refundTool([])]) => {
    const h = makeHarness({ dbPath: join(tmp.dir, `${name}.db`), tools, ...(provider ? { provider } : {}) });
    open.push(h);
    return h;
  };
  const turn = (runId: string, message: string, sessionId = 'S'): TurnInput => ({ runId, traceId: `trace-${runId}`, tenantId: T.tenantId, userId: T.userId, sessionId, message });

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    tmp.cleanup();
  });

  it('emits a valid state machine: Lambda tasks per step, the Choices, Retry/Catch from the policies, waitForTaskToken', () => {
    // The constructor validates the definition (asl-validator) and throws on an invalid one.
    expect(machine).not.toThrow();
    expect(asl.StartAt).toBe('Dispatch');
    expect(asl.States.Reason).toMatchObject({
      Type: 'Task',
      Resource: `${PREFIX}Reason`,
      ResultPath: '$.reason',
      Next: 'NeedsApproval',
      Retry: [{ ErrorEquals: ['MODEL_THROTTLED', 'MODEL_TIMEOUT', 'MODEL_UNAVAILABLE'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }, expect.anything()],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'HandleError', ResultPath: '$.error' }],
    });
    expect(asl.States.HasLearnings).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.response.hasLearnings', BooleanEquals: true, Next: 'UpdateKnowledge' }], Default: 'Done' });
    expect(asl.States.RouteIntent).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.dispatch.intent', StringEquals: 'feedback', Next: 'RecordFeedback' }] });
    expect(asl.States.AwaitApproval).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: `${PREFIX}AwaitApproval`, Payload: { 'state.$': '$', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      Next: 'Reason',
    });
    expect(asl.States.Failed).toEqual({ Type: 'Fail', ErrorPath: '$.failure.code', CausePath: '$.failure.message' });
    expect(asl.States.Done).toEqual({ Type: 'Succeed' });
  });

  it('happy path with a learning: same outcome and path as the local engine', async () => {
    const input = turn('run_asl_learn', 'Update: the rate limit was increased to 500 req/s last month.');
    const local = harness('local');
    const viaEngine = await local.engine.start({ ...input });
    const viaAsl = await runAsl(harness('asl'), input);
    expect(comparable(viaAsl.result)).toEqual(comparable(viaEngine));
    expect(viaAsl.result.learnings.map((l) => l.event)).toEqual(['ADD']);
    const localPath = (await local.engine.getRun({ tenantId: T.tenantId, runId: input.runId }))!.steps.map((s) => s.step);
    expect(viaAsl.path).toEqual(localPath);
    expect(viaAsl.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']);
  });

  it('no-learning path skips UpdateKnowledge in both', async () => {
    const input = turn('run_asl_q', 'What is 12*12?');
    const local = harness('local');
    const viaEngine = await local.engine.start({ ...input });
    const viaAsl = await runAsl(harness('asl'), input);
    expect(comparable(viaAsl.result)).toEqual(comparable(viaEngine));
    expect(viaAsl.result.answer).toMatch(/144/);
    expect(viaAsl.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse']);
  });

  it('a throttled model is retried by the Retry policy, like the local engine', async () => {
    const input = turn('run_asl_retry', 'What is 7*8?');
    const flaky = () => flakyProvider(createOfflineProvider(), { code: 'MODEL_THROTTLED', times: 1, when: isReasonRequest });
    const local = harness('local', flaky());
    const viaEngine = await local.engine.start({ ...input });
    const viaAsl = await runAsl(harness('asl', flaky()), input);
    expect(viaEngine.status).toBe('COMPLETED');
    expect(comparable(viaAsl.result)).toEqual(comparable(viaEngine));
    expect(viaAsl.retried).toEqual(['Reason']);
    const steps = (await local.engine.getRun({ tenantId: T.tenantId, runId: input.runId }))!.steps;
    expect(steps.filter((s) => s.status === 'failed').map((s) => [s.step, s.error?.code])).toEqual([['Reason', 'MODEL_THROTTLED']]);
  });

  it('an unrecoverable error is caught into HandleError → Failed with the same code', async () => {
    const input = turn('run_asl_fail', 'What is 7*8?');
    const broken = () => flakyProvider(createOfflineProvider(), { code: 'MODEL_ERROR', times: 1, when: isReasonRequest });
    const local = harness('local', broken());
    const viaEngine = await local.engine.start({ ...input });
    const viaAsl = await runAsl(harness('asl', broken()), input);
    expect(viaEngine).toMatchObject({ status: 'FAILED', error: { code: 'MODEL_ERROR' } });
    expect(viaAsl.result).toMatchObject({ status: 'FAILED', error: { code: 'MODEL_ERROR', message: viaEngine.error!.message } });
    expect(viaAsl.retried).toEqual([]);
    expect(viaAsl.path).toEqual(['Dispatch', 'BuildContext', 'HandleError']);
    const localSteps = (await local.engine.getRun({ tenantId: T.tenantId, runId: input.runId }))!.steps;
    expect(localSteps.filter((s) => s.status === 'succeeded' && s.step !== 'Catch').map((s) => s.step)).toEqual(viaAsl.path);
    expect(viaAsl.operator).toContainEqual(expect.objectContaining({ type: 'run_failed', error: { code: 'MODEL_ERROR', message: viaEngine.error!.message } }));
  });

  it('an approval waits on the task token and resumes like the local engine', async () => {
    const input = turn('run_asl_apr', 'Please issue a refund of $1500 for order A-1001');
    const local = harness('local');
    const paused = await local.engine.start({ ...input });
    const viaEngine = await local.engine.decideApproval({ tenantId: T.tenantId, approvalId: paused.pendingApprovals![0]!.approvalId, decision: 'approve', actor: 'bob' });
    const h = harness('asl');
    const asked: PendingApproval[] = [];
    const viaAsl = await runAsl(h, input, {
      onApproval: async (pending) => {
        asked.push(...pending);
        // What `lore approvals approve` does, then SendTaskSuccess.
        for (const p of pending) await h.runs.decideApproval({ approvalId: p.approvalId, status: 'approved', decidedBy: 'bob', decidedAt: Date.now() });
      },
    });
    expect(asked).toMatchObject([{ tool: 'issue_refund', input: { order_id: 'A-1001', amount: 1500 } }]);
    expect(comparable(viaAsl.result)).toEqual(comparable(viaEngine));
    expect(viaAsl.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'AwaitApproval', 'Reason', 'HandleResponse']);
  });
});
