import type { Backend, BackendHealth, BackendOptions, QueueOptions } from '../../backend.js';
import { LoreError } from '../../errors.js';
import type { Queue } from '../../jobs/queue.js';
import type { KnowledgeStore } from '../../memory/knowledge-store.js';
import type { Dynamo, DynamoConnection } from './client.js';
import type { SqsBackendOptions } from './backend-extras.js';

export type { SqsBackendOptions };
import type { StatsExtras } from './stats-source.js';

export type { DynamoConnection };

export interface DynamoBackendOptions extends BackendOptions, DynamoConnection {
  /** Create missing tables on start (DynamoDB Local, development). On AWS the infra creates them. */
  createTables?: boolean;
  /** With createTables: enable TTL on the tables that have a TTL attribute (default true; tests on a virtual clock turn it off, see ensureTables). */
  timeToLive?: boolean;
  /**
   * Knowledge: the DynamoDB KnowledgeStore on `${tablePrefix}knowledge` unless another adapter is
   * passed (e.g. the Bedrock KB one, which wraps a DynamoDB store as its recent tier).
   */
  knowledge?: KnowledgeStore;
  /** Queues on SQS. Without it (and without `queue`) the queue slot throws CONFIG_INVALID when used. */
  sqs?: SqsBackendOptions;
  /** Any other Queue adapter (takes precedence over `sqs`). */
  queue?: <T>(options: QueueOptions<T>) => Queue<T>;
  /** Override the operator figures the knowledge and queue adapters own (StatsSource.learningCounts / deadLetters). */
  statsExtras?: StatsExtras;
  /** Knowledge on Bedrock Knowledge Bases, with this backend's DynamoDB knowledge store as its recent tier. */
  bedrockKb?: BedrockKbOptions;
  /** An existing knowledge base searched read-only beside the knowledge store (never written). */
  externalKb?: ExternalKbOptions;
}

export interface ExternalKbOptions {
  knowledgeBaseId: string;
  tenant?: string;
  tenantKey?: string;
  timeoutMs?: number;
  /** Local Bedrock Agent Runtime endpoint (development, tests); absent on AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface BedrockKbOptions {
  knowledgeBaseId: string;
  dataSourceId: string;
  bucket: string;
  prefix?: string;
  /** Local endpoints (development, tests); absent on AWS. */
  endpoint?: string;
  s3Endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Ingestion batching (defaults: 2 s window, 5 s polling). */
  batchWindowMs?: number;
  pollMs?: number;
  /** inline (default): this process runs ingestion jobs; scheduled: a periodic sync does (LORE_KB_INGESTION). */
  ingestion?: 'inline' | 'scheduled';
}

export interface DynamoBackend extends Backend {
  readonly kind: 'dynamodb';
  /** The document client and table names, for DynamoDB-only tools (and tests). */
  readonly dynamo: Dynamo;
}

/** A port slot this backend does not fill yet: every call fails with a typed, explained error. */
function missing<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      return () => {
        throw new LoreError('CONFIG_INVALID', `${what} is not available on the DynamoDB backend yet (${String(prop)}); pass one in createDynamoBackend options`);
      };
    },
  });
}

/**
 * Every port on DynamoDB: one table per aggregate (tables.ts; docs/decisions.md "DynamoDB data
 * model"), one document client shared by all adapters. The AWS SDK is loaded here, on first use,
 * so a SQLite deployment never loads it.
 */
