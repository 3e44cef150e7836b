import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBackend } from './backend-registry.js';
import { loadConfig } from './config.js';
import { createRuntime, openRuntime } from './runtime.js';

const hasDynamo = existsSync(new URL('./stores/dynamodb/backend.ts', import.meta.url));

describe('backend selection (LORE_STORE)', () => {
  it('reads the store settings from env vars', () => {
    const c = loadConfig({ LORE_STORE: 'dynamodb', LORE_DYNAMODB_TABLE_PREFIX: 'acme-prod', LORE_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', AWS_REGION: 'eu-west-1' });
    expect(c.store).toEqual({
      kind: 'dynamodb', dynamodb: { tablePrefix: 'acme-prod', endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1' }, sqs: {}, knowledge: 'dynamodb', bedrockKb: { prefix: 'lore/', ingestion: 'inline' }, externalKb: { timeoutMs: 3000 },
    });
    expect(loadConfig({}).store).toEqual({ kind: 'sqlite', dynamodb: { tablePrefix: 'lore', region: 'us-east-1' }, sqs: {}, knowledge: 'dynamodb', bedrockKb: { prefix: 'lore/', ingestion: 'inline' }, externalKb: { timeoutMs: 3000 } });
    expect(() => loadConfig({ LORE_STORE: 'postgres' })).toThrow(/store\.kind/);
    expect(() => loadConfig({ LORE_DYNAMODB_TABLE_PREFIX: 'no spaces' })).toThrow(/tablePrefix/);
  });

  it('reads the SQS and Bedrock KB settings, and names every missing one', () => {
    const c = loadConfig({ LORE_STORE: 'dynamodb', LORE_SQS_ENDPOINT: 'http://127.0.0.1:9324', LORE_SQS_QUEUE_PREFIX: 'acme-' });
    expect(c.store.sqs).toEqual({ endpoint: 'http://127.0.0.1:9324', queuePrefix: 'acme-' });
    const kb = { LORE_STORE: 'dynamodb', LORE_KNOWLEDGE: 'bedrock-kb', LORE_BEDROCK_KB_ID: 'KB1', LORE_BEDROCK_KB_DATA_SOURCE_ID: 'DS1', LORE_KNOWLEDGE_BUCKET: 'acme-kb' };
    expect(loadConfig(kb).store).toMatchObject({ knowledge: 'bedrock-kb', bedrockKb: { knowledgeBaseId: 'KB1', dataSourceId: 'DS1', bucket: 'acme-kb', prefix: 'lore/' } });
    const invalid = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as { code?: string; message: string };
      }
      throw new Error('expected a CONFIG_INVALID error');
    };
    expect(invalid({ ...kb, LORE_BEDROCK_KB_ID: '', LORE_KNOWLEDGE_BUCKET: '' })).toMatchObject({
      code: 'CONFIG_INVALID', message: 'LORE_KNOWLEDGE=bedrock-kb needs LORE_BEDROCK_KB_ID, LORE_KNOWLEDGE_BUCKET (store.bedrockKb)',
    });
    expect(invalid({ ...kb, LORE_STORE: 'sqlite' })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/LORE_KNOWLEDGE=bedrock-kb needs LORE_STORE=dynamodb/) });
    expect(invalid({ LORE_KNOWLEDGE: 'pinecone' }).message).toMatch(/^LORE_KNOWLEDGE \(store\.knowledge.*expected one of "dynamodb", "bedrock-kb"/);
    expect(invalid({ LORE_SQS_ENDPOINT: 'not a url' }).message).toMatch(/^LORE_SQS_ENDPOINT/);
    // Scheduled ingestion, and an existing knowledge base read-only: fail closed without a tenant rule.
    expect(loadConfig({ ...kb, LORE_KB_INGESTION: 'scheduled' }).store.bedrockKb.ingestion).toBe('scheduled');
    expect(invalid({ ...kb, LORE_KB_INGESTION: 'cron' }).message).toMatch(/^LORE_KB_INGESTION/);
    const ext = { LORE_STORE: 'dynamodb', LORE_EXTERNAL_KB_ID: 'ABCDEFGHIJ' };
    expect(invalid(ext)).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^LORE_EXTERNAL_KB_ID needs LORE_EXTERNAL_KB_TENANT .* or LORE_EXTERNAL_KB_TENANT_KEY/) });
    expect(invalid({ ...ext, LORE_STORE: 'sqlite', LORE_EXTERNAL_KB_TENANT: 'acme' }).message).toMatch(/LORE_EXTERNAL_KB_ID needs LORE_STORE=dynamodb/);
    expect(invalid({ ...ext, LORE_EXTERNAL_KB_ID: 'kb-1' }).message).toMatch(/^LORE_EXTERNAL_KB_ID/);
    expect(loadConfig({ ...ext, LORE_EXTERNAL_KB_TENANT_KEY: 'team' }).store.externalKb).toEqual({ knowledgeBaseId: 'ABCDEFGHIJ', tenantKey: 'team', timeoutMs: 3000 });
    expect(invalid({ ...kb, LORE_KNOWLEDGE_BUCKET: 'Not_A_Bucket' }).message).toMatch(/^LORE_KNOWLEDGE_BUCKET.*S3 bucket name/);
  });

  it('opens the SQLite bundle by default, healthy, under the data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-registry-'));
    try {
      const b = await openBackend(loadConfig({}, { dataDir }));
      expect(b.kind).toBe('sqlite');
      expect(await b.health()).toMatchObject({ ok: true, kind: 'sqlite' });
      expect(existsSync(join(dataDir, 'lore.db'))).toBe(true);
      await b.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(hasDynamo)('says clearly that this build has no DynamoDB backend', async () => {
    const config = loadConfig({ LORE_STORE: 'dynamodb' }, { dataDir: mkdtempSync(join(tmpdir(), 'lore-registry-')), logLevel: 'silent' });
    await expect(openBackend(config)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/LORE_STORE=dynamodb.*no DynamoDB backend/) });
    await expect(openRuntime(config)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(() => createRuntime(config)).toThrow(/opened asynchronously/);
    rmSync(config.dataDir, { recursive: true, force: true });
  });
});
