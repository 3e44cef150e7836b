import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoreApp } from '../../infra/lib/app.js';
import { MAX_RECEIVE_COUNT, NIGHTLY_CRON } from '../../infra/lib/async.js';
import { THRESHOLDS } from '../../infra/lib/ops.js';
import { TABLES } from '../../infra/lib/table-defs.js';
import { KNOWLEDGE_TABLE } from '../../src/stores/dynamodb/knowledge-tables.js';
import { TABLES as BACKEND_TABLES, createTableInput, type TableDef as BackendTableDef } from '../../src/stores/dynamodb/tables.js';
import { TASK_TIMEOUT_SECONDS } from '../../infra/lib/workflow.js';
import { toAsl } from '../../src/workflow/asl.js';
import { turnWorkflow } from '../../src/workflow/definition.js';
import { resolveCfn } from '../aws/deployed-shape.js';

/** Template tests: one synth per configuration (bundling skipped; test/infra/bundle.test.ts bundles). */
const synth = (context: Record<string, unknown> = {}) => {
  const { stack } = createLoreApp({ bundle: false, context });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, any> };
};

describe('the CDK stack (default context: Cognito, a created Knowledge Base, no guardrail)', () => {
  let t: ReturnType<typeof synth>;
  beforeAll(() => {
    t = synth();
  }, 120_000);

  it('creates every DynamoDB table of the backend: on demand, PITR, TTL, encrypted, same keys', () => {
    const tables = Object.values(t.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(TABLES.length);
    for (const def of TABLES) {
      t.template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `lore-${def.key}`,
        KeySchema: [{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }, ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : [])],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        ...(def.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } } : {}),
      });
    }
  });

  it('creates exactly the tables the DynamoDB backend defines (src/stores/dynamodb), so the two cannot drift', () => {
    const byName = new Map(Object.values(t.template.findResources('AWS::DynamoDB::Table')).map((r) => [r.Properties.TableName as string, r.Properties]));
    const defs = [...Object.values(BACKEND_TABLES), KNOWLEDGE_TABLE as unknown as BackendTableDef];
    for (const def of defs) {
      const want = createTableInput(def, `lore-${def.key}`);
      const got = byName.get(want.TableName);
      expect(got, want.TableName).toBeDefined();
      expect(got!.KeySchema).toEqual(want.KeySchema);
      const sortAttrs = (a: Array<{ AttributeName: string }>) => [...a].sort((x, y) => x.AttributeName.localeCompare(y.AttributeName));
      expect(sortAttrs(got!.AttributeDefinitions)).toEqual(sortAttrs(want.AttributeDefinitions));
      const gsis = (g: Array<{ IndexName: string; KeySchema: unknown }> | undefined) => (g ?? []).map((x) => ({ IndexName: x.IndexName, KeySchema: x.KeySchema })).sort((a, b) => a.IndexName.localeCompare(b.IndexName));
      expect(gsis(got!.GlobalSecondaryIndexes)).toEqual(gsis(want.GlobalSecondaryIndexes));
      expect(got!.TimeToLiveSpecification?.AttributeName).toBe(def.ttlAttribute);
    }
    // Every function finds them under the prefix the backend derives names from.
    t.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LORE_STORE: 'dynamodb', LORE_DYNAMODB_TABLE_PREFIX: 'lore-' }) } });
    t.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'lore-chat', RedrivePolicy: Match.anyValue() });
    t.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'lore-chat-dlq' });
  });

  it('gives every function the same learning mode (review by default) and retrieval through the created Knowledge Base', () => {
    const fns = Object.values(t.resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.LORE_STORE);
    expect(fns.length).toBeGreaterThan(10);
    for (const fn of fns) {
      const env = resolveCfn(fn.Properties.Environment.Variables, t.resources) as Record<string, string>;
      expect(env).toMatchObject({ LORE_LEARNING_MODE: 'review', LORE_KNOWLEDGE: 'bedrock-kb', LORE_KNOWLEDGE_PREFIX: 'knowledge/' });
      for (const k of ['LORE_BEDROCK_KB_ID', 'LORE_BEDROCK_KB_DATA_SOURCE_ID', 'LORE_KNOWLEDGE_BUCKET']) expect(env[k], k).toBeTruthy();
    }
    // UpdateKnowledge writes learnings as documents of the Knowledge Base's bucket.
    const statements = Object.values(t.template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    expect(statements.some((st) => [st.Action].flat().includes('s3:PutObject') && JSON.stringify(st.Resource).includes('knowledge/*'))).toBe(true);
  });

  it('keeps documents in a versioned, encrypted, TLS-only bucket with lifecycle rules', () => {
    t.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]) },
    });
    t.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('creates a Bedrock Knowledge Base on S3 Vectors with the bucket as its S3 data source', () => {
    t.template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      KnowledgeBaseConfiguration: { Type: 'VECTOR', VectorKnowledgeBaseConfiguration: { EmbeddingModelArn: Match.anyValue() } },
      StorageConfiguration: { Type: 'S3_VECTORS' },
    });
    t.template.hasResourceProperties('AWS::Bedrock::DataSource', { DataSourceConfiguration: { Type: 'S3', S3Configuration: { InclusionPrefixes: ['knowledge/'] } } });
    t.template.resourceCountIs('AWS::Bedrock::Guardrail', 0);
  });

  it('redrives queued turns to the DLQ after 3 receives; the consumer reports partial batch failures', () => {
    expect(MAX_RECEIVE_COUNT).toBe(3);
    t.template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() }, SqsManagedSseEnabled: true });
    t.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10 });
  });

  it('schedules the nightly evaluator at 02:00 UTC', () => {
    expect(NIGHTLY_CRON).toBe('cron(0 2 * * ? *)');
    t.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'UTC', FlexibleTimeWindow: { Mode: 'OFF' } });
  });

  it('alarms on p95 latency > 30 s, DLQ depth > 0, quality < 0.4, error rate > 5 % and the learning-rate band', () => {
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionTime', Namespace: 'AWS/States', ExtendedStatistic: 'p95', Threshold: THRESHOLDS.p95TurnLatencyMs, ComparisonOperator: 'GreaterThanThreshold' });
    expect(THRESHOLDS.p95TurnLatencyMs).toBe(30_000);
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'QualityScore', Namespace: 'Lore', Threshold: 0.4, ComparisonOperator: 'LessThanThreshold' });
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', Metrics: Match.arrayWith([Match.objectLike({ Expression: '100 * failed / MAX([started, 1])' })]) });
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      ThresholdMetricId: 'band',
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'LearningsWritten' }) }) })]),
    });
    t.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('runs a STANDARD state machine whose definition is toAsl() with each Task resource replaced by its step Lambda ARN', () => {
    const [id, sm] = Object.entries(t.template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    expect(id).toMatch(/TurnStateMachine/);
    expect(sm.Properties).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false } });
    const deployed = JSON.parse(resolveCfn(sm.Properties.DefinitionString, t.resources));
    // Each ARN names a function; that function's LORE_STEP must be the state that invokes it.
    const stepOf = (arn: string) => t.resources[/:function:(\w+)$/.exec(arn)![1]!].Properties.Environment.Variables.LORE_STEP as string;
    const PREFIX = 'arn:aws:lambda:us-east-1:123456789012:function:lore-';
    const normalised = JSON.parse(JSON.stringify(deployed, (_k, v) => (typeof v === 'string' && v.includes(':function:') ? `${PREFIX}${stepOf(v)}` : v)));
    expect(normalised).toEqual(toAsl(turnWorkflow, { resourcePrefix: PREFIX, approvalTimeoutSeconds: 24 * 3600, taskTimeoutSeconds: TASK_TIMEOUT_SECONDS }));
    for (const [name, s] of Object.entries(deployed.States as Record<string, any>)) {
      if (s.Type !== 'Task') continue;
      expect(stepOf(s.Parameters?.FunctionName ?? s.Resource)).toBe(name);
    }
  });

  it('fronts the same Hono app with an HTTP API + JWT authorizer, and streams /chat through a RESPONSE_STREAM function URL', () => {
    t.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() } });
    t.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /{proxy+}', AuthorizationType: 'JWT' });
    t.template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
    t.template.resourceCountIs('AWS::Cognito::UserPool', 1);
    const handlers = Object.values(t.template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Handler);
    expect(handlers).toContain('index.streamHandler');
  });

  it('traces every function with X-Ray, gives each its own log group with a retention, and no AWS managed policies', () => {
    const fns = Object.values(t.template.findResources('AWS::Lambda::Function'));
    expect(fns.length).toBe(14);
    for (const f of fns) expect(f.Properties).toMatchObject({ TracingConfig: { Mode: 'Active' }, Architectures: ['arm64'], Runtime: 'nodejs24.x', LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } } });
    for (const g of Object.values(t.template.findResources('AWS::Logs::LogGroup'))) expect(g.Properties.RetentionInDays).toBe(30);
    for (const r of Object.values(t.template.findResources('AWS::IAM::Role'))) expect(r.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('runs the Knowledge Base ingestion sync on an EventBridge rule; only its function may start ingestion jobs', () => {
    const rules = Object.values(t.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(2 minutes)', State: 'ENABLED' });
    const target = rules[0]!.Properties.Targets[0];
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 120 });
    const syncId = target.Arn['Fn::GetAtt'][0] as string;
    const sync = t.resources[syncId];
    expect(sync.Type).toBe('AWS::Lambda::Function');
    expect(syncId).toMatch(/KnowledgeSync/);
    expect(sync.Properties.MemorySize).toBe(256);
    // Every function (the sync too) reads the same config: scheduled ingestion, no in-process timer.
    for (const fn of Object.values(t.resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.LORE_STORE)) {
      expect(fn.Properties.Environment.Variables.LORE_KB_INGESTION).toBe('scheduled');
    }
    // Least privilege: StartIngestionJob/GetIngestionJob on this KB for the sync's role alone, which
    // gets the knowledge table and nothing else (no model, no bucket, no other table).
    const policies = Object.values(t.template.findResources('AWS::IAM::Policy'));
    const ingest = policies.filter((p) => (p.Properties.PolicyDocument.Statement as any[]).some((st) => [st.Action].flat().includes('bedrock:StartIngestionJob')));
    expect(ingest).toHaveLength(1);
    const syncRole = sync.Properties.Role['Fn::GetAtt'][0];
    expect(ingest[0]!.Properties.Roles).toEqual([{ Ref: syncRole }]);
    const statements = ingest[0]!.Properties.PolicyDocument.Statement as any[];
    const actions = statements.flatMap((st) => [st.Action].flat() as string[]);
    expect(actions.filter((a) => !/^(xray|logs|dynamodb):/.test(a)).sort()).toEqual(['bedrock:GetIngestionJob', 'bedrock:StartIngestionJob']);
    const tables = JSON.stringify(statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:'))).map((st) => st.Resource));
    expect(tables).toContain('KnowledgeTable');
    expect(tables.match(/"(\w+Table)\w*"/g)?.every((m) => m.includes('KnowledgeTable'))).toBe(true);
    expect(JSON.stringify(statements.find((st) => [st.Action].flat().includes('bedrock:StartIngestionJob')).Resource)).toContain('KnowledgeBase');
  });

  it('scopes Bedrock model access to the configured model only', () => {
    const statements = Object.values(t.template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    const invoke = statements.filter((s) => [s.Action].flat().includes('bedrock:InvokeModel'));
    expect(invoke.length).toBeGreaterThan(0);
    for (const s of invoke) {
      const arn = JSON.stringify(s.Resource);
      expect(arn).toMatch(/foundation-model\/(anthropic\.claude-3-5-haiku-20241022-v1:0|amazon\.titan-embed-text-v2:0)"/);
      expect(arn).not.toContain('*');
    }
    // Resource "*" only where AWS supports nothing narrower: X-Ray and log delivery.
    for (const s of statements.filter((x) => x.Resource === '*')) {
      for (const a of [s.Action].flat() as string[]) expect(a).toMatch(/^(xray|logs):/);
    }
  });
});

describe('the CDK stack with other context values', () => {
  it('uses an existing Knowledge Base and an external JWT issuer, and creates a guardrail when asked', () => {
    const { template } = synth({ 'lore:knowledgeBase': 'ABCDEFGHIJ', 'lore:knowledgeBaseTenantKey': 'team', 'lore:auth': JSON.stringify({ mode: 'jwt', issuer: 'https://id.example.com/', audience: 'lore' }), 'lore:guardrail': 'true', 'lore:modelId': 'us.anthropic.claude-3-5-haiku-20241022-v1:0' });
    template.resourceCountIs('AWS::Bedrock::KnowledgeBase', 0);
    // No data source of ours to ingest into: knowledge stays on the DynamoDB store, and the existing
    // Knowledge Base is searched beside it, read-only, filtered by its tenant metadata key.
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const env = fn.Properties.Environment?.Variables ?? {};
      expect(env.LORE_KNOWLEDGE).toBeUndefined();
      if (env.LORE_STORE) expect(env).toMatchObject({ LORE_EXTERNAL_KB_ID: 'ABCDEFGHIJ', LORE_EXTERNAL_KB_TENANT_KEY: 'team' });
    }
    // Nothing of ours to ingest: no sync rule, and no function may start a job on a KB Lore does not own.
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Audience: ['lore'], Issuer: 'https://id.example.com/' } });
    template.hasResourceProperties('AWS::Bedrock::Guardrail', { ContentPolicyConfig: Match.anyValue(), SensitiveInformationPolicyConfig: Match.anyValue() });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LORE_GUARDRAIL_PROVIDER: 'bedrock', LORE_MODEL: 'bedrock:us.anthropic.claude-3-5-haiku-20241022-v1:0' }) } });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    expect(JSON.stringify(statements.filter((s) => [s.Action].flat().includes('bedrock:Retrieve')))).toContain('knowledge-base/ABCDEFGHIJ');
    expect(JSON.stringify(statements.filter((s) => [s.Action].flat().includes('bedrock:InvokeModel')))).toContain('inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(statements.some((s) => [s.Action].flat().some((a: string) => /IngestionJob|s3:PutObject/.test(a) && JSON.stringify(s.Resource).includes('ABCDEFGHIJ')))).toBe(false);
  }, 120_000);

  it('refuses an existing Knowledge Base without a tenant rule (it has no Lore tenant metadata), and takes the sync interval', () => {
    expect(() => createLoreApp({ bundle: false, context: { 'lore:knowledgeBase': 'ABCDEFGHIJ' } })).toThrow(/lore:knowledgeBase.*lore:knowledgeBaseTenant .*lore:knowledgeBaseTenantKey/);
    const { template } = synth({ 'lore:knowledgeBase': 'ABCDEFGHIJ', 'lore:knowledgeBaseTenant': 'acme' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LORE_EXTERNAL_KB_ID: 'ABCDEFGHIJ', LORE_EXTERNAL_KB_TENANT: 'acme' }) } });
    synth({ 'lore:kbSyncMinutes': '5' }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    expect(() => createLoreApp({ bundle: false, context: { 'lore:kbSyncMinutes': '0' } })).toThrow(/lore:kbSyncMinutes/);
  }, 120_000);

  it('refuses a malformed context value with the key it came from', () => {
    expect(() => createLoreApp({ bundle: false, context: { 'lore:knowledgeBase': 'not-an-id' } })).toThrow(/lore:knowledgeBase/);
  });
});

