import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TABLES } from '../../infra/lib/table-defs.js';
import { useDynamoLocal } from '../dynamo-local.js';
import type { TurnInput } from '../../src/agent/turn.js';
import { createLambdaApp } from '../../src/aws/api-app.js';
import { DEMO_DOCUMENT, DEMO_QUESTION, DEMO_UPDATE } from '../../src/demo/learning-demo.js';
import { createBedrockProvider } from '../../src/models/bedrock.js';
import { AUDIENCE, ISSUER, SECRET, token } from '../http/support.js';
import { startBedrockServer, type BedrockServer } from '../servers/bedrock-server.js';
import { startStepFunctionsServer, type StepFunctionsServer } from '../servers/stepfunctions-server.js';
import { refundTool, tempDir } from '../workflow/fixtures.js';
import { localDeployment, synthesizeShape, type LocalDeployment, type SynthesizedShape } from './deployed-shape.js';

/**
 * The deployed shape end to end, locally: the synthesized template's state machine in
 * aws-local-stepfunctions, each Task running its real Lambda handler in-process with the
 * function's own container, SQLite in a temp dir as the store (the DynamoDB backend is not in
 * this branch yet), a Step Functions wire-format server taking SendTaskSuccess from the decision
 * path, and a Bedrock wire-format server where a test needs a misbehaving model.
 */
// The store under the handlers: SQLite in a temp dir, and the DynamoDB backend on DynamoDB Local
// (what the stack deploys: LORE_STORE=dynamodb), tables created by the backend and, for the task
// tokens, from the stack's own table definition.
const ddb = useDynamoLocal();

