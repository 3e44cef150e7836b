import { connectDynamo, ensureTables, type Dynamo } from '../../src/stores/dynamodb/client.js';
import type { TableKey } from '../../src/stores/dynamodb/tables.js';
import type { DynamoLocalHandle } from '../dynamo-local.js';

/** Fresh tables (a unique prefix) on the file's DynamoDB Local, for one test. */
export async function freshTables(ddb: DynamoLocalHandle, only?: TableKey[]): Promise<Dynamo> {
  const { endpoint, region, credentials } = ddb.local;
  const d = connectDynamo({ endpoint, region, credentials, tablePrefix: ddb.prefix() });
  await ensureTables(d, only);
  return d;
}
