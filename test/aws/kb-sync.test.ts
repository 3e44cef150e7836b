import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildContainer } from '../../src/aws/container.js';
import { lambdaSettings } from '../../src/aws/env.js';
import { openKbSync, type KbSync } from '../../src/aws/kb-sync.js';
import { bedrockKbSettings } from '../../src/backend-registry.js';
import { loadConfig, type LoreConfig } from '../../src/config.js';
import { createDynamoBackend, type DynamoBackend } from '../../src/stores/dynamodb/backend.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import { useDynamoLocal } from '../dynamo-local.js';

/**
 * Scheduled ingestion (LORE_KB_INGESTION=scheduled): request-path writes only reach S3 and the
 * ledger; the sync handler's logic (src/aws/kb-sync.ts, what the EventBridge rule's Lambda runs)
 * starts jobs and marks entries indexed from DynamoDB state alone. Real SDK clients against the
 * local S3 and Bedrock KB wire servers, DynamoDB Local as the ledger.
 */
const ddb = useDynamoLocal();
let s3: S3Server;
let kbServer: BedrockKbServer;
const KBS = 6;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const T = 'acme';
const Q = 'Which region hosts the billing database?';
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server(['sync-bucket']);
  const knowledgeBases: Record<string, Record<string, { bucket: string; prefix: string }>> = {};
  for (let i = 1; i <= KBS; i++) knowledgeBases[`SYNC${String(i).padStart(6, '0')}`] = { DS: { bucket: 'sync-bucket', prefix: `s${i}/` } };
  kbServer = await startBedrockKbServer({ s3, knowledgeBases, jobMs: 10 });
});
afterAll(async () => {
  await kbServer.close();
  await s3.close();
});

/** A deployment: config as the stack sets it, one request-path backend, and sync runs (each a cold Lambda). */
async function deployment() {
  n++;
  const kbId = `SYNC${String(n).padStart(6, '0')}`;
  const config: LoreConfig = loadConfig({
    LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: ddb.local.endpoint, LORE_DYNAMODB_TABLE_PREFIX: ddb.prefix(),
    LORE_KNOWLEDGE: 'bedrock-kb', LORE_BEDROCK_KB_ID: kbId, LORE_BEDROCK_KB_DATA_SOURCE_ID: 'DS', LORE_KNOWLEDGE_BUCKET: 'sync-bucket',
    LORE_KNOWLEDGE_PREFIX: `s${n}/`, LORE_BEDROCK_KB_ENDPOINT: kbServer.url, LORE_S3_ENDPOINT: s3.url, LORE_KB_INGESTION: 'scheduled',
  });
  const d = config.store.dynamodb;
  const backend: DynamoBackend = await createDynamoBackend({
    endpoint: d.endpoint!, region: d.region, credentials, tablePrefix: d.tablePrefix, createTables: true, sessionTtlSeconds: config.memory.sessionTtlSeconds, bedrockKb: { ...bedrockKbSettings(config)!, credentials },
  });
  const syncs: KbSync[] = [];
  // Writers and the sync share this machine's clock here: no skew margin (its own test below).
  const sync = async (clockSkewMs = 0) => {
    const s = await openKbSync(config, { credentials, clockSkewMs });
    syncs.push(s);
    return s;
  };
  const jobs = () => kbServer.jobs.filter((j) => j.kbId === kbId);
  /** Wait (bounded by count) until the server has ended every job of this knowledge base. */
  const jobsEnded = async () => {
    for (let i = 0; i < 400 && jobs().some((j) => j.status === 'IN_PROGRESS' || j.status === 'STARTING'); i++) await new Promise((r) => setTimeout(r, 5));
  };
  const close = async () => {
    for (const s of syncs) s.close();
    await backend.close();
  };
  return { backend, sync, jobs, jobsEnded, close, kbId };
}

const vectorRanked = async (b: DynamoBackend) => (await b.knowledge.search({ tenantId: T, query: Q, topK: 5, explain: true })).map((h) => h.ranks?.vector !== undefined);

