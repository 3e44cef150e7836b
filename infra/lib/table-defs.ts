/**
 * The DynamoDB tables of the DynamoDB backend, as plain data: the stack creates them from this, and
 * the backend reads and writes the same names and keys. Every key attribute is a string; TTL is an
 * epoch-seconds number attribute (DynamoDB deletes expired items within a day or two, so readers
 * still filter on it).
 */
export interface KeyDef {
  name: string;
  type: 'S' | 'N';
}

export interface TableDef {
  /** Logical id in the stack and suffix of the table name. */
  id: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  ttlAttribute?: string;
  globalSecondaryIndexes?: Array<{ indexName: string; partitionKey: KeyDef; sortKey?: KeyDef }>;
}

const S = (name: string): KeyDef => ({ name, type: 'S' });

export const TABLES: TableDef[] = [
  // Episodic memory: a session's turns, expiring with the session TTL.
  { id: 'Sessions', partitionKey: S('pk'), sortKey: S('sk'), ttlAttribute: 'expiresAt' },
  // Runs, their steps, approvals and feedback; approvals listed per tenant by status.
  { id: 'Runs', partitionKey: S('pk'), sortKey: S('sk'), ttlAttribute: 'expiresAt', globalSecondaryIndexes: [{ indexName: 'byTenantStatus', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }] },
  // The recent-learnings tier: learnings searchable at once, before the Knowledge Base has synced them.
  { id: 'Learnings', partitionKey: S('pk'), sortKey: S('sk'), ttlAttribute: 'expiresAt', globalSecondaryIndexes: [{ indexName: 'byState', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }] },
  // Long-term memory (session summaries, user facts) and evaluations.
  { id: 'Memory', partitionKey: S('pk'), sortKey: S('sk'), ttlAttribute: 'expiresAt' },
  // Parked AwaitApproval task tokens, one per waiting run.
  { id: 'TaskTokens', partitionKey: S('runId'), ttlAttribute: 'expiresAt' },
];
