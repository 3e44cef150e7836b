import type { KnowledgeStoreFactory } from '../../src/memory/knowledge-store.contract.js';
import { createKbClients, type KbClients } from '../../src/stores/bedrock-kb/clients.js';
import { BedrockKnowledgeStore } from '../../src/stores/bedrock-kb/knowledge-store.js';
import { connectDynamo } from '../../src/stores/dynamodb/client.js';
import { createDynamoKnowledgeStore } from '../../src/stores/dynamodb/knowledge-factory.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import type { DynamoLocalHandle } from '../dynamo-local.js';

/**
 * Single-port adapters that no backend in backends.ts bundles by default: each runs its port's
 * contract suite here. (The DynamoDB knowledge store and the SQS queue run inside the `dynamodb`
 * backend entry; the Bedrock KB knowledge store, an alternative for that slot on AWS, runs here.)
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