describe('scheduled Bedrock KB ingestion (the kb-sync Lambda)', () => {
  it('queued → job started → completes → entries indexed → search served by the KB; a write during the job waits for the next one', async () => {
    const dep = await deployment();
    const { knowledge } = dep.backend;
    await knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    await knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://ops.md', kind: 'document', text: 'The billing database is backed up nightly to another region.' });
    // The request path started nothing: no timer left in a frozen Lambda.
    expect(dep.jobs()).toHaveLength(0);
    expect(await vectorRanked(dep.backend)).toEqual([false, false]);

    kbServer.hold = true;
    let late;
    try {
      const first = await (await dep.sync()).run();
      expect(first).toMatchObject({ action: 'started', pendingTenants: 1 });
      expect(dep.jobs()).toHaveLength(1);
      // Still running: the next tick only polls.
      expect(await (await dep.sync()).run()).toMatchObject({ action: 'running', jobId: first.jobId });
      late = await knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://dr.md', kind: 'document', text: 'Billing database failover region: us-east-2.' });
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    const second = await (await dep.sync()).run();
    expect(second).toMatchObject({ finished: { status: 'COMPLETE', indexed: 2 }, action: 'started' });
    const hits = await knowledge.search({ tenantId: T, query: Q, topK: 5, explain: true });
    expect(hits.filter((h) => h.ranks?.vector !== undefined).map((h) => h.sourceUri).sort()).toEqual(['kb://infra.md', 'kb://ops.md']);
    expect(hits.find((h) => h.docId === late.id)?.ranks?.vector).toBeUndefined();

    await dep.jobsEnded();
    expect(await (await dep.sync()).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle', pendingTenants: 0 });
    expect(await vectorRanked(dep.backend)).toEqual([true, true, true]);
    // Nothing queued: a tick starts nothing.
    expect(await (await dep.sync()).run()).toEqual({ action: 'idle', pendingTenants: 0 });
    expect(dep.jobs()).toHaveLength(2);
    await dep.close();
  });

  it('a FAILED job leaves its entries queued, and the next tick starts another job', async () => {
    const dep = await deployment();
    await dep.backend.knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    kbServer.failNext = 1;
    expect(await (await dep.sync()).run()).toMatchObject({ action: 'started' });
    await dep.jobsEnded();
    expect(dep.jobs().map((j) => j.status)).toEqual(['FAILED']);
    kbServer.hold = true;
    try {
      expect(await (await dep.sync()).run()).toMatchObject({ finished: { status: 'FAILED', indexed: 0 }, action: 'started', pendingTenants: 1 });
      expect(await vectorRanked(dep.backend)).toEqual([false]);
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    expect(await (await dep.sync()).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle' });
    expect(await vectorRanked(dep.backend)).toEqual([true]);
    await dep.close();
  });

  it('overlapping invocations start at most one job (conditional claim), and a job started outside Lore is waited out', async () => {
    const dep = await deployment();
    await dep.backend.knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    kbServer.hold = true;
    try {
      const runs = await Promise.all(await Promise.all([dep.sync(), dep.sync(), dep.sync(), dep.sync()]).then((s) => s.map((x) => x.run())));
      expect(runs.filter((r) => r.action === 'started')).toHaveLength(1);
      expect(runs.filter((r) => r.action !== 'started').every((r) => r.action === 'claimed-elsewhere' || r.action === 'running')).toBe(true);
      expect(dep.jobs()).toHaveLength(1);
      expect(kbServer.conflicts.get(dep.kbId)).toBeUndefined();
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    expect(await (await dep.sync()).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle' });

    // Someone starts a job in the console while Lore has work queued: ConflictException, the claim is released.
    await dep.backend.knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://ops.md', kind: 'document', text: 'The billing database is backed up nightly.' });
    kbServer.hold = true;
    try {
      const res = await fetch(`${kbServer.url}/knowledgebases/${dep.kbId}/datasources/DS/ingestionjobs/`, { method: 'PUT', headers: { authorization: 'AWS4-HMAC-SHA256 test' }, body: '{}' });
      expect(res.status).toBe(202);
      expect(await (await dep.sync()).run()).toMatchObject({ action: 'conflict', pendingTenants: 1 });
    } finally {
      kbServer.hold = false;
      kbServer.release();
    }
    expect(await (await dep.sync()).run()).toMatchObject({ action: 'started' });
    await dep.jobsEnded();
    expect(await (await dep.sync()).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle' });
    await dep.close();
  });

  it('leaves an entry queued inside the clock-skew margin of the job start for the next job', async () => {
    const dep = await deployment();
    await dep.backend.knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
    // Started within a minute of the write: with a 60 s margin the job does not count as covering it.
    expect(await (await dep.sync(60_000)).run()).toMatchObject({ action: 'started' });
    await dep.jobsEnded();
    expect(await (await dep.sync(60_000)).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 0 }, action: 'started', pendingTenants: 1 });
    expect(await vectorRanked(dep.backend)).toEqual([false]);
    await dep.jobsEnded();
    expect(await (await dep.sync(0)).run()).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle', pendingTenants: 0 });
    await dep.close();
  });

  it('as deployed: the container (API / step functions) only writes S3 + ledger, the kb-sync handler entry point ingests', async () => {
    n++;
    const kbId = `SYNC${String(n).padStart(6, '0')}`;
    const dir = mkdtempSync(join(tmpdir(), 'lore-kbsync-'));
    const env = {
      LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: ddb.local.endpoint, LORE_DYNAMODB_TABLE_PREFIX: ddb.prefix(),
      LORE_KNOWLEDGE: 'bedrock-kb', LORE_BEDROCK_KB_ID: kbId, LORE_BEDROCK_KB_DATA_SOURCE_ID: 'DS', LORE_KNOWLEDGE_BUCKET: 'sync-bucket',
      LORE_KNOWLEDGE_PREFIX: `s${n}/`, LORE_BEDROCK_KB_ENDPOINT: kbServer.url, LORE_S3_ENDPOINT: s3.url, LORE_KB_INGESTION: 'scheduled',
      LORE_MODEL: 'offline', LORE_DATA_DIR: dir, LORE_LOG_LEVEL: 'silent', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
    const c = await buildContainer(lambdaSettings(process.env), { runtime: { logDestination: new Writable({ write: (_c, _e, cb) => cb() }), traceExporter: 'none' }, metrics: () => {} });
    try {
      await c.rt.knowledge.upsertDocument({ tenantId: T, sourceUri: 'kb://infra.md', kind: 'document', text: 'The billing database runs in eu-west-1 on Aurora.' });
      // The container opened the Bedrock KB adapter (the document is in the data source's bucket) and started no job.
      expect([...s3.buckets.get('sync-bucket')!.keys()].filter((k) => k.startsWith(`s${n}/`))).toHaveLength(2);
      expect(kbServer.jobs.filter((j) => j.kbId === kbId)).toHaveLength(0);
      const { handler } = await import('../../src/aws/handlers/kb-sync.js');
      const first = await handler();
      expect(first).toMatchObject({ action: 'started' });
      const ended = async () => {
        for (let i = 0; i < 400 && kbServer.jobs.some((j) => j.kbId === kbId && j.status === 'IN_PROGRESS'); i++) await new Promise((r) => setTimeout(r, 5));
      };
      await ended();
      // The default 1 s clock-skew margin: jobs started within a second of the write do not count
      // as covering it; each tick starts another until one started late enough (bounded by count).
      let report = await handler();
      const early: unknown[] = [];
      for (let i = 0; i < 200 && report.finished?.indexed !== 1; i++) {
        early.push(report);
        await ended();
        report = await handler();
      }
      expect(early.every((r) => (r as typeof report).finished?.indexed === 0 && (r as typeof report).action === 'started')).toBe(true);
      expect(report).toMatchObject({ finished: { status: 'COMPLETE', indexed: 1 }, action: 'idle', pendingTenants: 0 });
      expect(JSON.parse(logs.at(-1)!)).toMatchObject({ event: 'kb_sync', action: 'idle', finished: { indexed: 1 } });
      const [hit] = await c.rt.knowledge.search({ tenantId: T, query: Q, topK: 5, explain: true });
      expect(hit?.ranks?.vector).toBe(1);
    } finally {
      await c.close();
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
