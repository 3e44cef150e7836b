import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnGuardrail } from 'aws-cdk-lib/aws-bedrock';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CHAT_QUEUE } from '../../src/jobs/queue-names.js';
import { LoreApi } from './api.js';
import { LoreAsync } from './async.js';
import { HISTORY_PREFIX, KNOWLEDGE_PREFIX, LoreData } from './data.js';
import { invokeModelStatement } from './iam.js';
import { LoreKbSync } from './kb-sync.js';
import { acknowledgeNagFindings } from './nag.js';
import { LoreOps } from './ops.js';
import type { DeploySettings } from './settings.js';
import { LoreWorkflow } from './workflow.js';

/**
 * Lore on AWS: the turn workflow on Step Functions over Lambda steps, DynamoDB + S3 + a Bedrock
 * Knowledge Base for memory, SQS for queued turns, EventBridge Scheduler for the nightly evaluator,
 * CloudWatch alarms and a dashboard. See README "Deploy to AWS".
 */
export class LoreStack extends Stack {
  readonly data: LoreData;
  readonly workflow: LoreWorkflow;
  readonly api: LoreApi;
  readonly async: LoreAsync;
  readonly ops: LoreOps;
  readonly guardrail?: CfnGuardrail;
  /** The scheduled ingestion sync (with a created Knowledge Base only). */
  readonly kbSync?: LoreKbSync;

