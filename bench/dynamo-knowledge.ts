/**
 * The DynamoDB knowledge store's in-process search on DynamoDB Local (a benchmark, not a test):
 * a tenant of --docs documents (about --words words each, chunked as configured), then
 *   - cold search: the first search loads the tenant (documents, chunks, supersessions) and builds BM25;
 *   - warm search: version item read + ranking in memory (p50 / p95 over --searches queries);
 *   - search after a write: a learning added, then the search that reloads the tenant.
 * DynamoDB Local is a Java emulator; its per-call latency is not DynamoDB's, so the figures are for
 * the shape of the costs (reload grows with the tenant, warm search does not), not a forecast.
 *
 *   npx tsx bench/dynamo-knowledge.ts [--docs 500] [--words 200] [--searches 50]
 */
import { parseArgs } from 'node:util';
import { connectDynamo } from '../src/stores/dynamodb/client.js';
import { createDynamoKnowledgeStore } from '../src/stores/dynamodb/knowledge-factory.js';
import { startDynamoLocal } from '../test/dynamo-local-process.js';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '500' }, words: { type: 'string', default: '200' }, searches: { type: 'string', default: '50' } } });
const DOCS = Math.min(Number(values.docs), 20_000);
const WORDS = Math.min(Number(values.words), 2_000);
const SEARCHES = Math.min(Number(values.searches), 1_000);

const VOCAB = Array.from({ length: 3000 }, (_, i) => `term${i.toString(36)}`);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const text = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(rnd() ** 2 * VOCAB.length)]).join(' ') + '.';
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const time = async <T>(fn: () => Promise<T>) => {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
};

const local = await startDynamoLocal();
try {
  const d = connectDynamo({ endpoint: local.endpoint, region: local.region, credentials: local.credentials, tablePrefix: 'bench_' });
  const kb = await createDynamoKnowledgeStore({ doc: d.doc, raw: d.raw, tablePrefix: 'bench_', create: true });
  const ingest = await time(async () => {
    for (let i = 0; i < DOCS; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, DOCS - i) }, (_, j) => kb.upsertDocument({ tenantId: 't', sourceUri: `kb://${i + j}`, kind: 'document', text: text(WORDS) })));
    }
  });
  const reader = await createDynamoKnowledgeStore({ doc: d.doc, raw: d.raw, tablePrefix: 'bench_' });
  const cold = await time(() => reader.search({ tenantId: 't', query: text(6), topK: 8 }));
  const warm: number[] = [];
  for (let i = 0; i < SEARCHES; i++) warm.push((await time(() => reader.search({ tenantId: 't', query: text(6), topK: 8 }))).ms);
  const after: number[] = [];
  for (let i = 0; i < 5; i++) {
    await kb.upsertDocument({ tenantId: 't', sourceUri: `learning://${i}`, kind: 'learning', text: text(20) });
    after.push((await time(() => reader.search({ tenantId: 't', query: text(6), topK: 8 }))).ms);
  }
  const chunks = await kb.db.count('t#CHK', 'chk');
  console.log(JSON.stringify({
    docs: DOCS, wordsPerDoc: WORDS, chunks, ingestMsPerDoc: +(ingest.ms / DOCS).toFixed(1),
    coldSearchMs: +cold.ms.toFixed(0), warmSearchP50Ms: +pct(warm, 50).toFixed(1), warmSearchP95Ms: +pct(warm, 95).toFixed(1),
    searchAfterWriteP50Ms: +pct(after, 50).toFixed(0), reloads: reader.indexLoads,
  }));
} finally {
  await local.stop();
}
