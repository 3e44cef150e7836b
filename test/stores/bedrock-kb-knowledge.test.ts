import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKbClients, type KbClients } from '../../src/stores/bedrock-kb/clients.js';
import { BedrockKnowledgeStore } from '../../src/stores/bedrock-kb/knowledge-store.js';
import { connectDynamo } from '../../src/stores/dynamodb/client.js';
import { DynamoKnowledgeStore } from '../../src/stores/dynamodb/knowledge-store.js';
import { ensureKnowledgeTable, knowledgeTableName } from '../../src/stores/dynamodb/knowledge-tables.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import { useDynamoLocal } from '../dynamo-local.js';

/**
 * The Bedrock KB adapter through the real SDK clients against local S3 and Bedrock KB servers,
 * with DynamoDB Local as the system of record and recent tier.
 */
const ddb = useDynamoLocal();
let s3: S3Server;
let kbServer: BedrockKbServer;
let clients: KbClients;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server(['kb-bucket']);
  const knowledgeBases: Record<string, Record<string, { bucket: string; prefix: string }>> = {};
  for (let i = 1; i <= 40; i++) knowledgeBases[`KB${i}`] = { DS: { bucket: 'kb-bucket', prefix: `kb${i}/` } };
  kbServer = await startBedrockKbServer({ s3, knowledgeBases, jobMs: 15 });
  clients = await createKbClients({
    region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoints: { s3: s3.url, bedrockAgent: kbServer.url, bedrockAgentRuntime: kbServer.url },
  });
});
afterAll(async () => {
  clients.runtime.destroy();
  clients.agent.destroy();
  clients.s3.destroy();
  await kbServer.close();
  await s3.close();
});

/** A fresh knowledge base (own S3 prefix) over a fresh table; `second()` is another process on the same ones. */
async function fresh(errors: unknown[] = []) {
  const { endpoint, region, credentials } = ddb.local;
  const d = connectDynamo({ endpoint, region, credentials, tablePrefix: ddb.prefix() });
  const tableName = knowledgeTableName(ddb.prefix());
  n++;
  await ensureKnowledgeTable(d.raw, tableName);
  const kbId = `KB${n}`;
  const make = (over: { batchWindowMs?: number } = {}) =>
    new BedrockKnowledgeStore({
      recent: new DynamoKnowledgeStore({ client: d.doc, tableName }), clients, knowledgeBaseId: kbId, dataSourceId: 'DS',
      bucket: 'kb-bucket', prefix: `kb${n}/`, batchWindowMs: 5, pollMs: 5, onError: (e) => errors.push(e), ...over,
    });
  return { store: make(), second: make, kbId, prefix: `kb${n}/` };
}

// The knowledge and trust contract suites run over this adapter in test/contracts/adapters.test.ts.

