import { KNOWLEDGE_TABLE } from '../../src/stores/dynamodb/knowledge-tables.js';
import { TABLES as BACKEND_TABLES } from '../../src/stores/dynamodb/tables.js';

/**
 * The DynamoDB tables the stack creates: exactly the DynamoDB backend's definitions
 * (src/stores/dynamodb/tables.ts and knowledge-tables.ts, the same data DynamoDB Local is set up
 * from in tests), plus the task-token table of the Step Functions deployment. Physical names are
 * `${prefix}${key}`, the names the backend derives from its table prefix.
 */
export interface KeyDef {
  name: string;
  type: 'S' | 'N';
}

export interface TableDef {
  /** The backend's table key (`runs`, `sessions`, …): suffix of the physical name. */
  key: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  ttlAttribute?: string;
  globalSecondaryIndexes: Array<{ indexName: string; partitionKey: KeyDef; sortKey?: KeyDef }>;
}

const S = (name: string): KeyDef => ({ name, type: 'S' });

/** Backend keys are all strings; TTL is an epoch-seconds number attribute. */
const fromBackend = (d: { key: string; pk: string; sk?: string; ttlAttribute?: string; gsis: Array<{ name: string; pk: string; sk?: string }> }): TableDef => ({
  key: d.key,
  partitionKey: S(d.pk),
  ...(d.sk ? { sortKey: S(d.sk) } : {}),
  ...(d.ttlAttribute ? { ttlAttribute: d.ttlAttribute } : {}),
  globalSecondaryIndexes: d.gsis.map((g) => ({ indexName: g.name, partitionKey: S(g.pk), ...(g.sk ? { sortKey: S(g.sk) } : {}) })),
});

export const TABLES: TableDef[] = [
  ...Object.values(BACKEND_TABLES).map(fromBackend),
  fromBackend(KNOWLEDGE_TABLE),
  // Parked AwaitApproval task tokens, one per waiting run (src/aws/task-tokens.ts).
  { key: 'task-tokens', partitionKey: S('runId'), ttlAttribute: 'ttl', globalSecondaryIndexes: [] },
];

/** Logical id of a table in the stack: `task-tokens` → `TaskTokensTable`. */
export const tableLogicalId = (key: string): string => `${key.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Table`;
