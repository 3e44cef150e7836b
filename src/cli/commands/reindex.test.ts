import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../../../test/servers/openai-server.js';
import { loadConfig } from '../../config.js';
import type { Embedder } from '../../memory/embedder.js';
import { createOpenAIEmbedder } from '../../memory/openai-embedder.js';
import { createRuntime } from '../../runtime.js';
import { reindexVectors, vectorCoverage } from '../../stores/sqlite/reindex.js';
import { registerReindex } from './reindex.js';
import { sqliteDb } from '../../stores/sqlite/backend.js';

const TEXTS = Array.from({ length: 7 }, (_, i) => `Fact number ${i}: the warehouse in city ${i} opens at ${i + 6} am.`);

describe('lore reindex', () => {
  let dir: string;
  let server: OpenAIServer;
  let out: string[];
  let err: string[];
  const embedderSpec = () => `openai:test-embed@${server.url}`;
  const runtime = (embedder: string, dims = 32) => createRuntime(loadConfig({}, { dataDir: join(dir, 'data'), logLevel: 'silent', memory: { embedder, embedderDimensions: dims } } as never));
  const seed = async () => {
    const rt = runtime('none'); // ingested before any embedder was configured: no vectors
    try {
      for (const [i, text] of TEXTS.entries()) await rt.knowledge.upsertDocument({ tenantId: i % 2 ? 'acme' : 'default', sourceUri: `docs/${i}.md`, kind: 'document', text });
    } finally {
      rt.close();
    }
  };
  const run = async (...args: string[]) => {
    const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
    registerReindex(p);
    await p.parseAsync(['node', 'lore', '--data-dir', join(dir, 'data'), '--model', 'offline', 'reindex', ...args]);
    return out.join('\n');
  };
  const embedCalls = () => server.requests.filter((r) => r.path === '/v1/embeddings');

  beforeAll(async () => {
    server = await startOpenAIServer({ embeddingDimensions: 32 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-reindex-'));
    server.reset();
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => void err.push(String(s))) as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('embeds every tenant’s chunks in batches with progress on stderr; a second run has nothing to do', async () => {
    await seed();
    vi.stubEnv('LORE_EMBEDDER', embedderSpec());
    vi.stubEnv('LORE_EMBEDDER_DIMENSIONS', '32');
    vi.stubEnv('LORE_LOG_LEVEL', 'silent');
    expect(await run('--batch', '3')).toContain('Embedded 7 chunk(s) with openai:test-embed; 7 of 7 searchable chunks have vectors.');
    expect(embedCalls().map((r) => r.body.input.length)).toEqual([3, 3, 1]);
    expect(err.join('')).toContain('reindex: 0/7 chunks');
    expect(err.join('')).toContain('reindex: 7/7 chunks');
    out = [];
    expect(await run()).toContain('Embedded 0 chunk(s)');
    expect(embedCalls()).toHaveLength(3);
    // The vectors are used: hybrid search now reports a vector rank.
    const rt = runtime(embedderSpec());
    try {
      const hits = await rt.knowledge.search({ tenantId: 'acme', query: 'warehouse city 3', topK: 3, explain: true });
      expect(hits[0]!.text).toContain('city 3');
      expect(hits[0]!.ranks?.vector).toBeGreaterThan(0);
    } finally {
      rt.close();
    }
  });

  it('resumes after an interruption, and redoes vectors whose size no longer matches', async () => {
    await seed();
    const rt = runtime('none');
    try {
      const real = createOpenAIEmbedder({ model: 'test-embed', baseUrl: server.url, dimensions: 32, retry: { maxRetries: 0, baseDelayMs: 1 } });
      let calls = 0;
      const flaky: Embedder = { modelId: real.modelId, dimensions: 32, embed: (t, o) => (++calls === 2 ? Promise.reject(new Error('server went away')) : real.embed(t, o)) };
      await expect(reindexVectors(sqliteDb(rt), flaky, { batch: 2 })).rejects.toThrow('server went away');
      expect(vectorCoverage(sqliteDb(rt), real)).toEqual({ chunks: 7, stale: 5 }); // the first batch was committed
      const resumed = await reindexVectors(sqliteDb(rt), real, { batch: 2 });
      expect(resumed).toEqual({ embedded: 5, chunks: 7, current: 7 });
      // Same model name, new size (e.g. a different model behind the name): every vector is stale.
      const resized = createOpenAIEmbedder({ model: 'test-embed', baseUrl: server.url, dimensions: 16, retry: { maxRetries: 0, baseDelayMs: 1 } });
      expect(vectorCoverage(sqliteDb(rt), resized).stale).toBe(7);
      const err16 = await reindexVectors(sqliteDb(rt), resized).catch((e: Error) => e);
      expect(String(err16)).toMatch(/32-d vectors but 16 are configured.*lore reindex/);
    } finally {
      rt.close();
    }
  });

  it('refuses without an embedder and rejects a bad --batch', async () => {
    await seed();
    await expect(run()).rejects.toThrow(/no embedder configured/);
    await expect(run('--batch', '0')).rejects.toThrow(/--batch: expected an integer/);
    // A mistake in the flags is a usage error (one line, exit 2), like every other command's.
    await expect(run('--batch', '0')).rejects.toBeInstanceOf(UsageError);
  });
});