describe('BedrockKnowledgeStore specifics', () => {
  const T = 'acme';
  const Q = 'Which region hosts the billing database?';

  it('serves a new learning from the recent tier at once, from the KB once ingested, and never a deleted one', async () => {
    const { store, kbId } = await fresh();
    kbServer.hold = true;
    try {
      const doc = await store.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
      const l = await store.upsertDocument({ tenantId: T, sourceUri: 'learning://1', kind: 'learning', text: 'The billing database moved to eu-central-1.', provenance: { userId: 'u' } });
      // Next turn, ingestion still running: both found, through BM25 only (no vector rank).
      const early = await store.search({ tenantId: T, query: Q, topK: 5, explain: true });
      expect(early.map((h) => h.docId).sort()).toEqual([doc.id, l.id].sort());
      expect(early.every((h) => h.ranks?.vector === undefined)).toBe(true);
      expect(kbServer.jobs.filter((j) => j.kbId === kbId)).toHaveLength(1); // both writes share one job
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    await store.ingestion.idle();
    const late = await store.search({ tenantId: T, query: Q, topK: 5, explain: true });
    expect(late).toHaveLength(2);
    expect(late.every((h) => h.ranks?.vector !== undefined)).toBe(true);

    // Deleted while the KB still holds it (job held): gone from the very next search.
    kbServer.hold = true;
    try {
      const target = late.find((h) => h.kind === 'learning')!;
      await store.deleteDocument({ tenantId: T, id: target.docId, actor: 'admin' });
      expect((await store.search({ tenantId: T, query: Q, topK: 5 })).map((h) => h.docId)).not.toContain(target.docId);
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    await store.ingestion.idle();
    store.close();
  });

  it('applies supersession to KB hits at read time and maps them onto DynamoDB chunks', async () => {
    const { store } = await fresh();
    const doc = await store.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    await store.ingestion.idle();
    const [hit] = await store.search({ tenantId: T, query: Q, topK: 5, explain: true });
    expect(hit).toMatchObject({ docId: doc.id, ranks: { vector: 1 } });
    const l = await store.upsertDocument({ tenantId: T, sourceUri: 'learning://2', kind: 'learning', text: 'Update: the billing database region is now eu-central-1.', provenance: { userId: 'u' } });
    await store.supersede({ tenantId: T, chunkId: hit!.chunkId, newId: l.id, actor: 'learner' });
    const hits = await store.search({ tenantId: T, query: Q, topK: 5 });
    expect(hits.map((h) => h.docId)).toEqual([l.id, doc.id]);
    expect(hits[1]!.supersededBy).toEqual({ docId: l.id, text: l.text });
    await store.ingestion.idle();
    store.close();
  });

  it('keeps one job per data source across processes: a ConflictException is retried until the running job ends', async () => {
    const { store, second, kbId } = await fresh();
    const other = second();
    kbServer.hold = true;
    try {
      await store.upsertDocument({ tenantId: T, sourceUri: 'kb://a.md', kind: 'document', text: 'Alpha service owns invoices.' });
      for (let i = 0; i < 50 && kbServer.jobs.filter((j) => j.kbId === kbId).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await other.upsertDocument({ tenantId: T, sourceUri: 'kb://b.md', kind: 'document', text: 'Beta service owns refunds.' });
      for (let i = 0; i < 200 && !kbServer.conflicts.get(kbId); i++) await new Promise((r) => setTimeout(r, 5));
      expect(kbServer.conflicts.get(kbId)).toBeGreaterThan(0);
      expect(kbServer.jobs.filter((j) => j.kbId === kbId)).toHaveLength(1);
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    await Promise.all([store.ingestion.idle(), other.ingestion.idle()]);
    expect(kbServer.jobs.filter((j) => j.kbId === kbId && j.status === 'COMPLETE')).toHaveLength(2);
    expect(store.ingestion.jobsStarted + other.ingestion.jobsStarted).toBe(2);
    const hits = await other.search({ tenantId: T, query: 'which service owns refunds', topK: 5, explain: true });
    expect(hits[0]).toMatchObject({ sourceUri: 'kb://b.md', ranks: { vector: 1 } });
    store.close();
    other.close();
  });

  it('inline: a process stopped before its ingestion job ran leaves the work to the next one, which resumes it at start', async () => {
    const { store: unused, second, kbId } = await fresh();
    unused.close();
    // The first process writes, then stops inside its batching window: no job is ever started.
    const store = second({ batchWindowMs: 60_000 });
    const gone = await store.upsertDocument({ tenantId: T, sourceUri: 'kb://c.md', kind: 'document', text: 'Gamma service owns payouts.' });
    const withdrawn = await store.upsertDocument({ tenantId: 'other', sourceUri: 'kb://d.md', kind: 'document', text: 'Delta service owns audits.' });
    await store.deleteDocument({ tenantId: 'other', id: withdrawn.id, actor: 't' });
    store.close(); // its batcher wakes after the window, sees it is closed and starts nothing
    expect(kbServer.jobs.filter((j) => j.kbId === kbId)).toHaveLength(0);
    expect((await store.syncState.pending()).map((p) => p.tenantId).sort()).toEqual(['acme', 'other']);

    const next = second();
    await next.warmUp();
    await next.ingestion.idle();
    expect(kbServer.jobs.filter((j) => j.kbId === kbId && j.status === 'COMPLETE').length).toBeGreaterThan(0);
    const hits = await next.search({ tenantId: T, query: 'which service owns payouts', topK: 5, explain: true });
    expect(hits[0]).toMatchObject({ docId: gone.id, ranks: { vector: 1 } });
    // Nothing left pending: a third start schedules nothing.
    expect(await next.syncState.pending()).toEqual([]);
    const jobs = kbServer.jobs.filter((j) => j.kbId === kbId).length;
    const third = second();
    await third.warmUp();
    await third.ingestion.idle();
    expect(kbServer.jobs.filter((j) => j.kbId === kbId)).toHaveLength(jobs);
    next.close();
    third.close();
  });

  it('falls back to BM25 over everything when Retrieve fails', async () => {
    const errors: unknown[] = [];
    const { store } = await fresh(errors);
    await store.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    await store.ingestion.idle();
    const broken = new BedrockKnowledgeStore({ ...(store as unknown as { o: ConstructorParameters<typeof BedrockKnowledgeStore>[0] }).o, knowledgeBaseId: 'NOPE', onError: (e) => errors.push(e) });
    const hits = await broken.search({ tenantId: T, query: Q, topK: 5, explain: true });
    expect(hits.map((h) => h.sourceUri)).toEqual(['kb://infra.md']);
    expect(errors.some((e) => (e as { name?: string }).name === 'ResourceNotFoundException')).toBe(true);
    store.close();
  });
});
