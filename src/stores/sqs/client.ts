import type { SQSClient } from '@aws-sdk/client-sqs';

/** Where the SQS client talks to: the region's endpoint, or a local one (tests, ElasticMQ, LocalStack). */
export interface SqsConnection {
  region: string;
  endpoint?: string;
  /** Static credentials (local servers); absent = the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

type SqsModule = typeof import('@aws-sdk/client-sqs');
let sdk: Promise<SqsModule> | undefined;

/** The SDK is loaded on first use, so a SQLite-only deployment never pays for it. */
export function loadSqs(): Promise<SqsModule> {
  return (sdk ??= import('@aws-sdk/client-sqs'));
}

export async function createSqsClient(c: SqsConnection): Promise<SQSClient> {
  const { SQSClient } = await loadSqs();
  return new SQSClient({
    region: c.region,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    ...(c.credentials ? { credentials: c.credentials } : {}),
  });
}

/**
 * Create (or find) a queue and its dead-letter queue with a redrive policy: after
 * `maxReceiveCount` deliveries SQS moves a message to `<name>-dlq` on its own. In production the
 * infrastructure creates both (same names); this is for local runs and tests. Idempotent.
 */
export async function ensureSqsQueues(client: SQSClient, p: { name: string; maxReceiveCount: number; visibilityTimeoutS?: number }): Promise<{ queueUrl: string; dlqUrl: string }> {
  const { CreateQueueCommand, GetQueueAttributesCommand } = await loadSqs();
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${p.name}-dlq` }));
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }));
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: p.name,
      Attributes: {
        VisibilityTimeout: String(p.visibilityTimeoutS ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attrs.Attributes!.QueueArn, maxReceiveCount: String(p.maxReceiveCount) }),
      },
    }),
  );
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}
