import { connectDynamo, ensureTables, type Dynamo } from '../../src/stores/dynamodb/client.js';
import type { TableKey } from '../../src/stores/dynamodb/tables.js';
import type { DynamoLocalHandle } from '../dynamo-local.js';

/**
 * Fresh tables (a unique prefix) on the file's DynamoDB Local, for one test. TTL stays off: tests
 * write items stamped with fixed past times, which DynamoDB Local's TTL sweeper would delete.
 */
export async function freshTables(ddb: DynamoLocalHandle, only?: TableKey[]): Promise<Dynamo> {
  const { endpoint, region, credentials } = ddb.local;
  const d = connectDynamo({ endpoint, region, credentials, tablePrefix: ddb.prefix() });
  await ensureTables(d, only, { timeToLive: false });
  return d;
}
