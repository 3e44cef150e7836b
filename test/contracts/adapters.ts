import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { QueueFactory } from '../../src/jobs/queue.contract.js';
import type { KnowledgeStoreFactory } from '../../src/memory/knowledge-store.contract.js';
import { createKbClients, type KbClients } from '../../src/stores/bedrock-kb/clients.js';
import { BedrockKnowledgeStore } from '../../src/stores/bedrock-kb/knowledge-store.js';
import { connectDynamo } from '../../src/stores/dynamodb/client.js';
import { createDynamoKnowledgeStore } from '../../src/stores/dynamodb/knowledge-factory.js';
import { SqsQueueSet } from '../../src/stores/sqs/queue-set.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import { startSqsServer } from '../aws-wire/sqs-server.js';
import type { DynamoLocalHandle } from '../dynamo-local.js';

/**
 * Single-port adapters that are not a whole backend (yet): each runs its port's contract suite
 * here, beside the backends of backends.ts. Once a backend bundles an adapter (the DynamoDB
 * backend: DynamoDB knowledge + SQS queue), its entry in backends.ts covers it as well.
 */
export interface AdapterEntry<F> {
  name: string;
  make: F;
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
}

/** A fresh DynamoDB knowledge table on the run's DynamoDB Local; "reopen" = another process (new store, cold cache). */
function dynamoKnowledge(ddb: DynamoLocalHandle) {
  return async () => {
    const { endpoint, region, credentials } = ddb.local;
    const d = connectDynamo({ endpoint, region, credentials, tablePrefix: ddb.prefix() });
    const tablePrefix = d.names.runs.slice(0, -'runs'.length);
    const open = (create = false) => createDynamoKnowledgeStore({ doc: d.doc, raw: d.raw, tablePrefix, create });
    return { store: await open(true), open };
  };
}

export function knowledgeAdapters(ddb: DynamoLocalHandle): Array<AdapterEntry<KnowledgeStoreFactory>> {
  const fresh = dynamoKnowledge(ddb);
  let s3: S3Server;
  let kb: BedrockKbServer;
  let clients: KbClients;
  let n = 0;
  return [
    {
      name: 'dynamodb',
      make: async () => {
        const { store, open } = await fresh();
        return { store, reopen: () => open(), close: async () => {} };
      },
    },
    {
      name: 'bedrock-kb (+ dynamodb recent tier)',
      setup: async () => {
        s3 = await startS3Server(['kb']);
        const bases = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`KB${i}`, { DS: { bucket: 'kb', prefix: `kb${i}/` } }]));
        kb = await startBedrockKbServer({ s3, knowledgeBases: bases, jobMs: 10 });
        clients = await createKbClients({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, endpoints: { s3: s3.url, bedrockAgent: kb.url, bedrockAgentRuntime: kb.url } });
      },
      teardown: async () => {
        for (const c of [clients.runtime, clients.agent, clients.s3]) c.destroy();
        await kb.close();
        await s3.close();
      },
      make: async () => {
        const { store, open } = await fresh();
        const i = n++;
        const wrap = (recent: typeof store) =>
          new BedrockKnowledgeStore({ recent, clients, knowledgeBaseId: `KB${i}`, dataSourceId: 'DS', bucket: 'kb', prefix: `kb${i}/`, batchWindowMs: 5, pollMs: 5 });
        let current = wrap(store);
        return {
          store: current,
          reopen: async () => (current = wrap(await open())),
          close: async () => {
            await current.ingestion.idle();
            current.close();
          },
        };
      },
    },
  ];
}

export const queueAdapters: Array<AdapterEntry<QueueFactory>> = [
  {
    name: 'sqs (SQS JSON protocol)',
    make: async (o) => {
      const server = await startSqsServer();
      const set = new SqsQueueSet({
        connection: { region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
        prefix: 'lore-', create: true, now: server.now,
      });
      const queue = set.queue({ name: o.name, maxReceiveCount: o.maxReceiveCount, ...(o.decode ? { decode: o.decode } : {}) });
      await queue.depth(); // resolves the client and creates the queue pair
      return {
        queue,
        async sendRaw(text) {
          const { createSqsClient } = await import('../../src/stores/sqs/client.js');
          const c = await createSqsClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
          try {
            const r = await c.send(new SendMessageCommand({ QueueUrl: `${server.url}/000000000000/lore-${o.name}`, MessageBody: text }));
            return { id: r.MessageId! };
          } finally {
            c.destroy();
          }
        },
        advance: async (ms) => server.advance(ms),
        close: async () => {
          await set.close();
          await server.close();
        },
      };
    },
  },
];