describe.each(['sqlite', 'dynamodb'] as const)('the deployed shape (synthesized state machine + Lambda handlers) on %s', (store) => {
  let shape: SynthesizedShape;
  let sfn: StepFunctionsServer;
  let bedrock: BedrockServer;
  let tmp: ReturnType<typeof tempDir>;
  const open: LocalDeployment[] = [];
  let n = 0;
  const turn = (message: string, sessionId: string, userId = 'demo-user'): TurnInput => {
    const runId = `run_e2e_${++n}`;
    return { runId, traceId: `trace${n}`.padEnd(32, '0'), tenantId: 'default', sessionId, userId, message };
  };
  const deploy = async (o: Omit<Parameters<typeof localDeployment>[0], 'shape' | 'dataDir' | 'sfn'> = {}) => {
    const storeEnv = store === 'dynamodb' ? await dynamoEnv() : { LORE_STORE: 'sqlite' };
    const d = localDeployment({ shape, dataDir: tmp.dir, sfn, ...o, env: { ...storeEnv, ...o.env } });
    open.push(d);
    return d;
  };
  const bedrockModel = () => createBedrockProvider({ modelId: 'test-model', region: 'us-east-1', endpoint: bedrock.url, timeoutMs: 5000, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, promptCaching: false });
  const answer = (text: string) => ({ json: { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 } } });

  /** A fresh table prefix; the backend creates its tables, the task-token table is the stack's. */
  const dynamoEnv = async () => {
    const { endpoint, region, credentials } = ddb.local;
    const prefix = ddb.prefix();
    const def = TABLES.find((t) => t.key === 'task-tokens')!;
    const client = new DynamoDBClient({ endpoint, region, credentials });
    await client.send(new CreateTableCommand({ TableName: `${prefix}${def.key}`, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: def.partitionKey.name, AttributeType: 'S' }], KeySchema: [{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }] }));
    client.destroy();
    return { LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: endpoint, LORE_DYNAMODB_TABLE_PREFIX: prefix };
  };

  beforeAll(async () => {
    if (store === 'dynamodb') {
      // The SDK's default credential chain (DynamoDB Local accepts any key): env, as on Lambda.
      process.env.AWS_ACCESS_KEY_ID ??= ddb.local.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY ??= ddb.local.credentials.secretAccessKey;
    }
    // One synth per file: CDK App → Template, bundling skipped (the bundle test covers esbuild).
    shape = synthesizeShape();
    sfn = await startStepFunctionsServer();
    bedrock = await startBedrockServer();
  }, 120_000);
  afterAll(async () => {
    await sfn?.close();
    await bedrock?.close();
  });
  beforeEach(() => {
    tmp = tempDir('lore-aws-e2e-');
    bedrock.reset();
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close();
    tmp.cleanup();
  });

  it('maps every Task of the synthesized definition to a step function whose LORE_STEP is that state', () => {
    const tasks = Object.entries(shape.definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([n]) => n).sort()).toEqual(['AwaitApproval', 'BuildContext', 'Dispatch', 'HandleError', 'HandleResponse', 'Reason', 'RecordFeedback', 'Refuse', 'UpdateKnowledge']);
    expect(shape.definition.States.AwaitApproval).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:WorkflowStepAwaitApproval/) } });
  });

  it('passes the 3-step learning proof: 100 → correction → a new session answers 500', async () => {
    const d = await deploy();
    // Every function's container opened the store under test (LORE_STORE from its environment).
    expect((await d.api()).rt.backend.kind).toBe(store);
    await (await d.api()).rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: 'docs/internal-api.md', kind: 'document', text: DEMO_DOCUMENT, actor: 'demo' });

    const first = await d.execute(turn(DEMO_QUESTION, 'sessA'));
    expect(first.result.status).toBe('COMPLETED');
    expect(first.result.answer).toMatch(/\b100\b/);

    const second = await d.execute(turn(DEMO_UPDATE, 'sessA'));
    expect(second.result.status).toBe('COMPLETED');
    expect(second.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse', 'UpdateKnowledge']);
    expect(second.result.learnings.some((l) => l.event === 'ADD' || l.event === 'UPDATE')).toBe(true);

    const third = await d.execute(turn(DEMO_QUESTION, 'sessB'));
    expect(third.result.status).toBe('COMPLETED');
    expect(third.result.answer).toMatch(/\b500\b/);
    expect(third.result.answer).not.toMatch(/\b100 req\/s\b/);
  });

  it('retries a throttled step per the ASL Retry, then completes', async () => {
    bedrock.enqueue({ error: 'ThrottlingException', status: 429, message: 'Rate exceeded' });
    bedrock.fallback = () => answer('7 × 8 = 56.');
    const d = await deploy({ provider: bedrockModel });
    const out = await d.execute(turn('What is 7*8?', 'sessT'));
    expect(out.retried).toEqual(['Reason']);
    expect(out.result.status).toBe('COMPLETED');
    expect(out.result.answer).toMatch(/56/);
    expect(out.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'HandleResponse']);
    // The throttled call and its retry both reached the model.
    expect(bedrock.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream').length).toBe(2);
  });

  it('routes a failing step to HandleError, and the execution fails with its code', async () => {
    bedrock.enqueue({ error: 'ValidationException', status: 400, message: 'The model rejected the request' });
    const d = await deploy({ provider: bedrockModel });
    const out = await d.execute(turn('What is 7*8?', 'sessF'));
    expect(out.result.status).toBe('FAILED');
    expect(out.retried).toEqual([]);
    expect(out.path).toEqual(['Dispatch', 'BuildContext', 'HandleError']);
    expect(out.result.error?.code).toMatch(/^MODEL_/);
    expect(['MODEL_THROTTLED', 'MODEL_TIMEOUT', 'MODEL_UNAVAILABLE']).not.toContain(out.result.error?.code);
    expect(out.result.error?.message).toMatch(/rejected the request/);
  });

  it('an approval parks the task token, and the decision route resumes the execution once', async () => {
    const executions: Array<{ key: string; order_id: string; amount: number }> = [];
    const auth = { LORE_AUTH_JWKS_URL: '', LORE_AUTH_HS256_SECRET: SECRET, LORE_AUTH_ISSUER: ISSUER, LORE_AUTH_AUDIENCE: AUDIENCE, LORE_AUTH_DEFAULT_TENANT: 'default' };
    const d = await deploy({ tools: [refundTool(executions)], env: auth });
    const app = createLambdaApp(await d.api());
    const bearer = { authorization: `Bearer ${await token('alice')}`, 'content-type': 'application/json' };
    const input = turn('Please issue a refund of $1500 for order A-1001', 'sessR', 'alice');
    const running = d.execute(input);

    // The execution is parked on AwaitApproval: the approval shows up for its user, and the task
    // token is stored (the approval row is written first, the token right after).
    const api = await d.api();
    let approvals: Array<{ approval_id: string; tool: string }> = [];
    let parked = null;
    for (let i = 0; i < 500 && (approvals.length === 0 || !parked); i++) {
      const r = await app.request('/approvals?status=pending', { headers: bearer });
      approvals = ((await r.json()) as { approvals: typeof approvals }).approvals;
      parked = await api.tokens.get(input.runId);
      if (!approvals.length || !parked) await new Promise((r) => setTimeout(r, 10));
    }
    expect(approvals).toMatchObject([{ tool: 'issue_refund' }]);
    expect(executions).toEqual([]);
    expect(parked).toMatchObject({ taskToken: `token-${input.runId}` });

    const decided = await app.request(`/approvals/${approvals[0]!.approval_id}`, { method: 'POST', headers: bearer, body: JSON.stringify({ decision: 'approve' }) });
    expect(decided.status).toBe(200);
    const out = await running;
    expect(out.result.status).toBe('COMPLETED');
    expect(out.path).toEqual(['Dispatch', 'BuildContext', 'Reason', 'AwaitApproval', 'Reason', 'HandleResponse']);
    expect(executions).toMatchObject([{ order_id: 'A-1001', amount: 1500 }]);

    // Once: the token is gone, a second decision is refused, and only one SendTaskSuccess was sent.
    expect(await api.tokens.get(input.runId)).toBeNull();
    const again = await app.request(`/approvals/${approvals[0]!.approval_id}`, { method: 'POST', headers: bearer, body: JSON.stringify({ decision: 'approve' }) });
    expect(again.status).toBe(409);
    expect(sfn.requests.filter((r) => r.operation === 'SendTaskSuccess' && r.body.taskToken === `token-${input.runId}`)).toHaveLength(1);
    expect(executions).toHaveLength(1);
  });
});
