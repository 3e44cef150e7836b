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
    expect(c.store).toEqual({ kind: 'dynamodb', dynamodb: { tablePrefix: 'acme-prod', endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1' } });
    expect(loadConfig({}).store).toEqual({ kind: 'sqlite', dynamodb: { tablePrefix: 'lore', region: 'us-east-1' } });
    expect(() => loadConfig({ LORE_STORE: 'postgres' })).toThrow(/store\.kind/);
    expect(() => loadConfig({ LORE_DYNAMODB_TABLE_PREFIX: 'no spaces' })).toThrow(/tablePrefix/);
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
