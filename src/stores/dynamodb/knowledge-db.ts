import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';

type Lib = typeof import('@aws-sdk/lib-dynamodb');
let lib: Promise<Lib> | undefined;
/** The SDK is loaded on first use, so a SQLite-only deployment never pays for it. */
export const loadLib = (): Promise<Lib> => (lib ??= import('@aws-sdk/lib-dynamodb'));

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A write lost a race (a condition on state it read no longer holds): re-read and try again. */
export class WriteConflict extends Error {
  constructor(readonly reasons: Array<string | undefined>) {
    super(`conditional write failed: ${reasons.join(', ')}`);
  }
}

/**
 * The knowledge store's access to its table: strongly consistent reads (a write must be visible
 * to the next call), paginated queries and transactions whose failed conditions become a
 * WriteConflict carrying the per-item reasons.
 */
export class KnowledgeDb {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const { GetCommand } = await loadLib();
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }));
    return r.Item as T | undefined;
  }

  /** Every item of a partition (optionally under a sort-key prefix), in sort-key order. */
  async query<T>(pk: string, prefix?: string): Promise<T[]> {
    const { QueryCommand } = await loadLib();
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...((r.Items ?? []) as T[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async count(pk: string, prefix: string): Promise<number> {
    const { QueryCommand } = await loadLib();
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
          Select: 'COUNT', ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      n += r.Count ?? 0;
      start = r.LastEvaluatedKey;
    } while (start);
    return n;
  }

  async put(item: Record<string, unknown>): Promise<void> {
    const { PutCommand } = await loadLib();
    await this.client.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  /** Unconditional puts/deletes in pages of 25 (chunks not yet, or no longer, referenced by a document). */
  async batch(puts: Array<Record<string, unknown>>, deletes: Array<{ pk: string; sk: string }> = []): Promise<void> {
    const { BatchWriteCommand } = await loadLib();
    const reqs = [...puts.map((Item) => ({ PutRequest: { Item } })), ...deletes.map((Key) => ({ DeleteRequest: { Key } }))];
    for (let i = 0; i < reqs.length; i += 25) {
      let page: typeof reqs | undefined = reqs.slice(i, i + 25);
      for (let attempt = 0; page?.length; attempt++) {
        if (attempt > 8) throw new LoreError('STORAGE_UNAVAILABLE', 'DynamoDB kept throttling a batch write');
        const r = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: page } }));
        page = r.UnprocessedItems?.[this.table] as typeof reqs | undefined;
        if (page?.length) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
      }
    }
  }

  /** One TransactWriteItems (at most 100 items); a failed condition throws WriteConflict. */
  async transact(items: TxItem[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length > 100) throw new LoreError('VALIDATION_FAILED', `one change touches ${items.length} items; DynamoDB allows 100 per transaction`);
    const { TransactWriteCommand } = await loadLib();
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      const err = e as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
      if (err.name === 'TransactionCanceledException' && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new WriteConflict(err.CancellationReasons.map((r) => r.Code));
      }
      // Another transaction held one of the items: the same as losing the race.
      if (err.name === 'TransactionCanceledException' && err.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) {
        throw new WriteConflict(err.CancellationReasons.map((r) => r.Code));
      }
      throw e;
    }
  }
}

/** Run a read-modify-write until its conditions hold (bounded: a hot document fails loudly). */
export async function retrying<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof WriteConflict) || i + 1 >= attempts) {
        if (e instanceof WriteConflict) throw new LoreError('CONFLICT', 'the document kept changing under this write; try again', { cause: e });
        throw e;
      }
      await new Promise((r) => setTimeout(r, 5 * 2 ** i * Math.random()));
    }
  }
}
