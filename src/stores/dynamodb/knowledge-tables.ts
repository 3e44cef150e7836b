import type { TableDef } from './tables.js';

/**
 * The knowledge table, in the shape of tables.ts (so the CDK app maps it like the others): one
 * table with generic `pk` / `sk` strings holding documents, chunks, supersessions, history, votes,
 * run context and a version counter per tenant. Layout in knowledge-items.ts. No GSI: every read
 * is a Get or a Query on one of the tenant's partitions.
 */
export type KnowledgeTableDef = Omit<TableDef, 'key'> & { key: 'knowledge' };

export const KNOWLEDGE_TABLE: KnowledgeTableDef = {
  key: 'knowledge',
  pk: 'pk',
  sk: 'sk',
  gsis: [],
  purpose:
    'Semantic memory: per tenant, documents (pk <t>#DOC), chunks (<t>#CHK), chunk supersessions (<t>#SUP), per-document history and votes, run context and a version item that search caches key on',
};

/** Physical name: `${prefix}knowledge`, like the other tables. */
export const knowledgeTableName = (prefix: string): string => `${prefix}${KNOWLEDGE_TABLE.key}`;

/** For createTableInput / the CDK app, which read the key schema and GSIs only. */
export const knowledgeTableDef = (): TableDef => KNOWLEDGE_TABLE as unknown as TableDef;

/** Create the knowledge table if it does not exist (DynamoDB Local and development; the infra does it on AWS). */
export async function ensureKnowledgeTable(raw: import('@aws-sdk/client-dynamodb').DynamoDBClient, name: string): Promise<void> {
  const [{ CreateTableCommand, DescribeTableCommand }, { createTableInput }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('./tables.js')]);
  try {
    await raw.send(new CreateTableCommand(createTableInput(knowledgeTableDef(), name)));
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceInUseException') throw e;
  }
  for (let i = 0; i < 120; i++) {
    const t = await raw.send(new DescribeTableCommand({ TableName: name }));
    if (t.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
