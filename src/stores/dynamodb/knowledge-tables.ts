import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The knowledge table (documents, chunks, supersessions, history, votes, run context and a version
 * counter per tenant), declared once so the store, the tests and the CDK app create the same
 * thing. Every item is keyed by partition `pk` = `<tenant>#<kind>[#<owner id>]` and sort key `sk`;
 * see knowledge-items.ts for the layout.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; the deployed table name comes from config (e.g. `lore-knowledge`). */
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes?: Array<{ indexName: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute }>;
  ttlAttribute?: string;
}

export const KNOWLEDGE_TABLE: TableDefinition = {
  name: 'knowledge',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
};

export const KNOWLEDGE_TABLES: readonly TableDefinition[] = [KNOWLEDGE_TABLE];

/** CreateTable input for a definition: on-demand billing (the infra also turns PITR on). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  const gsiKeys = (def.globalSecondaryIndexes ?? []).flatMap((g) => [g.partitionKey, ...(g.sortKey ? [g.sortKey] : [])]);
  const attrs = new Map([...keys, ...gsiKeys].map((k) => [k.name, k.type]));
  const schema = (pk: KeyAttribute, sk?: KeyAttribute) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: schema(def.partitionKey, def.sortKey),
    ...(def.globalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
            IndexName: g.indexName, KeySchema: schema(g.partitionKey, g.sortKey), Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}
