import { describe, expect, it } from 'vitest';
import { connectDynamo } from '../../src/stores/dynamodb/client.js';
import { DynamoKnowledgeStore } from '../../src/stores/dynamodb/knowledge-store.js';
import { ensureKnowledgeTable, knowledgeTableName } from '../../src/stores/dynamodb/knowledge-tables.js';
import { useDynamoLocal } from '../dynamo-local.js';

const ddb = useDynamoLocal();

async function freshStore(): Promise<{ store: DynamoKnowledgeStore; again: () => DynamoKnowledgeStore }> {
  const { endpoint, region, credentials } = ddb.local;
  const d = connectDynamo({ endpoint, region, credentials, tablePrefix: ddb.prefix() });
  const tableName = knowledgeTableName(d.names.runs.slice(0, -'runs'.length));
  await ensureKnowledgeTable(d.raw, tableName);
  // "Reopen" (another process) = a new store, with an empty search cache, over the same table.
  return { store: new DynamoKnowledgeStore({ client: d.doc, tableName }), again: () => new DynamoKnowledgeStore({ client: d.doc, tableName }) };
}

// The knowledge and trust contract suites run over this adapter in test/contracts/adapters.test.ts.

describe('DynamoKnowledgeStore specifics', () => {
  const T = 't1';
  it('a write in one process is visible to the next search in another (version item), and a search after no write reuses the index', async () => {
    const { store: a, again } = await freshStore();
    const b = again();
    await a.upsertDocument({ tenantId: T, sourceUri: 'kb://a', kind: 'document', text: 'The staging cluster is called Orion.' });
    expect((await b.search({ tenantId: T, query: 'staging cluster', topK: 5 })).map((h) => h.sourceUri)).toEqual(['kb://a']);
    expect((await b.search({ tenantId: T, query: 'Orion', topK: 5 })).length).toBe(1);
    expect(b.indexLoads).toBe(1);
    const l = await a.upsertDocument({ tenantId: T, sourceUri: 'learning://1', kind: 'learning', text: 'The staging cluster was renamed Vega.', provenance: { userId: 'u' } });
    expect((await b.search({ tenantId: T, query: 'staging cluster', topK: 5 })).map((h) => h.docId)).toContain(l.id);
    expect(b.indexLoads).toBe(2);
    await a.deleteDocument({ tenantId: T, id: l.id, actor: 'admin' });
    expect((await b.search({ tenantId: T, query: 'staging cluster', topK: 5 })).map((h) => h.docId)).not.toContain(l.id);
  });

  it('concurrent votes from different users all apply their trust delta once (conditional writes, retried)', async () => {
    const { store } = await freshStore();
    const l = await store.upsertDocument({ tenantId: T, sourceUri: 'learning://v', kind: 'learning', text: 'Deploys freeze on Fridays.', provenance: { userId: 'u' } });
    const users = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(users.map((userId) => store.vote({ tenantId: T, id: l.id, userId, kind: 'down', trustDelta: -0.1 })));
    expect((await store.getDocument({ tenantId: T, id: l.id }))!.trust).toBeCloseTo(0.5, 9);
    expect((await store.vote({ tenantId: T, id: l.id, userId: 'a', kind: 'down', trustDelta: -0.1 })).count).toBe(5);
  });

  it('concurrent upserts of one source create one document', async () => {
    const { store } = await freshStore();
    const docs = await Promise.all([1, 2, 3].map(() => store.upsertDocument({ tenantId: T, sourceUri: 'kb://same', kind: 'document', text: 'Same text everywhere.' })));
    expect(new Set(docs.map((d) => d.id)).size).toBe(1);
    expect(await store.listDocuments({ tenantId: T })).toHaveLength(1);
  });
});