export async function createDynamoBackend(options: DynamoBackendOptions): Promise<DynamoBackend> {
  const [a, kf, x] = await Promise.all([import('./adapters.js'), import('./knowledge-factory.js'), import('./backend-extras.js')]);
  const dynamo = a.connectDynamo(options);
  const now = options.now;
  const [, dynamoKnowledge] = await Promise.all([
    options.createTables ? a.ensureTables(dynamo, undefined, { timeToLive: options.timeToLive !== false }) : undefined,
    kf.createDynamoKnowledgeStore({
      doc: dynamo.doc,
      raw: dynamo.raw,
      tablePrefix: options.tablePrefix,
      create: options.createTables === true,
      ...(options.chunkTokens !== undefined ? { chunkTokens: options.chunkTokens } : {}),
      ...(options.chunkOverlap !== undefined ? { chunkOverlap: options.chunkOverlap } : {}),
      ...(now ? { now } : {}),
    }),
  ]);
  const runs = new a.DynamoRunStore(dynamo);
  let closed = false;
  const kb = !options.knowledge && options.bedrockKb ? await x.bedrockKnowledge(options.bedrockKb, dynamoKnowledge, options) : undefined;
  const own = options.knowledge ?? kb?.store ?? dynamoKnowledge;
  const external = options.externalKb ? await x.externalKnowledge(options.externalKb, own, options) : undefined;
  const knowledge = external?.store ?? own;
  const sqs = options.sqs;
  const queues: Array<Queue<unknown>> = [];
  const closers: Array<() => Promise<void>> = [];
  const queueOf = <T>(o: QueueOptions<T>): Queue<T> => {
    if (options.queue) return options.queue<T>(o);
    if (sqs) return x.lazySqsQueue<T>(o, sqs, options.tablePrefix, (q, close) => {
      queues.push(q);
      closers.push(close);
    });
    return missing<Queue<T>>(`Queue "${o.name}"`);
  };
  const statsExtras: StatsExtras = {
    learningCounts: (p) => x.learningCounts(dynamo, dynamoKnowledge, `${options.tablePrefix}knowledge`, p),
    // The queues this backend opened (SQS counts per queue; listing every queue is not needed).
    ...(sqs ? { deadLetters: async () => (await Promise.all(queues.map((q) => q.depth()))).reduce((n, d) => n + d.dead, 0) } : {}),
    ...options.statsExtras,
  };
  return {
    kind: 'dynamodb',
    dynamo,
    sessions: new a.DynamoSessionStore(dynamo, { ttlSeconds: options.sessionTtlSeconds, ...(now ? { now } : {}) }),
    memory: new a.DynamoMemoryStore(dynamo, now),
    knowledge,
    runs,
    approvals: new a.DynamoApprovalStore(dynamo),
    effects: new a.DynamoEffectLedger(dynamo),
    feedback: new a.DynamoFeedbackStore(dynamo, now),
    evaluations: new a.DynamoEvaluationStore(dynamo),
    usage: new a.DynamoRunUsageLedger(dynamo),
    stats: new a.DynamoStatsSource(dynamo, statsExtras),
    queue: queueOf,
    // Loaded on first use: both are rare (erasure requests; the 5-minute summary job).
    async eraseUser(p) {
      const { eraseUserData } = await import('./gdpr.js');
      return eraseUserData(dynamo, knowledge, dynamoKnowledge, p);
    },
    async purgeFinishedRuns(p) {
      const { purgeFinishedRuns } = await import('./run-retention.js');
      return purgeFinishedRuns(dynamo, `${options.tablePrefix}knowledge`, p);
    },
    async idleSessions(p) {
      const { idleSessions } = await import('./idle-sessions.js');
      return idleSessions(dynamo, p);
    },
    async health(): Promise<BackendHealth> {
      const checkedAt = Date.now();
      try {
        const t = await dynamo.raw.send(new a.DescribeTableCommand({ TableName: dynamo.names.runs }));
        if (t.Table?.TableStatus === 'ACTIVE' || t.Table?.TableStatus === 'UPDATING') return { ok: true, kind: 'dynamodb', checkedAt };
        return { ok: false, kind: 'dynamodb', checkedAt, reason: `table ${dynamo.names.runs} is ${t.Table?.TableStatus ?? 'unknown'}` };
      } catch (err) {
        return { ok: false, kind: 'dynamodb', checkedAt, reason: (err as Error).message, details: { name: (err as Error).name } };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      kb?.close();
      external?.close();
      await Promise.all(closers.map((c) => c()));
      dynamo.raw.destroy();
    },
  };
}

/**
 * The factory src/backend-registry.ts loads for LORE_STORE=dynamodb (config.store.dynamodb).
 * A prefix without a trailing separator gets '-' (`lore` → `lore-runs`). Credentials come from
 * the AWS SDK's default chain.
 * - On AWS (no endpoint): the tables exist (the infra creates them) and queues are SQS in the
 *   same region, `${prefix}<name>` with `…-dlq`.
 * - With an endpoint (DynamoDB Local, development): missing tables are created. Queues then need
 *   a local SQS endpoint (LORE_SQS_ENDPOINT; queues are created there when missing): without
 *   one the queue slot is empty (CONFIG_INVALID when used), as a local run must not reach for
 *   the region's SQS.
 * - LORE_KNOWLEDGE=bedrock-kb: knowledge on that knowledge base, DynamoDB as its recent tier.
 * - LORE_EXTERNAL_KB_ID: an existing knowledge base merged into search, read-only.
 */
export function createBackend(
  o: BackendOptions & { tablePrefix: string; region: string; endpoint?: string; sqs?: { endpoint?: string; queuePrefix?: string }; bedrockKb?: BedrockKbOptions; externalKb?: ExternalKbOptions },
): Promise<DynamoBackend> {
  const tablePrefix = /[-_.]$/.test(o.tablePrefix) ? o.tablePrefix : `${o.tablePrefix}-`;
  const { sqs: s, bedrockKb, externalKb, ...rest } = o;
  const queuePrefix = s?.queuePrefix ? { queuePrefix: s.queuePrefix } : {};
  const sqs: SqsBackendOptions | undefined = s?.endpoint
    ? { region: o.region, endpoint: s.endpoint, createQueues: true, ...queuePrefix }
    : o.endpoint
      ? undefined
      : { region: o.region, ...queuePrefix };
  return createDynamoBackend({ ...rest, tablePrefix, ...(o.endpoint ? { createTables: true } : {}), ...(sqs ? { sqs } : {}), ...(bedrockKb ? { bedrockKb } : {}), ...(externalKb ? { externalKb } : {}) });
}
