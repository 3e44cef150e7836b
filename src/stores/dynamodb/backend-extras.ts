import type { QueueOptions } from '../../backend.js';
import type { Queue } from '../../jobs/queue.js';
import type { SqsConnection } from '../sqs/client.js';
import type { KnowledgeStore } from '../../memory/knowledge-store.js';
import type { BedrockKbOptions, ExternalKbOptions } from './backend.js';
import type { Dynamo } from './client.js';
import type { DynamoKnowledgeStore } from './knowledge-store.js';

/**
 * The knowledge and queue slots of the DynamoDB backend: the DynamoDB KnowledgeStore on its own
 * table, and SQS queues (with their DLQs) behind the Queue port, plus the operator figures they
 * own (learning counts, dead letters).
 */

export interface SqsBackendOptions extends SqsConnection {
  /** SQS names are `${queuePrefix}${name}` (and `…-dlq`); default: the table prefix. */
  queuePrefix?: string;
  /** Create missing queues with their redrive policy (local runs); on AWS the infra creates them. */
  createQueues?: boolean;
  /** The SQS clock (a local server's, in tests); default Date.now. */
  now?: () => number;
}

/**
 * A Queue whose SQS URLs are resolved on first use: Backend.queue() is synchronous, creating or
 * looking up a queue is not. Every method waits for the same lookup, started by the first call
 * (a Lambda container that never queues a turn pays neither the SDK import nor the lookups).
 */
