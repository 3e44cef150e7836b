import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { loreFunction } from './lambda.js';
import type { DeploySettings } from './settings.js';

/** 02:00 UTC every day (EventBridge Scheduler cron: minutes hours day-of-month month day-of-week year). */
export const NIGHTLY_CRON = 'cron(0 2 * * ? *)';
export const MAX_RECEIVE_COUNT = 3;

/**
 * Queued turns and schedules: an SQS queue (+ DLQ after 3 receives) consumed by a Lambda that
 * starts each run's execution (partial batch failures reported), and an EventBridge Scheduler
 * schedule for the nightly evaluator.
 */
export class LoreAsync extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly consumer: NodejsFunction;
  readonly evaluator: NodejsFunction;
  readonly nightly: CfnSchedule;

  constructor(scope: Construct, id: string, p: { settings: DeploySettings; environment: Record<string, string>; queueName: string }) {
    super(scope, id);
    // Named as the DynamoDB backend's SQS queue adapter looks them up: `<name>` and `<name>-dlq`.
    this.dlq = new Queue(this, 'ChatDlq', { queueName: `${p.queueName}-dlq`, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.consumer = loreFunction(this, 'ChatConsumer', { entry: 'src/aws/handlers/queue-consumer.ts', environment: p.environment, timeout: Duration.seconds(60), logRetentionDays: p.settings.logRetentionDays });
    this.queue = new Queue(this, 'ChatQueue', {
      queueName: p.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS recommends ≥ 6× the consumer's timeout, so a batch is not redelivered mid-run.
      visibilityTimeout: Duration.seconds(360),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.consumer.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));

    this.evaluator = loreFunction(this, 'NightlyEvaluator', { entry: 'src/aws/handlers/evaluator.ts', environment: p.environment, timeout: Duration.minutes(15), logRetentionDays: p.settings.logRetentionDays });
    const role = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }) });
    role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.evaluator.functionArn] }));
    this.nightly = new CfnSchedule(this, 'NightlyEvaluation', {
      description: 'Lore nightly evaluation: re-judge low-confidence turns, flag them for review, expire overdue approvals',
      scheduleExpression: NIGHTLY_CRON,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: this.evaluator.functionArn, roleArn: role.roleArn, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 }, deadLetterConfig: { arn: this.dlq.queueArn } },
    });
    this.dlq.grantSendMessages(role);
  }
}
