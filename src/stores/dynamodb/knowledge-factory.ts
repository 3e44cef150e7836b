import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoKnowledgeStore } from './knowledge-store.js';
import { ensureKnowledgeTable, knowledgeTableName } from './knowledge-tables.js';

/**
 * The DynamoDB backend's knowledge store: the table `${tablePrefix}knowledge` over the backend's
 * clients (`connectDynamo`). `create` makes the table when missing (DynamoDB Local, development).
 */
export async function createDynamoKnowledgeStore(o: {
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  tablePrefix: string;
  create?: boolean;
  chunkTokens?: number;
  chunkOverlap?: number;
  now?: () => number;
}): Promise<DynamoKnowledgeStore> {
  const tableName = knowledgeTableName(o.tablePrefix);
  if (o.create) await ensureKnowledgeTable(o.raw, tableName);
  return new DynamoKnowledgeStore({
    client: o.doc, tableName,
    ...(o.chunkTokens !== undefined ? { chunkTokens: o.chunkTokens } : {}),
    ...(o.chunkOverlap !== undefined ? { chunkOverlap: o.chunkOverlap } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
}