export function lazySqsQueue<T>(o: QueueOptions<T>, sqs: SqsBackendOptions, prefix: string, track: (q: Queue<unknown>, close: () => Promise<void>) => void): Queue<T> {
  let client: { destroy(): void } | undefined;
  const maxReceiveCount = o.maxReceiveCount ?? 3;
  const open = async () => {
    const [{ createSqsClient, ensureSqsQueues, loadSqs }, { SqsQueue }] = await Promise.all([import('../sqs/client.js'), import('../sqs/queue.js')]);
    const c = await createSqsClient(sqs);
    client = c;
    const name = `${sqs.queuePrefix ?? prefix}${o.name}`;
    let urls: { queueUrl: string; dlqUrl: string };
    if (sqs.createQueues) urls = await ensureSqsQueues(c, { name, maxReceiveCount });
    else {
      const { GetQueueUrlCommand } = await loadSqs();
      const [main, dlq] = await Promise.all([c.send(new GetQueueUrlCommand({ QueueName: name })), c.send(new GetQueueUrlCommand({ QueueName: `${name}-dlq` }))]);
      urls = { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
    }
    return new SqsQueue<T>({ name: o.name, client: c, ...urls, maxReceiveCount, ...(o.decode ? { decode: o.decode } : {}), ...(sqs.now ? { now: sqs.now } : {}) });
  };
  let ready: ReturnType<typeof open> | undefined;
  const queue = new Proxy({} as Queue<T>, {
    get(_t, prop) {
      if (prop === 'name') return o.name;
      if (prop === 'maxReceiveCount') return maxReceiveCount;
      if (prop === 'then') return undefined;
      return async (...args: unknown[]) => {
        const q = (await (ready ??= open())) as unknown as Record<string | symbol, (...a: unknown[]) => Promise<unknown>>;
        return q[prop]!.apply(q, args);
      };
    },
  });
  // Its HTTP agent keeps sockets open: close() lets a CLI process exit.
  track(queue as Queue<unknown>, async () => {
    await ready?.catch(() => undefined);
    client?.destroy();
  });
  return queue;
}

/**
 * Knowledge on Bedrock Knowledge Bases over the backend's DynamoDB knowledge store (system of
 * record and recent tier); close() stops ingestion polling and releases the clients.
 */
export async function bedrockKnowledge(
  kb: BedrockKbOptions,
  recent: DynamoKnowledgeStore,
  o: { region: string; credentials?: { accessKeyId: string; secretAccessKey: string }; now?: () => number; onWarning?: (message: string, error?: unknown) => void },
): Promise<{ store: KnowledgeStore; close(): void }> {
  const [{ createKbClients }, { BedrockKnowledgeStore }] = await Promise.all([import('../bedrock-kb/clients.js'), import('../bedrock-kb/knowledge-store.js')]);
  const credentials = kb.credentials ?? o.credentials;
  const clients = await createKbClients({
    region: o.region,
    ...(credentials ? { credentials } : {}),
    ...(kb.endpoint || kb.s3Endpoint
      ? { endpoints: { ...(kb.s3Endpoint ? { s3: kb.s3Endpoint } : {}), ...(kb.endpoint ? { bedrockAgent: kb.endpoint, bedrockAgentRuntime: kb.endpoint } : {}) } }
      : {}),
  });
  const warn = o.onWarning;
  const store = new BedrockKnowledgeStore({
    recent, clients, knowledgeBaseId: kb.knowledgeBaseId, dataSourceId: kb.dataSourceId, bucket: kb.bucket,
    ...(kb.prefix !== undefined ? { prefix: kb.prefix } : {}),
    ...(kb.batchWindowMs !== undefined ? { batchWindowMs: kb.batchWindowMs } : {}),
    ...(kb.pollMs !== undefined ? { pollMs: kb.pollMs } : {}),
    ...(kb.ingestion ? { ingestion: kb.ingestion } : {}),
    // Retrieval falls back to the recent tier on these; the operator should still hear of them.
    ...(warn ? { onError: (e: unknown) => warn('Bedrock knowledge base call failed (served from the DynamoDB recent tier)', e) } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  return {
    store,
    close() {
      store.ingestion.close();
      clients.runtime.destroy();
      clients.agent.destroy();
      clients.s3.destroy();
    },
  };
}

/** Search merged with an existing, read-only knowledge base (README "Deploy to AWS"); close() releases its client. */
export async function externalKnowledge(
  x: ExternalKbOptions,
  inner: KnowledgeStore,
  o: { region: string; credentials?: { accessKeyId: string; secretAccessKey: string }; onWarning?: (message: string, error?: unknown) => void },
): Promise<{ store: KnowledgeStore; close(): void }> {
  const [{ createKbClients }, { ExternalKbKnowledgeStore }] = await Promise.all([import('../bedrock-kb/clients.js'), import('../bedrock-kb/external-kb.js')]);
  const credentials = x.credentials ?? o.credentials;
  const clients = await createKbClients({ region: o.region, ...(credentials ? { credentials } : {}), ...(x.endpoint ? { endpoints: { bedrockAgentRuntime: x.endpoint } } : {}) });
  const warn = o.onWarning;
  const store = new ExternalKbKnowledgeStore({
    inner, runtime: clients.runtime, knowledgeBaseId: x.knowledgeBaseId,
    ...(x.tenant ? { tenant: x.tenant } : {}), ...(x.tenantKey ? { tenantKey: x.tenantKey } : {}), ...(x.timeoutMs !== undefined ? { timeoutMs: x.timeoutMs } : {}),
    // The turn goes on with Lore's own knowledge; the operator hears of it (one warning per failed Retrieve).
    ...(warn ? { onError: (e: unknown) => warn(`External Bedrock knowledge base ${x.knowledgeBaseId} unavailable (search served from Lore's knowledge only)`, e) } : {}),
  });
  return {
    store,
    close() {
      clients.runtime.destroy();
      clients.agent.destroy();
      clients.s3.destroy();
    },
  };
}

/** Learnings by status, one tenant's partition or (every tenant) a scan of the knowledge table. */
export async function learningCounts(d: Dynamo, knowledge: DynamoKnowledgeStore, table: string, p: { tenantId?: string }): Promise<{ active: number; superseded: number }> {
  let docs: Array<{ pk?: string; kind?: string; status?: string }>;
  if (p.tenantId !== undefined) {
    const { pk } = await import('./knowledge-items.js');
    docs = await knowledge.db.query(pk.doc(p.tenantId));
  } else {
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    docs = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await d.doc.send(
        new ScanCommand({ TableName: table, FilterExpression: 'kind = :l', ExpressionAttributeValues: { ':l': 'learning' }, ProjectionExpression: 'kind, #s, sk, pk', ExpressionAttributeNames: { '#s': 'status' }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      // Document items only (their partition is <tenant>#DOC).
      docs.push(...((r.Items ?? []) as typeof docs).filter((x) => x.pk?.endsWith('#DOC')));
      start = r.LastEvaluatedKey;
    } while (start);
  }
  const learnings = docs.filter((x) => x.kind === 'learning');
  return { active: learnings.filter((x) => x.status === 'active').length, superseded: learnings.filter((x) => x.status === 'superseded').length };
}