describe('cdk-nag AwsSolutionsChecks', () => {
  const out = mkdtempSync(join(tmpdir(), 'lore-cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('passes with zero unacknowledged findings, every acknowledgment with a reason', () => {
    const { app, stack } = createLoreApp({ bundle: false, outdir: out });
    // Synth runs the validation plugins and throws when any reports an unacknowledged error.
    expect(() => app.synth()).not.toThrow();
    const acks = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => Object.entries(m.data as Record<string, string>)))
      .flat();
    const nag = acks.filter(([id]) => id.includes('AwsSolutions-'));
    expect(nag.length).toBeGreaterThan(0);
    for (const [id, reason] of nag) expect({ id, reason: reason.length > 30 }).toEqual({ id, reason: true });
  }, 120_000);

  it('passes with an existing Knowledge Base too (lore:knowledgeBase=<id>)', () => {
    const { app } = createLoreApp({ bundle: false, outdir: mkdtempSync(join(out, 'ext-')), context: { 'lore:knowledgeBase': 'ABCDEFGHIJ', 'lore:knowledgeBaseTenant': 'acme' } });
    expect(() => app.synth()).not.toThrow();
  }, 120_000);

  it('does run on this stack: an unencrypted, non-TLS queue added to it fails synth', () => {
    const { app, stack } = createLoreApp({ bundle: false, outdir: mkdtempSync(join(out, 'neg-')) });
    new Queue(stack, 'Careless', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  }, 120_000);
});
