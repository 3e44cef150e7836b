import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { LoreData } from './data.js';
import { loreFunction } from './lambda.js';
import type { DeploySettings } from './settings.js';

/**
 * Scheduled ingestion of the created Knowledge Base (LORE_KB_INGESTION=scheduled): request
 * functions only write S3 + the ledger (a Lambda is frozen after its response, so no timer of
 * theirs can be trusted); an EventBridge rule runs this small function every few minutes, which
 * polls the recorded job, marks what it covered indexed and starts the next one
 * (src/stores/bedrock-kb/sync.ts). It may read/write the knowledge table and start/read ingestion
 * jobs on this Knowledge Base, nothing else. A missed tick needs no retry: the next one does its work.
 */
export class LoreKbSync extends Construct {
  readonly fn: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, p: { settings: DeploySettings; data: LoreData; environment: Record<string, string> }) {
    super(scope, id);
    this.fn = loreFunction(this, 'KnowledgeSync', {
      entry: 'src/aws/handlers/kb-sync.ts', environment: p.environment, timeout: Duration.seconds(60), memorySize: 256, logRetentionDays: p.settings.logRetentionDays,
    });
    p.data.tables.knowledge!.grantReadWriteData(this.fn);
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'], resources: [p.data.knowledgeBaseArn] }));
    this.rule = new Rule(this, 'Schedule', {
      description: 'Lore: start Bedrock KB ingestion for queued knowledge and mark completed jobs indexed',
      schedule: Schedule.rate(Duration.minutes(p.settings.kbSyncMinutes)),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(Math.max(1, p.settings.kbSyncMinutes)) })],
    });
  }
}
