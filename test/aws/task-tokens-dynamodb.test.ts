import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../../infra/lib/table-defs.js';
import { createDynamoTaskTokenStore } from '../../src/stores/dynamodb/task-tokens.js';
import { useDynamoLocal } from '../dynamo-local.js';

/** The DynamoDB task-token store on DynamoDB Local, on the table the CDK stack defines for it. */
describe('DynamoDB task-token store', () => {
  const ddb = useDynamoLocal();

  it('parks, reads, and hands a token out once', async () => {
    const def = TABLES.find((t) => t.key === 'task-tokens')!;
    const tableName = `${ddb.prefix()}${def.key}`;
    const { endpoint, region, credentials } = ddb.local;
    await new DynamoDBClient({ endpoint, region, credentials }).send(
      new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: def.partitionKey.name, AttributeType: 'S' }], KeySchema: [{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }] }),
    );
    const store = createDynamoTaskTokenStore({ tableName, endpoint, region, credentials });
    const state = { input: { runId: 'r1', traceId: 't', tenantId: 'default', sessionId: 's', userId: 'u', message: 'refund $1500' } };
    await store.park({ runId: 'r1', tenantId: 'default', taskToken: 'tok-1', state, parkedAt: 1_000 });
    expect(await store.get('r1')).toEqual({ runId: 'r1', tenantId: 'default', taskToken: 'tok-1', state, parkedAt: 1_000 });
    // A re-delivered invocation parks a newer token: the newest is the live one.
    await store.park({ runId: 'r1', tenantId: 'default', taskToken: 'tok-2', state, parkedAt: 2_000 });
    const [a, b] = await Promise.all([store.take('r1'), store.take('r1')]);
    expect([a?.taskToken, b?.taskToken].filter(Boolean)).toEqual(['tok-2']);
    expect(await store.get('r1')).toBeNull();
  });
});
