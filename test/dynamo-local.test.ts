import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startDynamoLocal } from './dynamo-local-process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('DynamoDB Local harness', () => {
  it('starts on a free 127.0.0.1 port, serves the DynamoDB API, and stops by PID', async () => {
    const local = await startDynamoLocal();
    try {
      expect(local.endpoint).toBe(`http://127.0.0.1:${local.port}`);
      expect(alive(local.pid)).toBe(true);
      const client = new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
      await client.send(
        new CreateTableCommand({
          TableName: 'harness',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await client.send(new PutItemCommand({ TableName: 'harness', Item: { pk: { S: 'a' }, v: { N: '42' } } }));
      const got = await client.send(new GetItemCommand({ TableName: 'harness', Key: { pk: { S: 'a' } } }));
      expect(got.Item?.v?.N).toBe('42');
      client.destroy();
    } finally {
      await local.stop();
    }
    expect(alive(local.pid)).toBe(false);
  });
});
