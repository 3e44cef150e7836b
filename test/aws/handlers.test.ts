import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildContainer, type LambdaContainer } from '../../src/aws/container.js';
import { createLambdaApp } from '../../src/aws/api-app.js';
import { emfLine } from '../../src/aws/emf.js';
import { CHAT_QUEUE, decodeChatJob, type ChatJob } from '../../src/jobs/queue.js';
import { lambdaSettings } from '../../src/aws/env.js';
import { consumeChatJobs } from '../../src/aws/queue-consumer.js';
import { createStepFunctions } from '../../src/aws/sfn.js';
import { createStepLambda } from '../../src/aws/step-lambda.js';
import { startStepFunctionsServer, type StepFunctionsServer } from '../servers/stepfunctions-server.js';
import { tempDir } from '../workflow/fixtures.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Lore-turn';
const silent = new Writable({ write: (_c, _e, cb) => cb() });

describe('Lambda handlers', () => {
  let sfn: StepFunctionsServer;
  let tmp: ReturnType<typeof tempDir>;
  let c: Promise<LambdaContainer> | undefined;
  const container = () =>
    (c ??= buildContainer(lambdaSettings({ LORE_DATA_DIR: tmp.dir, LORE_STATE_MACHINE_ARN: ARN, LORE_LOG_LEVEL: 'silent' }), {
      runtime: { logDestination: silent, traceExporter: 'none' },
      sfn: createStepFunctions({ region: 'us-east-1', endpoint: sfn.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      metrics: () => {},
    }));

  beforeAll(async () => {
    sfn = await startStepFunctionsServer();
  });
  afterAll(() => sfn.close());
  beforeEach(() => {
    tmp = tempDir('lore-aws-h-');
  });
  afterEach(async () => {
    await (await c)?.close();
    c = undefined;
    tmp.cleanup();
  });

  it('the SQS consumer starts one execution per run and reports only the bad messages as batch failures', async () => {
    const svc = (await container()).service;
    const { runId } = await svc.enqueue({ tenantId: 'default', sessionId: 's1', userId: 'u1', message: 'What is 2+2?' });
    const res = await consumeChatJobs(await container(), ARN, {
      Records: [
        { messageId: 'm1', body: JSON.stringify({ kind: 'chat', runId, tenantId: 'default' }) },
        { messageId: 'm2', body: 'not json' },
        { messageId: 'm3', body: JSON.stringify({ kind: 'chat', runId: 'run_missing', tenantId: 'default' }) },
        // A redelivery of m1: the execution name is the run id, so nothing starts twice.
        { messageId: 'm4', body: JSON.stringify({ kind: 'chat', runId, tenantId: 'default' }) },
      ],
    });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect([...sfn.executions.keys()].filter((k) => k === runId)).toHaveLength(1);
    expect(sfn.executions.get(runId)).toMatchObject({ stateMachineArn: ARN, input: { input: { runId, tenantId: 'default', sessionId: 's1', userId: 'u1', message: 'What is 2+2?' } } });
  });

  it('a queued turn through the API lands on the chat queue, and the consumer starts its execution once', async () => {
    const c = await container();
    const app = createLambdaApp(c);
    const res = await app.request('/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: 's-async', message: 'What is 2+2?', async: true }) });
    expect(res.status).toBe(202);
    const { run_id: runId } = (await res.json()) as { run_id: string };
    const [m, ...rest] = await c.rt.backend.queue<ChatJob>({ name: CHAT_QUEUE, decode: decodeChatJob }).receive({ max: 10, visibilityTimeoutMs: 30_000 });
    expect(rest).toEqual([]);
    expect(m?.body).toEqual({ kind: 'chat', runId, tenantId: 'default' });
    const out = await consumeChatJobs(c, ARN, { Records: [{ messageId: m!.id, body: JSON.stringify(m!.body) }] });
    expect(out).toEqual({ batchItemFailures: [] });
    expect(sfn.executions.get(runId)).toMatchObject({ stateMachineArn: ARN, input: { input: { runId, sessionId: 's-async', message: 'What is 2+2?' } } });
  });

  it('a step handler rejects a malformed event with VALIDATION_FAILED, the name Step Functions matches', async () => {
    const dispatch = createStepLambda('Dispatch', container, () => {});
    await expect(dispatch({ input: { runId: 'r1' } })).rejects.toMatchObject({ name: 'VALIDATION_FAILED', message: expect.stringMatching(/input\.traceId/) });
    await expect(dispatch('nonsense')).rejects.toMatchObject({ name: 'VALIDATION_FAILED' });
  });

  it('refuses to bind a name that is not a task state', () => {
    expect(() => createStepLambda('InputGuard', container)).toThrow(/not a task state/);
    expect(() => createStepLambda('', container)).toThrow(/not a task state/);
  });

  it('AWS settings are validated: a malformed state machine ARN is a config error', () => {
    expect(() => lambdaSettings({ LORE_STATE_MACHINE_ARN: 'nope' })).toThrow(/LORE_STATE_MACHINE_ARN/);
  });

  it('emits CloudWatch EMF lines the alarms read', () => {
    const line = JSON.parse(emfLine({ LearningsWritten: { value: 2, unit: 'Count' } }, { Step: 'UpdateKnowledge' }, 1000));
    expect(line).toEqual({ _aws: { Timestamp: 1000, CloudWatchMetrics: [{ Namespace: 'Lore', Dimensions: [['Step']], Metrics: [{ Name: 'LearningsWritten', Unit: 'Count' }] }] }, Step: 'UpdateKnowledge', LearningsWritten: 2 });
  });
});
