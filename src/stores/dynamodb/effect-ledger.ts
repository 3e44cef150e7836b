import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EffectLedger, EffectRecord } from '../../workflow/effect-ledger.js';
import { conditionFailed, storeError, type Dynamo } from './client.js';

interface EffectItem extends Omit<EffectRecord, 'result'> {
  pk: string;
  result?: string;
}

/**
 * The effect ledger on DynamoDB: "started" is a conditional put (attribute_not_exists), so of two
 * engines about to run the same mutating call exactly one gets true and runs it.
 */
export class DynamoEffectLedger implements EffectLedger {
  constructor(private readonly d: Dynamo) {}

  private get table() {
    return this.d.names.effects;
  }

  async getEffect(p: { key: string }): Promise<EffectRecord | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: p.key }, ConsistentRead: true }));
    const item = r.Item as EffectItem | undefined;
    if (!item) return null;
    const { pk: _pk, result, ...rest } = item;
    return { ...rest, ...(result !== undefined ? { result: JSON.parse(result) as unknown } : {}) };
  }

  async beginEffect(p: { effect: Omit<EffectRecord, 'status' | 'result' | 'completedAt'> }): Promise<boolean> {
    const e = p.effect;
    const item: EffectItem = { pk: e.key, key: e.key, runId: e.runId, step: e.step, toolUseId: e.toolUseId, tool: e.tool, status: 'started', startedAt: e.startedAt };
    try {
      await this.d.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('beginEffect', err);
    }
  }

  async completeEffect(p: { key: string; result: unknown; completedAt: number }): Promise<void> {
    try {
      await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: p.key },
          UpdateExpression: 'SET #status = :c, #result = :r, completedAt = :at',
          // Completing a call that never began is a no-op, as an UPDATE of no row is in SQL.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
          ExpressionAttributeValues: { ':c': 'completed', ':r': JSON.stringify(p.result ?? null), ':at': p.completedAt },
        }),
      );
    } catch (err) {
      if (!conditionFailed(err)) throw storeError('completeEffect', err);
    }
  }
}