  constructor(scope: Construct, id: string, readonly settings: DeploySettings, props: StackProps = {}) {
    super(scope, id, props);
    this.data = new LoreData(this, 'Data', settings);
    if (settings.guardrail) this.guardrail = createGuardrail(this);

    // Every function reads the same Lore config (LORE_* env vars, parsed by src/config.ts).
    const environment: Record<string, string> = {
      LORE_MODEL: `bedrock:${settings.modelId}`,
      LORE_STORE: 'dynamodb',
      // The DynamoDB backend names tables `${prefix}${key}` and SQS queues `${prefix}${name}`.
      LORE_DYNAMODB_TABLE_PREFIX: this.data.tablePrefix,
      LORE_SQS_QUEUE_PREFIX: this.data.tablePrefix,
      LORE_LOG_LEVEL: 'info',
      LORE_LEARNING_MODE: settings.learningMode,
      LORE_BUCKET: this.data.bucket.bucketName,
      LORE_KNOWLEDGE_BASE_ID: this.data.knowledgeBaseId,
      // Retrieval through the created Knowledge Base, with the DynamoDB store as its recent tier
      // (a learning is found by the next turn while ingestion catches up). Ingestion jobs are the
      // scheduled sync's (LoreKbSync): request functions are frozen after their response.
      ...(this.data.dataSource
        ? {
            LORE_KNOWLEDGE: 'bedrock-kb',
            LORE_BEDROCK_KB_ID: this.data.knowledgeBaseId,
            LORE_BEDROCK_KB_DATA_SOURCE_ID: this.data.dataSource.attrDataSourceId,
            LORE_KNOWLEDGE_BUCKET: this.data.bucket.bucketName,
            LORE_KNOWLEDGE_PREFIX: KNOWLEDGE_PREFIX,
            LORE_KB_INGESTION: 'scheduled',
          }
        : {}),
      // An existing Knowledge Base: searched read-only beside the DynamoDB knowledge store, for the
      // tenant(s) its rule allows (settings refuse an id without one).
      ...(settings.knowledgeBase !== 'create'
        ? {
            LORE_EXTERNAL_KB_ID: settings.knowledgeBase,
            ...(settings.knowledgeBaseTenant ? { LORE_EXTERNAL_KB_TENANT: settings.knowledgeBaseTenant } : {}),
            ...(settings.knowledgeBaseTenantKey ? { LORE_EXTERNAL_KB_TENANT_KEY: settings.knowledgeBaseTenantKey } : {}),
          }
        : {}),
      ...(this.guardrail ? { LORE_GUARDRAIL_PROVIDER: 'bedrock', LORE_BEDROCK_GUARDRAIL_ID: this.guardrail.attrGuardrailId, LORE_BEDROCK_GUARDRAIL_VERSION: 'DRAFT' } : {}),
    };
    this.workflow = new LoreWorkflow(this, 'Workflow', { settings, environment });
    const withMachine = { ...environment, LORE_STATE_MACHINE_ARN: this.workflow.stateMachine.stateMachineArn };
    this.api = new LoreApi(this, 'Api', { settings, environment: withMachine });
    this.async = new LoreAsync(this, 'Async', { settings, environment: withMachine, queueName: `${this.data.tablePrefix}${CHAT_QUEUE}` });

    // Least privilege: each function gets the data it touches, the one model, the one KB.
    const all = [...Object.values(this.workflow.steps), this.api.handler, this.api.streamer, this.async.consumer, this.async.evaluator];
    for (const fn of all) {
      for (const t of Object.values(this.data.tables)) t.grantReadWriteData(fn);
      fn.addToRolePolicy(invokeModelStatement(this, settings.modelId));
      fn.addToRolePolicy(new PolicyStatement({ actions: ['bedrock:Retrieve'], resources: [this.data.knowledgeBaseArn] }));
      if (this.guardrail) fn.addToRolePolicy(new PolicyStatement({ actions: ['bedrock:ApplyGuardrail'], resources: [this.guardrail.attrGuardrailArn] }));
    }
    // Documents and learning history, by prefix and by action: the API ingests documents,
    // UpdateKnowledge and the evaluator write learning history.
    const objects = (prefix: string) => this.data.bucket.arnForObjects(`${prefix}*`);
    const docs = new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [objects(KNOWLEDGE_PREFIX)] });
    const history = new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [objects(HISTORY_PREFIX)] });
    // UpdateKnowledge writes learnings: with the Knowledge Base they are documents in the bucket too.
    for (const fn of [this.api.handler, this.api.streamer, ...(this.data.dataSource ? [this.workflow.steps.UpdateKnowledge!] : [])]) fn.addToRolePolicy(docs);
    for (const fn of [this.api.handler, this.workflow.steps.UpdateKnowledge!, this.async.evaluator]) fn.addToRolePolicy(history);
    // New documents reach the Knowledge Base through ingestion jobs the scheduled sync starts; only it may start them.
    if (this.data.knowledgeBase && this.data.dataSource) this.kbSync = new LoreKbSync(this, 'KnowledgeSync', { settings, data: this.data, environment });
    // The decision route completes the parked AwaitApproval task; queued turns start executions.
    const taskResponse = new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: [this.workflow.stateMachineArn] });
    for (const fn of [this.api.handler, this.api.streamer]) fn.addToRolePolicy(taskResponse);
    this.async.queue.grantSendMessages(this.api.handler);
    // The queue adapter looks both URLs up (the DLQ's too) when it opens the chat queue.
    this.async.dlq.grant(this.api.handler, 'sqs:GetQueueUrl');
    this.workflow.stateMachine.grantStartExecution(this.async.consumer);

    const every = [...all, ...(this.kbSync ? [this.kbSync.fn] : [])];
    acknowledgeNagFindings(this, every);
    this.ops = new LoreOps(this, 'Ops', { stateMachine: this.workflow.stateMachine, dlq: this.async.dlq, functions: every });
  }
}

/** Bedrock Guardrail for LORE_GUARDRAIL_PROVIDER=bedrock: harmful content and prompt attacks blocked, PII masked. */
function createGuardrail(scope: Construct): CfnGuardrail {
  const filter = (type: string, input = 'HIGH', output = 'HIGH') => ({ type, inputStrength: input, outputStrength: output });
  return new CfnGuardrail(scope, 'Guardrail', {
    name: `${Stack.of(scope).stackName}-guardrail`,
    blockedInputMessaging: 'Sorry — I cannot help with that request.',
    blockedOutputsMessaging: 'Sorry — I cannot share that answer.',
    contentPolicyConfig: {
      filtersConfig: [filter('HATE'), filter('INSULTS'), filter('SEXUAL'), filter('VIOLENCE'), filter('MISCONDUCT'), filter('PROMPT_ATTACK', 'HIGH', 'NONE')],
    },
    sensitiveInformationPolicyConfig: {
      piiEntitiesConfig: ['EMAIL', 'PHONE', 'CREDIT_DEBIT_CARD_NUMBER', 'US_SOCIAL_SECURITY_NUMBER', 'AWS_SECRET_KEY'].map((type) => ({ type, action: 'ANONYMIZE' })),
    },
  });
}
