import { describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../src/stores/dynamodb/session-store.js';
import { useDynamoLocal } from '../dynamo-local.js';
import { freshTables } from './dynamo-fixture.js';

const ddb = useDynamoLocal();

// The SessionStore contract runs on DynamoDB in test/contracts/; these are DynamoDB specifics.
describe('DynamoSessionStore specifics', () => {
  it('writes a ttl attribute (epoch seconds) on turns, and hands an expired session to its next user', async () => {
    const d = await freshTables(ddb, ['sessions']);
    const store = new DynamoSessionStore(d, { ttlSeconds: 10 });
    const base = { tenantId: 't', sessionId: 's', role: 'user' as const, content: [], inputTokens: 0, outputTokens: 0 };
    await store.appendTurns({ turns: [{ ...base, userId: 'alice', createdAt: 1_000 }] });
    await store.appendTurns({ turns: [{ ...base, userId: 'bob', createdAt: 20_000 }] });
    expect(await store.getSession({ tenantId: 't', sessionId: 's', now: 20_000 })).toMatchObject({ userId: 'bob', turnCount: 1 });
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const r = await d.doc.send(new QueryCommand({ TableName: d.names.sessions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 't#s' } }));
    const ttls = (r.Items ?? []).filter((i) => i.sk !== 'META').map((i) => i.ttl);
    expect(ttls.sort()).toEqual([11, 30]);
  });

  it('lets concurrent appends of the same run write each turn once', async () => {
    const d = await freshTables(ddb, ['sessions']);
    const store = new DynamoSessionStore(d, { ttlSeconds: 60 });
    const pair = [
      { tenantId: 't', sessionId: 's', userId: 'u', role: 'user' as const, content: [{ text: 'q' }], inputTokens: 0, outputTokens: 0, runId: 'r1', createdAt: 1 },
      { tenantId: 't', sessionId: 's', userId: 'u', role: 'assistant' as const, content: [{ text: 'a' }], inputTokens: 0, outputTokens: 0, runId: 'r1', createdAt: 1 },
    ];
    const written = await Promise.all(Array.from({ length: 4 }, () => store.appendTurns({ turns: pair })));
    expect(written.flat()).toHaveLength(2);
    expect(await store.recentTurns({ tenantId: 't', sessionId: 's', limit: 10, now: 2 })).toHaveLength(2);
  });
});
