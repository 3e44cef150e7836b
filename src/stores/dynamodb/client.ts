import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';
import { TABLES, createTableInput, tableNames, type TableKey, type TableNames } from './tables.js';

/** Where the DynamoDB tables are (config.ts fills this from LORE_DYNAMODB_*). */
export interface DynamoConnection {
  region: string;
  /** A DynamoDB Local or other endpoint; absent on AWS. */
  endpoint?: string;
  /** Explicit keys (DynamoDB Local); absent on AWS, where the SDK's default chain applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Physical names are `${tablePrefix}${table}`. */
  tablePrefix: string;
}

export interface Dynamo {
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  names: TableNames;
}

export function connectDynamo(c: DynamoConnection): Dynamo {
  const raw = new DynamoDBClient({ region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}), ...(c.credentials ? { credentials: c.credentials } : {}) });
  // Optional fields of the port records are left out rather than written as NULL.
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, raw, names: tableNames(c.tablePrefix) };
}

/**
 * Create the tables that do not exist yet and wait until they are ACTIVE (DynamoDB Local and
 * development; on AWS the infra creates them from the same definitions). Idempotent.
 */
/**
 * Create the missing tables and wait until they are ACTIVE. `timeToLive: false` leaves TTL off:
 * for tests on a virtual clock set in the past, whose items' TTL has passed in real time, so
 * DynamoDB Local's background sweeper (which does delete expired items, within seconds) would
 * remove them mid-test. Reads filter on expiresAt anyway; TTL only reclaims space.
 */
export async function ensureTables(d: Dynamo, keys: TableKey[] = Object.keys(TABLES) as TableKey[], o: { timeToLive?: boolean } = {}): Promise<void> {
  await Promise.all(
    keys.map(async (k) => {
      const def = TABLES[k];
      const name = d.names[k];
      try {
        await d.raw.send(new CreateTableCommand(createTableInput(def, name)));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      // Polls, bounded by count: DynamoDB Local is ACTIVE at once, AWS within seconds.
      for (let i = 0; i < 120; i++) {
        const t = await d.raw.send(new DescribeTableCommand({ TableName: name }));
        if (t.Table?.TableStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (def.ttlAttribute && o.timeToLive !== false) {
        try {
          await d.raw.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: def.ttlAttribute } }));
        } catch (err) {
          // Already enabled (a second ensureTables) is fine.
          if (!/already enabled|TimeToLive is already/i.test(String((err as Error).message))) throw err;
        }
      }
    }),
  );
}

/** Every page of a Query (or up to `max` items). */
export async function queryAll<T = Record<string, unknown>>(d: Dynamo, input: QueryCommandInput, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await d.doc.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const it of r.Items ?? []) {
      out.push(it as T);
      if (out.length >= max) return out;
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Whether an SDK error is a failed condition (a conditional write that lost). */
export function conditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** The per-item reasons of a cancelled transaction (index-aligned with its TransactItems). */
export function cancellationReasons(err: unknown): string[] | null {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> } | null;
  if (e?.name !== 'TransactionCanceledException') return null;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Wrap an unexpected SDK failure in a typed error (the message keeps the SDK's reason). */
export function storeError(what: string, err: unknown): LoreError {
  if (err instanceof LoreError) return err;
  return new LoreError('STORAGE_UNAVAILABLE', `DynamoDB ${what} failed: ${(err as Error).message ?? String(err)}`, { cause: err });
}

/** Delete items by key, 25 per BatchWriteItem; unprocessed ones (throttling) are retried a bounded number of times. */
export async function deleteKeys(d: Dynamo, table: string, keys: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    const key = (k: Record<string, unknown>) => ('sk' in k ? { pk: k.pk, sk: k.sk } : { pk: k.pk });
    let requests: Record<string, unknown[]> | undefined = { [table]: keys.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: key(k) } })) };
    for (let n = 0; n < 10 && requests && Object.keys(requests).length; n++) {
      const r = await d.doc.send(new BatchWriteCommand({ RequestItems: requests as never }));
      requests = r.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
    if (requests && Object.keys(requests).length) throw new LoreError('STORAGE_UNAVAILABLE', `DynamoDB kept throttling deletes on ${table}`);
  }
}
