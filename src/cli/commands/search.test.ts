import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../../../test/servers/openai-server.js';
import { loadConfig } from '../../config.js';
import { createRuntime } from '../../runtime.js';
import { registerSearch } from './search.js';

const DOCS: Array<[string, string]> = [
  ['refunds.md', 'Refunds are processed within 14 days. Refunds need the order number.'],
  ['shipping.md', 'Express shipping to Canada costs 20 EUR and takes two days.'],
  ['plants.md', 'The office plants need water on Mondays.'],
  ['parking.md', 'Visitor parking is on level minus two.'],
  ['holidays.md', 'The office closes between Christmas and New Year.'],
];

interface Row {
  rank: number;
  raw_score: number;
  source: string;
  explain: {
    bm25: number; terms: Array<{ term: string; df: number; bm25: number }>; lexical?: number; vector?: number;
    rerank?: { bm25: number; proximity: number; neighbour: number; document: number; score: number };
  };
}

describe('lore search', () => {
  let dir: string;
  let out: string[];
  let server: OpenAIServer;
  const env = (embedder: string) => ({ LORE_EMBEDDER: embedder, LORE_EMBEDDER_DIMENSIONS: '32', LORE_LOG_LEVEL: 'silent' });
  const seed = async (embedder: string) => {
    const rt = createRuntime(loadConfig({}, { dataDir: join(dir, 'data'), logLevel: 'silent', memory: { embedder, embedderDimensions: 32 } } as never));
    try {
      for (const [name, text] of DOCS) await rt.knowledge.upsertDocument({ tenantId: rt.config.tenant, sourceUri: `docs/${name}`, kind: 'document', text });
    } finally {
      rt.close();
    }
  };
  const run = async (...args: string[]) => {
    const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
    registerSearch(p);
    await p.parseAsync(['node', 'lore', '--data-dir', join(dir, 'data'), '--model', 'offline', 'search', ...args]);
    return out.join('\n');
  };

  beforeAll(async () => {
    server = await startOpenAIServer({ embeddingDimensions: 32 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-search-'));
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('BM25 alone: per-term contributions add up to the first-pass score, the re-rank parts to the ranking score', async () => {
    await seed('none');
    const json = JSON.parse(await run('how long do refunds take, and what does express shipping cost?', '--explain', '--json')) as { mode: string; hits: Row[] };
    expect(json.mode).toBe('bm25');
    expect(json.hits.map((h) => h.source).slice(0, 2).sort()).toEqual(['docs/refunds.md', 'docs/shipping.md']);
    for (const h of json.hits) {
      // BM25 of the OR query is the sum of each term's contribution (body and title fields).
      const r = h.explain.rerank!;
      expect(h.explain.bm25).toBeCloseTo(r.bm25, 3);
      expect(h.explain.terms.reduce((n, t) => n + t.bm25, 0)).toBeCloseTo(r.bm25, 3);
      // One chunk per document here: no neighbour, and the document's best passage is the chunk itself.
      expect(r.neighbour).toBe(0);
      expect(r.document).toBeCloseTo(0.3 * (r.bm25 + r.proximity), 3);
      expect(r.bm25 + r.proximity + r.neighbour + r.document).toBeCloseTo(h.raw_score, 3);
      expect(h.explain.lexical).toBeGreaterThan(0);
    }
    const refunds = json.hits.find((h) => h.source === 'docs/refunds.md')!;
    // The word matched in the chunk's text and in its title (the source docs/refunds.md).
    expect(refunds.explain.terms.map((t) => t.term)).toEqual(['refunds', 'title:refunds']);
    expect(refunds.explain.terms[0]!.df).toBe(1);
  });

  it('prints a readable ranking and rejects a bad --top-k', async () => {
    await seed('none');
    const text = await run('office water', '--explain', '-k', '2');
    expect(text).toMatch(/^2 hits for "office water" — BM25/);
    expect(text).toMatch(/1\. 1\.00 {2}document {2}docs\/plants\.md/);
    expect(text).toMatch(/bm25 \d+\.\d{3} = office [\d.]+ \(df 2\) \+ water [\d.]+ \(df 1\)/);
    expect(text).toMatch(/re-rank \d+\.\d{3} = bm25 \d+\.\d{3} \+ proximity \d+\.\d{3} \+ neighbour 0\.000 \+ document \d+\.\d{3}/);
    await expect(run('x', '--top-k', '0')).rejects.toThrow(/--top-k: expected an integer from 1 to 100/);
    // A mistake in the flags is a usage error (one line, exit 2), like every other command's.
    await expect(run('x', '--top-k', '0')).rejects.toBeInstanceOf(UsageError);
  });

  it('hybrid with an OpenAI-compatible embedder: BM25 and vector ranks, fused by RRF', async () => {
    const embedder = `openai:test-embed@${server.url}`;
    await seed(embedder);
    for (const [k, v] of Object.entries(env(embedder))) vi.stubEnv(k, v);
    const json = JSON.parse(await run('refunds order number', '--explain', '--json')) as { mode: string; hits: Row[] };
    expect(json.mode).toBe(`hybrid (BM25 + ${embedder}, RRF)`);
    expect(json.hits[0]!.source).toBe('docs/refunds.md');
    for (const h of json.hits) {
      const rrf = (h.explain.lexical ? 1 / (60 + h.explain.lexical) : 0) + (h.explain.vector ? 1 / (60 + h.explain.vector) : 0);
      expect(h.raw_score).toBeCloseTo(rrf, 5);
    }
    expect(json.hits.some((h) => h.explain.vector && !h.explain.lexical)).toBe(true); // found by the vector side alone
    const queried = server.requests.filter((r) => r.path === '/v1/embeddings').at(-1)!;
    expect(queried.body).toMatchObject({ model: 'test-embed', input: ['refunds order number'] });
  });
});
