import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteBackend, type SqliteBackend } from '../../src/stores/sqlite/backend.js';
import { createDynamoBackend, type DynamoBackend } from '../../src/stores/dynamodb/backend.js';
import { newId } from '../../src/util/ids.js';
import { acquireDynamoLocal, tablePrefix } from '../dynamo-local.js';
import { createDynamoKnowledgeStore } from '../../src/stores/dynamodb/knowledge-factory.js';
import { SqsQueueSet } from '../../src/stores/sqs/queue-set.js';
import { startSqsServer, type SqsServer } from '../aws-wire/sqs-server.js';
import { testClock, type BackendEntry, type MakeBackend } from './harness.js';

/**
 * Every backend the contract suites run over. To add one, append an entry whose `make` builds a
 * fresh, empty bundle (e.g. DynamoDB Local tables with a unique prefix) and whose `unavailable`
 * says why it cannot run on this machine, if it cannot.
 */

const makeSqlite: MakeBackend = async (o = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-contract-'));
  const path = join(dir, 'lore.db');
  const clock = testClock(o.startAt);
  const open = (): SqliteBackend =>
    createSqliteBackend({ path, sessionTtlSeconds: o.sessionTtlSeconds ?? 3600, now: clock.now, ...(o.embedder ? { embedder: o.embedder } : {}) });
  let backend = open();
  return {
    get backend() {
      return backend;
    },
    async advance(ms) {
      clock.advance(ms);
    },
    async sendRaw(queue, text) {
      const id = newId('msg', clock.now());
      const t = clock.now();
      backend.db.prepare(`INSERT INTO queue_messages (id, queue, body, receive_count, visible_at, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)`).run(id, queue, text, t, t, t);
      return { id };
    },
    async reopen() {
      await backend.close();
      backend = open();
      return backend;
    },
    async close() {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const backends: BackendEntry[] = [{ name: 'sqlite', make: makeSqlite }];

// DynamoDB on DynamoDB Local (test/dynamo-local.ts): every test gets its own tables (a unique
// prefix) on the run's shared instance, dropped when the test closes its backend.
let dynamoLocal: Awaited<ReturnType<typeof acquireDynamoLocal>> | undefined;
let sqsServer: SqsServer | undefined;
const sqsConnection = () => ({ region: 'us-east-1', endpoint: sqsServer!.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const sqsSet = (prefix: string, now: () => number) => new SqsQueueSet({ connection: sqsConnection(), prefix, create: true, now });

const makeDynamo: MakeBackend = async (o = {}) => {
  if (!dynamoLocal) throw new Error('DynamoDB Local is not started (the registry entry setup did not run)');
  const { endpoint, region, credentials } = dynamoLocal.local;
  const clock = testClock(o.startAt);
  const tablePrefixValue = tablePrefix();
  // Knowledge on DynamoDB and queues on SQS (a local SQS JSON server, test/aws-wire/sqs-server.ts).
  const sqsPrefix = `${tablePrefixValue}q-`;
  const open = async (createTables: boolean) => {
    const sqs = sqsSet(sqsPrefix, clock.now);
    const { connectDynamo } = await import('../../src/stores/dynamodb/client.js');
    const d = connectDynamo({ endpoint, region, credentials, tablePrefix: tablePrefixValue });
    const knowledge = await createDynamoKnowledgeStore({ doc: d.doc, raw: d.raw, tablePrefix: tablePrefixValue, create: createTables, now: clock.now });
    const b = await createDynamoBackend({
      endpoint, region, credentials, tablePrefix: tablePrefixValue, createTables, sessionTtlSeconds: o.sessionTtlSeconds ?? 3600, now: clock.now,
      knowledge, queue: (q) => sqs.queue(q), statsExtras: { learningCounts: (p) => knowledge.learningCounts(p), deadLetters: () => sqs.deadLetters() },
    });
    const close = b.close.bind(b);
    return Object.assign(b, { close: async () => (await close(), await sqs.close(), d.raw.destroy()) });
  };
  let backend: DynamoBackend = await open(true);
  return {
    get backend() {
      return backend;
    },
    async advance(ms) {
      clock.advance(ms);
      sqsServer!.advance(ms);
    },
    async sendRaw(queue, text) {
      const set = sqsSet(sqsPrefix, clock.now);
      try {
        await set.queue({ name: queue }).depth(); // the queue pair exists
        const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
        const { createSqsClient } = await import('../../src/stores/sqs/client.js');
        const c = await createSqsClient(sqsConnection());
        const r = await c.send(new SendMessageCommand({ QueueUrl: `${sqsServer!.url}/000000000000/${sqsPrefix}${queue}`, MessageBody: text }));
        c.destroy();
        return { id: r.MessageId! };
      } finally {
        await set.close();
      }
    },
    async reopen() {
      await backend.close();
      backend = await open(false);
      return backend;
    },
    async close() {
      const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
      await Promise.all([...Object.values(backend.dynamo.names), `${tablePrefixValue}knowledge`].map((TableName) => backend.dynamo.raw.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
      await backend.close();
    },
  };
};

function javaMissing(): string | undefined {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return r.status === 0 ? undefined : 'no Java runtime for DynamoDB Local (scripts/install-java.sh)';
}

backends.push({
  name: 'dynamodb',
  make: makeDynamo,
  unavailable: javaMissing,
  setup: async () => {
    dynamoLocal = await acquireDynamoLocal();
    sqsServer = await startSqsServer();
  },
  teardown: async () => {
    await dynamoLocal?.release();
    dynamoLocal = undefined;
    await sqsServer?.close();
    sqsServer = undefined;
  },
});
