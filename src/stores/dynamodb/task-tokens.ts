import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ParkedTask, TaskTokenStore } from '../../aws/task-tokens.js';

/**
 * Parked AwaitApproval task tokens on DynamoDB (`<prefix>task-tokens`, key runId, created by the
 * CDK stack). `take` is one conditional DeleteItem returning the old item, so of two concurrent
 * decisions only one gets the token. Items expire (TTL `ttl`) a day after the approval window at the latest.
 */
export function createDynamoTaskTokenStore(o: { tableName: string; region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string }; ttlSeconds?: number }): TaskTokenStore {
  let ready: Promise<{ client: DynamoDBClient; mod: typeof import('@aws-sdk/client-dynamodb') }> | undefined;
  const load = () =>
    (ready ??= import('@aws-sdk/client-dynamodb').then((mod) => ({
      mod,
      client: new mod.DynamoDBClient({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) }),
    })));
  const ttl = o.ttlSeconds ?? 8 * 24 * 3600;
  type Item = Record<string, { S?: string; N?: string }>;
  const toTask = (item: Item | undefined): ParkedTask | null =>
    item ? { runId: item.runId!.S!, tenantId: item.tenantId!.S!, taskToken: item.taskToken!.S!, state: JSON.parse(item.state!.S!) as ParkedTask['state'], parkedAt: Number(item.parkedAt!.N) } : null;
  return {
    async park(t) {
      const { client, mod } = await load();
      await client.send(
        new mod.PutItemCommand({
          TableName: o.tableName,
          Item: {
            runId: { S: t.runId },
            tenantId: { S: t.tenantId },
            taskToken: { S: t.taskToken },
            state: { S: JSON.stringify(t.state) },
            parkedAt: { N: String(t.parkedAt) },
            ttl: { N: String(Math.ceil(t.parkedAt / 1000) + ttl) },
          },
        }),
      );
    },
    async get(runId) {
      const { client, mod } = await load();
      const r = await client.send(new mod.GetItemCommand({ TableName: o.tableName, Key: { runId: { S: runId } }, ConsistentRead: true }));
      return toTask(r.Item as Item | undefined);
    },
    async take(runId) {
      const { client, mod } = await load();
      try {
        // Conditional: of two concurrent takes, the second fails the condition instead of also
        // receiving the item it did not delete.
        const r = await client.send(
          new mod.DeleteItemCommand({ TableName: o.tableName, Key: { runId: { S: runId } }, ConditionExpression: 'attribute_exists(runId)', ReturnValues: 'ALL_OLD' }),
        );
        return toTask(r.Attributes as Item | undefined);
      } catch (e) {
        if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return null;
        throw e;
      }
    },
  };
}
