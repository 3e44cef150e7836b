import { decodeChatJob } from '../jobs/queue.js';
import type { LambdaContainer } from './container.js';

/** The slice of an SQS event the consumer reads (aws-lambda's SQSEvent). */
export interface SqsEvent {
  Records: Array<{ messageId: string; body: string }>;
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * Queued (asynchronous) turns: each message names a run that `enqueue` created; the consumer
 * starts its Step Functions execution. Execution names are the run id, so a redelivered message
 * cannot start a second execution (ExecutionAlreadyExists counts as done). Failures are reported
 * per message (ReportBatchItemFailures): only those are retried, and after maxReceiveCount (3)
 * deliveries SQS moves them to the DLQ. A body that is not a chat job fails alone.
 */
export async function consumeChatJobs(c: Pick<LambdaContainer, 'service' | 'sfn' | 'rt'>, stateMachineArn: string, event: SqsEvent): Promise<SqsBatchResponse> {
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const job = decodeChatJob(JSON.parse(record.body));
      const run = await c.service.runs.getRun({ runId: job.runId, tenantId: job.tenantId });
      if (!run) throw new Error(`run ${job.runId} does not exist`);
      const input = { runId: run.runId, traceId: run.traceId, tenantId: run.tenantId, sessionId: run.sessionId, userId: run.userId, message: run.message };
      try {
        await c.sfn.startExecution({ stateMachineArn, name: run.runId, input: { input } });
      } catch (e) {
        if ((e as { name?: string }).name !== 'ExecutionAlreadyExists') throw e;
      }
    } catch (e) {
      c.rt.logger.warn({ messageId: record.messageId, err: e instanceof Error ? e.message : String(e) }, 'chat job failed; SQS retries it, then dead-letters it');
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
