import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../../test/servers/openai-server.js';
import { LoreError } from '../errors.js';
import { openDatabase } from '../stores/sqlite/database.js';
import { SqliteKnowledgeStore } from '../stores/sqlite/knowledge-store.js';
import { createOpenAIEmbedder, embeddingsUrl } from './openai-embedder.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ embeddingDimensions: 32 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const noRetry = { maxRetries: 0, baseDelayMs: 1 };

describe('OpenAI-compatible embedder (real HTTP, /v1/embeddings wire format)', () => {
  it('posts model + input, sends the key, batches, and places vectors by index', async () => {
    const e = createOpenAIEmbedder({ model: 'nomic-embed-text', baseUrl: server.url, apiKey: 'sk-test', dimensions: 32, batchSize: 2, retry: noRetry });
    expect(e.modelId).toBe('openai:nomic-embed-text');
    const out = await e.embed(['alpha beta', 'gamma', 'alpha beta']);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual(out[2]); // same text → same vector although the server reverses its list
    expect(out[0]).not.toEqual(out[1]);
    expect(server.requests.map((r) => r.body.input)).toEqual([['alpha beta', 'gamma'], ['alpha beta']]);
    expect(server.requests[0]!.path).toBe('/v1/embeddings');
    expect(server.requests[0]!.body.model).toBe('nomic-embed-text');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('accepts a base URL that already ends in /v1', () => {
    expect(embeddingsUrl('http://localhost:11434/v1/')).toBe('http://localhost:11434/v1/embeddings');
    expect(embeddingsUrl('http://localhost:11434')).toBe('http://localhost:11434/v1/embeddings');
  });

  it('maps HTTP errors to typed codes, retrying the transient ones', async () => {
    const e = createOpenAIEmbedder({ model: 'm', baseUrl: server.url, dimensions: 32, retry: { maxRetries: 1, baseDelayMs: 1 } });
    server.enqueueEmbeddings({ status: 503, json: { error: { message: 'loading model' } } });
    await expect(e.embed(['x'])).resolves.toHaveLength(1); // second attempt hits the built-in embedding
    server.enqueueEmbeddings({ status: 404, json: { error: { message: 'model "m" not found' } } });
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LoreError);
    expect((err as LoreError).code).toBe('MODEL_ERROR');
    expect((err as LoreError).message).toContain('model "m" not found');
  });

  it('a dimension mismatch is a clear error that says to reindex', async () => {
    const e = createOpenAIEmbedder({ model: 'm', baseUrl: server.url, dimensions: 768, retry: noRetry });
    const err = (await e.embed(['x']).catch((x: unknown) => x)) as LoreError;
    expect(err.code).toBe('MODEL_BAD_RESPONSE');
    expect(err.message).toMatch(/32-d vectors but 768 are configured.*lore reindex/);
  });

  it('rejects a wrong count and a refused connection without crashing', async () => {
    const e = createOpenAIEmbedder({ model: 'm', baseUrl: server.url, dimensions: 32, retry: noRetry });
    server.enqueueEmbeddings({ json: { data: [] } });
    expect(((await e.embed(['x']).catch((x: unknown) => x)) as LoreError).code).toBe('MODEL_BAD_RESPONSE');
    const dead = createOpenAIEmbedder({ model: 'm', baseUrl: 'http://127.0.0.1:1', dimensions: 32, retry: noRetry });
    expect(((await dead.embed(['x']).catch((x: unknown) => x)) as LoreError).code).toBe('MODEL_UNAVAILABLE');
  });
});

describe('hybrid search through the OpenAI-compatible embedder', () => {
  it('keeps tenant and status filters and the supersession order with vectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-emb-'));
    const db = openDatabase(join(dir, 'lore.db'));
    try {
      const embedder = createOpenAIEmbedder({ model: 'm', baseUrl: server.url, dimensions: 32, retry: noRetry });
      const kb = new SqliteKnowledgeStore(db, { embedder });
      const mine = await kb.upsertDocument({ tenantId: 'acme', sourceUri: 'doc://refunds', kind: 'document', text: 'Refunds are processed within 14 days.' });
      await kb.upsertDocument({ tenantId: 'other', sourceUri: 'doc://refunds', kind: 'document', text: 'Refunds are processed within 3 days.' });
      await kb.upsertDocument({ tenantId: 'acme', sourceUri: 'learn://p', kind: 'learning', text: 'Refunds are processed within 2 days now.', status: 'pending', provenance: { userId: 'ann' } as never });
      const fresh = await kb.upsertDocument({ tenantId: 'acme', sourceUri: 'learn://new', kind: 'learning', text: 'Refunds take 10 days since March.' });

      // Vectors were stored for every chunk through the wire format.
      expect(server.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThanOrEqual(4);
      const shared = await kb.search({ tenantId: 'acme', query: 'how fast are refunds processed', topK: 10 });
      expect(shared.map((h) => h.text).join('|')).not.toContain('3 days'); // other tenant
      expect(shared.map((h) => h.text).join('|')).not.toContain('2 days'); // someone's pending learning
      const ann = await kb.search({ tenantId: 'acme', query: 'how fast are refunds processed', topK: 10, viewer: { userId: 'ann' } });
      expect(ann.map((h) => h.text).join('|')).toContain('2 days');

      const chunk = shared.find((h) => h.docId === mine.id)!;
      await kb.supersede({ tenantId: 'acme', chunkId: chunk.chunkId, newId: fresh.id, actor: 'test' });
      const after = await kb.search({ tenantId: 'acme', query: 'refunds processed within 14 days', topK: 10 });
      const old = after.findIndex((h) => h.docId === mine.id);
      expect(after[old]!.supersededBy?.docId).toBe(fresh.id);
      expect(after.findIndex((h) => h.docId === fresh.id)).toBeLessThan(old);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
