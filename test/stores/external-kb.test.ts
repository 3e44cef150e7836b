import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSearch } from '../../src/cli/commands/search.js';
import { externalKbSettings } from '../../src/backend-registry.js';
import { loadConfig } from '../../src/config.js';
import { buildContext } from '../../src/memory/context-builder.js';
import { ExternalKbKnowledgeStore, isExternal } from '../../src/stores/bedrock-kb/external-kb.js';
import { createDynamoBackend, type DynamoBackend, type ExternalKbOptions } from '../../src/stores/dynamodb/backend.js';
import { startBedrockKbServer, type BedrockKbServer } from '../aws-wire/bedrock-kb-server.js';
import { startS3Server, type S3Server } from '../aws-wire/s3-server.js';
import { useDynamoLocal } from '../dynamo-local.js';

/**
 * An existing Bedrock knowledge base (LORE_EXTERNAL_KB_ID), read-only beside the DynamoDB knowledge
 * store: its company docs were ingested by its own data source (here: objects put in the local S3
 * server and one ingestion job on the local KB server), Lore only calls Retrieve on it.
 */
const ddb = useDynamoLocal();
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const KB = 'COMPANYKB1';
const Q = 'How many vacation days do employees get?';
let s3: S3Server;
let kbServer: BedrockKbServer;
let hanging: Server;

const put = (key: string, body: string, team?: string) => {
  const bucket = s3.buckets.get('company')!;
  bucket.set(key, { body: Buffer.from(body) } as never);
  if (team) bucket.set(`${key}.metadata.json`, { body: Buffer.from(JSON.stringify({ metadataAttributes: { team } })) } as never);
};

beforeAll(async () => {
  s3 = await startS3Server(['company']);
  kbServer = await startBedrockKbServer({ s3, knowledgeBases: { [KB]: { DS: { bucket: 'company', prefix: 'docs/' } } }, jobMs: 5 });
  put('docs/handbook.md', 'Employees get 25 vacation days per year, plus public holidays.', 'acme');
  put('docs/travel.md', 'Employees book travel through the travel desk; economy class for flights under six hours.', 'acme');
  put('docs/globex-handbook.md', 'Globex employees get 30 vacation days per year.', 'globex');
  // The team's own data source ingests them (not Lore).
  const res = await fetch(`${kbServer.url}/knowledgebases/${KB}/datasources/DS/ingestionjobs/`, { method: 'PUT', headers: { authorization: 'AWS4-HMAC-SHA256 x' }, body: '{}' });
  expect(res.status).toBe(202);
  for (let i = 0; i < 400 && kbServer.jobs.some((j) => j.status !== 'COMPLETE'); i++) await new Promise((r) => setTimeout(r, 5));
  // A knowledge base endpoint that accepts connections and never answers.
  hanging = createServer(() => {});
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise((r) => hanging.close(r));
  await kbServer.close();
  await s3.close();
});

async function backend(externalKb: Omit<ExternalKbOptions, 'credentials'>, warnings: string[] = []): Promise<DynamoBackend> {
  return createDynamoBackend({
    endpoint: ddb.local.endpoint, region: 'us-east-1', credentials, tablePrefix: ddb.prefix(), createTables: true, sessionTtlSeconds: 3600,
    externalKb: { endpoint: kbServer.url, timeoutMs: 2000, ...externalKb, credentials },
    onWarning: (m) => warnings.push(m),
  });
}

