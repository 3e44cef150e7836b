import type { KnowledgeStoreFactory } from '../../src/memory/knowledge-store.contract.js';
import { createKbClients, type KbClients } from '../../src/stores/bedrock-kb/clients.js';
import { ExternalKbKnowledgeStore } from '../../src/stores/bedrock-kb/external-kb.js';
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

/** Local S3 + Bedrock KB servers for one adapter entry's suites, and SDK clients on them. */
function kbServers(bases: number) {
  const o = { s3: undefined as unknown as S3Server, kb: undefined as unknown as BedrockKbServer, clients: undefined as unknown as KbClients };
  return Object.assign(o, {
    setup: async () => {
      o.s3 = await startS3Server(['kb']);
      const all = Object.fromEntries(Array.from({ length: bases }, (_, i) => [`KB${i}`, { DS: { bucket: 'kb', prefix: `kb${i}/` } }]));
      o.kb = await startBedrockKbServer({ s3: o.s3, knowledgeBases: all, jobMs: 10 });
      o.clients = await createKbClients({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, endpoints: { s3: o.s3.url, bedrockAgent: o.kb.url, bedrockAgentRuntime: o.kb.url } });
    },
    teardown: async () => {
      for (const c of [o.clients.runtime, o.clients.agent, o.clients.s3]) c.destroy();
      await o.kb.close();
      await o.s3.close();
    },
  });
}

export function knowledgeAdapters(ddb: DynamoLocalHandle): Array<AdapterEntry<KnowledgeStoreFactory>> {
  const fresh = dynamoKnowledge(ddb);
  let s3: S3Server;
  let kb: BedrockKbServer;
  let clients: KbClients;
  let n = 0;
  const scheduled = kbServers(60);
  const external = kbServers(1);
  let m = 0;
  return [
    {
      // Writes only queue (no job from the process): the contract holds on the recent tier alone.
      name: 'bedrock-kb, scheduled ingestion (+ dynamodb recent tier)',
      setup: scheduled.setup,
      teardown: scheduled.teardown,
      make: async () => {
        const { store, open } = await fresh();
        const i = m++;
        const wrap = (recent: typeof store) =>
          new BedrockKnowledgeStore({ recent, clients: scheduled.clients, knowledgeBaseId: `KB${i}`, dataSourceId: 'DS', bucket: 'kb', prefix: `kb${i}/`, ingestion: 'scheduled' });
        let current = wrap(store);
        return { store: current, reopen: async () => (current = wrap(await open())), close: async () => current.close() };
      },
    },
    {
      // An existing KB read-only beside the DynamoDB store, holding only another tenant's documents:
      // every search calls Retrieve (tenant-key filter) and the wrapper must keep the contract.
      name: 'dynamodb + external Bedrock KB (read-only)',
      setup: async () => {
        await external.setup();
        external.s3.buckets.get('kb')!.set('kb0/other.md', { body: Buffer.from('Refunds, shipping and holidays of another company.') } as never);
        external.s3.buckets.get('kb')!.set('kb0/other.md.metadata.json', { body: Buffer.from(JSON.stringify({ metadataAttributes: { team: 'someone-else' } })) } as never);
        await fetch(`${external.kb.url}/knowledgebases/KB0/datasources/DS/ingestionjobs/`, { method: 'PUT', headers: { authorization: 'AWS4-HMAC-SHA256 x' }, body: '{}' });
        for (let i = 0; i < 400 && external.kb.jobs.some((j) => j.status !== 'COMPLETE'); i++) await new Promise((r) => setTimeout(r, 5));
      },
      teardown: async () => {
        const calls = external.kb.operations.filter((o) => o === 'Retrieve').length;
        await external.teardown();
        if (calls < 10) throw new Error(`the external KB entry called Retrieve ${calls} times: the wrapper did not reach it`);
      },
      make: async () => {
        const { store, open } = await fresh();
        const wrap = (inner: typeof store) => new ExternalKbKnowledgeStore({ inner, runtime: external.clients.runtime, knowledgeBaseId: 'KB0', tenantKey: 'team' });
        let current = wrap(store);
        return { store: current, reopen: async () => (current = wrap(await open())), close: async () => {} };
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
