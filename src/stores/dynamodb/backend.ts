import type { Backend, BackendHealth, BackendOptions, QueueOptions } from '../../backend.js';
import { LoreError } from '../../errors.js';
import type { Queue } from '../../jobs/queue.js';
import type { KnowledgeStore } from '../../memory/knowledge-store.js';
import type { Dynamo, DynamoConnection } from './client.js';
import type { StatsExtras } from './stats-source.js';

export type { DynamoConnection };

export interface DynamoBackendOptions extends BackendOptions, DynamoConnection {
  /** Create missing tables on start (DynamoDB Local, development). On AWS the infra creates them. */
  createTables?: boolean;
  /**
   * The knowledge and queue adapters (DynamoDB KnowledgeStore / Bedrock KB, SQS) come from their
   * own modules; until they are passed here those slots throw CONFIG_INVALID when used.
   */
  knowledge?: KnowledgeStore;
  queue?: <T>(options: QueueOptions<T>) => Queue<T>;
  /** Operator figures owned by the knowledge and queue adapters (StatsSource.learningCounts / deadLetters). */
  statsExtras?: StatsExtras;
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
  const a = await import('./adapters.js');
  const dynamo = a.connectDynamo(options);
  if (options.createTables) await a.ensureTables(dynamo);
  const now = options.now;
  const runs = new a.DynamoRunStore(dynamo);
  let closed = false;
  const knowledge = options.knowledge ?? missing<KnowledgeStore>('KnowledgeStore');
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
    stats: new a.DynamoStatsSource(dynamo, options.statsExtras ?? {}),
    queue: <T>(o: QueueOptions<T>): Queue<T> => (options.queue ? options.queue<T>(o) : missing<Queue<T>>(`Queue "${o.name}"`)),
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
      dynamo.raw.destroy();
    },
  };
}
