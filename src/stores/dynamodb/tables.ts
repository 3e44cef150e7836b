/**
 * The DynamoDB tables of Lore's run, session, memory, evaluation and usage ports: key schemas,
 * GSIs and TTL attributes in one place, so the tests (DynamoDB Local) and the infra (CDK) create
 * exactly the same tables. Plain data only: nothing here imports the AWS SDK.
 *
 * One table per aggregate (docs/decisions.md, "DynamoDB data model"). Every table keys on generic
 * `pk` / `sk` strings, so an aggregate keeps its parts together (a run, its steps and its
 * progress share a partition) and a GSI only indexes the items that carry its key attributes
 * (sparse indexes: only pending approvals are in `pending`).
 */

export type TableKey = 'runs' | 'approvals' | 'effects' | 'feedback' | 'sessions' | 'memory' | 'evaluations';

export interface IndexDef {
  name: string;
  pk: string;
  sk?: string;
}

export interface TableDef {
  key: TableKey;
  /** Partition key attribute (string). */
  pk: 'pk';
  /** Sort key attribute (string), when the table has one. */
  sk?: 'sk';
  /** Global secondary indexes; string keys, projection ALL. */
  gsis: IndexDef[];
  /** The epoch-seconds attribute DynamoDB's TTL deletes by, when the table expires items. */
  ttlAttribute?: 'ttl';
  /** Why the table exists (read by people and the CDK app's descriptions). */
  purpose: string;
}

export const TABLES: Record<TableKey, TableDef> = {
  runs: {
    key: 'runs',
    pk: 'pk',
    sk: 'sk',
    purpose: 'Workflow runs: the run item (sk RUN), its step records (sk STEP#…) and mid-step progress (sk PROGRESS#…), one partition per run',
    gsis: [
      // A session's runs, newest last: latestRun, listRuns by session, the session usage ledger.
      { name: 'bySession', pk: 'gSession', sk: 'gCreated' },
      // A tenant's runs: listRuns, the tenant usage ledger (a time range on gCreated).
      { name: 'byTenant', pk: 'gTenant', sk: 'gCreated' },
      // Runs by status, oldest first: crash recovery lists the in-flight ones.
      { name: 'byStatus', pk: 'gStatus', sk: 'gCreated' },
    ],
  },
  approvals: {
    key: 'approvals',
    pk: 'pk',
    purpose: 'Tool-call approvals (pk A#id) and the (run, toolUseId) uniqueness guard (pk U#run#toolUseId)',
    gsis: [
      // Sparse: only pending approvals carry gPending; sorted by expiry for expireApprovals.
      { name: 'pending', pk: 'gPending', sk: 'gExpires' },
      { name: 'byTenant', pk: 'gTenant', sk: 'gCreated' },
      { name: 'byRun', pk: 'gRun', sk: 'gCreated' },
    ],
  },
  effects: {
    key: 'effects',
    pk: 'pk',
    purpose: 'The effect ledger: one item per mutating tool call, written once (conditional put)',
    gsis: [],
  },
  feedback: {
    key: 'feedback',
    pk: 'pk',
    purpose: 'Feedback typed into the chat, one item per feedback run (pk W#runId)',
    gsis: [
      { name: 'byTenant', pk: 'gTenant', sk: 'gCreated' },
      // Sparse: feedback about an earlier run, for evaluation thumbs.
      { name: 'byTarget', pk: 'gTarget', sk: 'gCreated' },
    ],
  },
  sessions: {
    key: 'sessions',
    pk: 'pk',
    sk: 'sk',
    ttlAttribute: 'ttl',
    purpose: 'Episodic memory: per session (pk tenant#session) a META item (owner, times) and its turns; a turn of a run is keyed by (run, role) so a re-run never writes it twice',
    gsis: [
      // A session's turns in time order (the base sort key is the idempotence key, not time).
      { name: 'byTime', pk: 'pk', sk: 'gTime' },
      // A user's sessions, most recent first: on the META items only.
      { name: 'byUser', pk: 'gUser', sk: 'gLast' },
      // A run's turns (setTurnText), by tenant#run.
      { name: 'byRun', pk: 'gRun', sk: 'sk' },
    ],
  },
  memory: {
    key: 'memory',
    pk: 'pk',
    sk: 'sk',
    ttlAttribute: 'ttl',
    purpose: 'Long-term memory: session summaries (pk S#tenant#session), user facts (pk F#id) and what reached each run (pk M#tenant#run)',
    gsis: [
      // Everything of one user (tenant#user): list, search and forget.
      { name: 'byUser', pk: 'gUser', sk: 'gSort' },
    ],
  },
  evaluations: {
    key: 'evaluations',
    pk: 'pk',
    purpose: 'Judge scores and review flags per run (pk runId)',
    gsis: [
      { name: 'byTenant', pk: 'gTenant', sk: 'gJudged' },
      // Sparse: only flagged evaluations.
      { name: 'flagged', pk: 'gFlagged', sk: 'gJudged' },
    ],
  },
};

/** Physical table names: `${prefix}${key}` (e.g. `lore-runs`). */
export type TableNames = Record<TableKey, string>;

export function tableNames(prefix: string): TableNames {
  return Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((k) => [k, `${prefix}${k}`])) as TableNames;
}

/**
 * The CreateTable input for one table (on-demand billing). Plain data, shaped as the SDK's
 * CreateTableCommandInput; the CDK app maps the same TableDef onto its own constructs.
 */
export function createTableInput(def: TableDef, name: string) {
  const attrs = new Set<string>([def.pk, ...(def.sk ? [def.sk] : [])]);
  for (const g of def.gsis) {
    attrs.add(g.pk);
    if (g.sk) attrs.add(g.sk);
  }
  const keySchema = (pk: string, sk?: string) => [{ AttributeName: pk, KeyType: 'HASH' as const }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
    KeySchema: keySchema(def.pk, def.sk),
    ...(def.gsis.length
      ? { GlobalSecondaryIndexes: def.gsis.map((g) => ({ IndexName: g.name, KeySchema: keySchema(g.pk, g.sk), Projection: { ProjectionType: 'ALL' as const } })) }
      : {}),
  };
}

/** Sortable string for an epoch-ms time (GSI sort keys are strings so one type fits all). */
export const padTime = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/** DynamoDB TTL wants epoch seconds; an item is deletable once its expiresAt (ms) has passed. */
export const ttlSeconds = (expiresAtMs: number): number => Math.ceil(expiresAtMs / 1000);

let lastSeq = 0;
/**
 * A wall-clock-based sequence that never repeats or goes back in this process (µs resolution,
 * bumped on ties), so items written in the same millisecond keep their write order, and a
 * restarted process continues after the previous one on the same clock.
 */
export function monotonic(): string {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return String(lastSeq).padStart(19, '0');
}