describe('an existing Bedrock knowledge base, read-only (LORE_EXTERNAL_KB_ID)', () => {
  it('merges Retrieve results with the DynamoDB store by RRF, attributed to their source URI, and they reach the prompt', async () => {
    const b = await backend({ knowledgeBaseId: KB, tenantKey: 'team' });
    const l = await b.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'learning://1', kind: 'learning', text: 'Since 2026 employees get 27 vacation days.', provenance: { userId: 'u' } });
    const hits = await b.knowledge.search({ tenantId: 'acme', query: Q, topK: 5, explain: true });
    // Lore's learning first (rank 1 in its list, ties go to Lore), then the KB's best, by rank fusion.
    expect(hits.map((h) => h.sourceUri)).toEqual(['learning://1', 's3://company/docs/handbook.md', 's3://company/docs/travel.md']);
    expect(hits[0]).toMatchObject({ docId: l.id, score: 1, rawScore: 1 / 61 });
    expect(hits[1]).toMatchObject({ kind: 'document', score: 1, rawScore: 1 / 61, ranks: { vector: 1 } });
    expect(hits[2]).toMatchObject({ rawScore: 1 / 62, ranks: { vector: 2 } });
    expect(isExternal(hits[1]!.docId) && isExternal(hits[1]!.chunkId)).toBe(true);
    // Same chunk, same ids on the next search (run context and feedback refer to them).
    expect((await b.knowledge.search({ tenantId: 'acme', query: Q, topK: 5 }))[1]!.chunkId).toBe(hits[1]!.chunkId);

    // The turn's context: the company handbook is in the semantic memory the model reads.
    const ctx = await buildContext({ sessions: b.sessions, knowledge: b.knowledge, tenantId: 'acme', sessionId: 's1', userId: 'u', message: Q, historyTurns: 0, topK: 5 });
    const system = JSON.stringify(ctx.system);
    expect(system).toContain('25 vacation days');
    expect(system).toContain('27 vacation days');
    expect(system).not.toContain('Globex');
    await b.close();
  });

  it('isolates tenants by the metadata key: another tenant gets only its own documents, a tenant without any gets none', async () => {
    const b = await backend({ knowledgeBaseId: KB, tenantKey: 'team' });
    expect((await b.knowledge.search({ tenantId: 'globex', query: Q, topK: 5 })).map((h) => h.sourceUri)).toEqual(['s3://company/docs/globex-handbook.md']);
    expect(await b.knowledge.search({ tenantId: 'initech', query: Q, topK: 5 })).toEqual([]);
    // Learnings-only searches do not reach the KB (it holds documents).
    const before = kbServer.operations.length;
    expect(await b.knowledge.search({ tenantId: 'acme', query: Q, topK: 5, kinds: ['learning'] })).toEqual([]);
    expect(kbServer.operations.length).toBe(before);
    await b.close();
  });

  it('isolates tenants by an allowed tenant: only that tenant calls Retrieve', async () => {
    const b = await backend({ knowledgeBaseId: KB, tenant: 'acme' });
    expect((await b.knowledge.search({ tenantId: 'acme', query: Q, topK: 5 })).map((h) => h.sourceUri)).toContain('s3://company/docs/globex-handbook.md');
    const before = kbServer.operations.filter((o) => o === 'Retrieve').length;
    expect(await b.knowledge.search({ tenantId: 'initech', query: Q, topK: 5 })).toEqual([]);
    expect(kbServer.operations.filter((o) => o === 'Retrieve').length).toBe(before);
    // Fail closed: neither rule is a configuration error, not an open knowledge base.
    expect(() => loadConfig({ LORE_STORE: 'dynamodb', LORE_EXTERNAL_KB_ID: KB })).toThrow(/LORE_EXTERNAL_KB_TENANT/);
    expect(() => new ExternalKbKnowledgeStore({ inner: b.knowledge, runtime: {} as never, knowledgeBaseId: KB })).toThrow(/tenant/);
    expect(externalKbSettings(loadConfig({ LORE_STORE: 'dynamodb', LORE_EXTERNAL_KB_ID: KB, LORE_EXTERNAL_KB_TENANT: 'acme', LORE_BEDROCK_KB_ENDPOINT: kbServer.url }))).toEqual({
      knowledgeBaseId: KB, tenant: 'acme', timeoutMs: 3000, endpoint: kbServer.url,
    });
    await b.close();
  });

  it('never writes to the knowledge base: ingests and learnings stay in DynamoDB, KB hits cannot be superseded, voted on or looked up', async () => {
    const b = await backend({ knowledgeBaseId: KB, tenantKey: 'team' });
    const keys = [...s3.buckets.get('company')!.keys()].sort();
    const jobs = kbServer.jobs.length;
    const doc = await b.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'kb://policy.md', kind: 'document', text: 'Vacation requests go through the HR portal.' });
    const ext = (await b.knowledge.search({ tenantId: 'acme', query: Q, topK: 5 })).find((h) => isExternal(h.docId))!;
    await b.knowledge.supersede({ tenantId: 'acme', chunkId: ext.chunkId, newId: doc.id, actor: 'learner' });
    expect(await b.knowledge.vote({ tenantId: 'acme', id: ext.docId, userId: 'u', kind: 'down', trustDelta: -0.2 })).toEqual({ added: false, count: 0, trust: 1 });
    expect(await b.knowledge.history({ tenantId: 'acme', id: ext.docId })).toEqual([]);
    expect(await b.knowledge.getDocument({ tenantId: 'acme', id: ext.docId })).toBeNull();
    expect((await b.knowledge.getDocument({ tenantId: 'acme', id: doc.id }))?.sourceUri).toBe('kb://policy.md');
    expect([...s3.buckets.get('company')!.keys()].sort()).toEqual(keys);
    expect(kbServer.jobs.length).toBe(jobs);
    expect(kbServer.operations.filter((o) => o !== 'Retrieve' && o !== 'StartIngestionJob' && o !== 'GetIngestionJob')).toEqual([]);
    await b.close();
  });

  it('degrades to the DynamoDB results when Retrieve fails or hangs: counted, logged, the search still answers', async () => {
    const warnings: string[] = [];
    const missing = await backend({ knowledgeBaseId: 'NOSUCHKB00', tenantKey: 'team' }, warnings);
    await missing.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'learning://1', kind: 'learning', text: 'Employees get 27 vacation days.', provenance: { userId: 'u' } });
    expect((await missing.knowledge.search({ tenantId: 'acme', query: Q, topK: 5 })).map((h) => h.sourceUri)).toEqual(['learning://1']);
    expect((missing.knowledge as ExternalKbKnowledgeStore).failures).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/External Bedrock knowledge base NOSUCHKB00 unavailable/)]);
    await missing.close();

    const slow = await createDynamoBackend({
      endpoint: ddb.local.endpoint, region: 'us-east-1', credentials, tablePrefix: ddb.prefix(), createTables: true, sessionTtlSeconds: 3600,
      externalKb: { knowledgeBaseId: KB, tenantKey: 'team', endpoint: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, timeoutMs: 150, credentials },
    });
    await slow.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'learning://1', kind: 'learning', text: 'Employees get 27 vacation days.', provenance: { userId: 'u' } });
    expect((await slow.knowledge.search({ tenantId: 'acme', query: Q, topK: 5 })).map((h) => h.sourceUri)).toEqual(['learning://1']);
    expect((slow.knowledge as ExternalKbKnowledgeStore).failures).toBe(1);
    await slow.close();
  });

  it('`lore search --explain` on DynamoDB names the external KB and shows each hit\'s origin and rank', async () => {
    const prefix = ddb.prefix();
    const seed = await createDynamoBackend({ endpoint: ddb.local.endpoint, region: 'us-east-1', credentials, tablePrefix: prefix, createTables: true, sessionTtlSeconds: 3600 });
    await seed.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'learning://1', kind: 'learning', text: 'Since 2026 employees get 27 vacation days.', provenance: { userId: 'u' } });
    await seed.close();
    const dir = mkdtempSync(join(tmpdir(), 'lore-xkb-cli-'));
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const env = {
      LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: ddb.local.endpoint, LORE_DYNAMODB_TABLE_PREFIX: prefix, LORE_TENANT: 'acme', LORE_DATA_DIR: dir, LORE_LOG_LEVEL: 'silent',
      LORE_EXTERNAL_KB_ID: KB, LORE_EXTERNAL_KB_TENANT_KEY: 'team', LORE_BEDROCK_KB_ENDPOINT: kbServer.url,
      AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1',
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const run = async (...args: string[]) => {
      out.length = 0;
      const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
      registerSearch(p);
      await p.parseAsync(['node', 'lore', '--model', 'offline', 'search', ...args]);
      return out.join('\n');
    };
    try {
      const json = JSON.parse(await run(Q, '--explain', '--json')) as { mode: string; hits: Array<{ source: string; explain: Record<string, unknown> }> };
      expect(json.mode).toBe(`bm25 + Bedrock KB ${KB} (read-only), merged by RRF`);
      expect(json.hits.map((h) => h.source)).toEqual(['learning://1', 's3://company/docs/handbook.md', 's3://company/docs/travel.md']);
      expect(json.hits[0]!.explain).toMatchObject({ lexical: 1 });
      expect(json.hits[1]!.explain).toMatchObject({ from: `bedrock-kb:${KB}`, retrieve_rank: 1 });
      const text = await run(Q, '--explain');
      expect(text).toContain(`from bedrock-kb:${KB}: Retrieve rank #2  → rrf 0.0161`);
      expect(text).toContain('ranks: bm25 #1, vector —  → rrf 0.0164');
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
