import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackend } from '../../src/backend-registry.js';
import { loadConfig } from '../../src/config.js';
import { BedrockKnowledgeStore } from '../../src/stores/bedrock-kb/knowledge-store.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import { startSqsServer, type SqsServer } from '../aws-wire/sqs-server.js';
import { useDynamoLocal } from '../dynamo-local.js';

/**
 * LORE_STORE=dynamodb with the AWS adapters chosen by config alone (src/config.ts →
 * src/backend-registry.ts): queues on a local SQS endpoint (LORE_SQS_ENDPOINT) and knowledge on a
 * Bedrock knowledge base (LORE_KNOWLEDGE=bedrock-kb) through local S3 and Bedrock KB servers.
 */
const ddb = useDynamoLocal();
let s3: S3Server;
let kb: BedrockKbServer;
let sqs: SqsServer;

beforeAll(async () => {
  s3 = await startS3Server(['acme-kb']);
  kb = await startBedrockKbServer({ s3, knowledgeBases: { KB1: { DS1: { bucket: 'acme-kb', prefix: 'lore/' } } }, jobMs: 10 });
  sqs = await startSqsServer();
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
});
afterAll(async () => {
  await kb.close();
  await s3.close();
  await sqs.close();
});

function env(): Record<string, string> {
  return {
    LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: ddb.local.endpoint, LORE_DYNAMODB_TABLE_PREFIX: ddb.prefix(), AWS_REGION: ddb.local.region,
    LORE_SQS_ENDPOINT: sqs.url, LORE_SQS_QUEUE_PREFIX: `q${Math.random().toString(36).slice(2, 8)}-`,
  };
}

describe('the AWS adapters selected by config', () => {
  it('LORE_SQS_ENDPOINT: the queue slot works against the local endpoint, queues named by LORE_SQS_QUEUE_PREFIX', async () => {
    const e = env();
    const b = await openBackend(loadConfig(e, { logLevel: 'silent' }));
    try {
      const q = b.queue<{ n: number }>({ name: 'jobs' });
      await q.send({ body: { n: 1 } });
      const [m] = await q.receive({ visibilityTimeoutMs: 1000 });
      expect(m).toMatchObject({ body: { n: 1 }, receiveCount: 1 });
      expect(await q.ack({ receipt: m!.receipt })).toBe(true);
      expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 0 });
      const { ListQueuesCommand, SQSClient } = await import('@aws-sdk/client-sqs');
      const c = new SQSClient({ region: e.AWS_REGION, endpoint: sqs.url });
      const urls = (await c.send(new ListQueuesCommand({}))).QueueUrls ?? [];
      c.destroy();
      expect(urls.filter((u) => u.includes(e.LORE_SQS_QUEUE_PREFIX!)).map((u) => u.split('/').pop()).sort()).toEqual([`${e.LORE_SQS_QUEUE_PREFIX}jobs`, `${e.LORE_SQS_QUEUE_PREFIX}jobs-dlq`]);
    } finally {
      await b.close();
    }
  });

  it('without LORE_SQS_ENDPOINT a local DynamoDB endpoint leaves the queue slot empty (CONFIG_INVALID), never the region\'s SQS', async () => {
    const { LORE_SQS_ENDPOINT: _, ...e } = env();
    const b = await openBackend(loadConfig(e, { logLevel: 'silent' }));
    try {
      expect(() => b.queue({ name: 'jobs' }).send({ body: 1 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    } finally {
      await b.close();
    }
  });

  it('LORE_KNOWLEDGE=bedrock-kb: knowledge is written to the S3 data source, ingested and retrieved through the KB', async () => {
    const config = loadConfig(
      { ...env(), LORE_KNOWLEDGE: 'bedrock-kb', LORE_BEDROCK_KB_ID: 'KB1', LORE_BEDROCK_KB_DATA_SOURCE_ID: 'DS1', LORE_KNOWLEDGE_BUCKET: 'acme-kb', LORE_BEDROCK_KB_ENDPOINT: kb.url, LORE_S3_ENDPOINT: s3.url },
      { logLevel: 'silent' },
    );
    const b = await openBackend(config);
    try {
      expect(b.knowledge).toBeInstanceOf(BedrockKnowledgeStore);
      const doc = await b.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
      // Readable at once (the DynamoDB recent tier), before ingestion has caught up.
      expect((await b.knowledge.search({ tenantId: 'acme', query: 'Where does the billing database run?', topK: 3 })).map((h) => h.docId)).toEqual([doc.id]);
      await (b.knowledge as BedrockKnowledgeStore).ingestion.idle();
      expect([...(s3.buckets.get('acme-kb')?.keys() ?? [])].some((k) => k.startsWith('lore/'))).toBe(true);
      expect(kb.jobs.filter((j) => j.kbId === 'KB1').length).toBeGreaterThanOrEqual(1);
      const hits = await b.knowledge.search({ tenantId: 'acme', query: 'Where does the billing database run?', topK: 3, explain: true });
      expect(hits.map((h) => h.docId)).toEqual([doc.id]);
      expect(hits[0]!.ranks?.vector).toBeDefined(); // found through Retrieve too
      expect(kb.operations).toContain('Retrieve');
    } finally {
      await b.close();
    }
  });
});
