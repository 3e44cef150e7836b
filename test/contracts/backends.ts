import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteBackend, type SqliteBackend } from '../../src/stores/sqlite/backend.js';
import { createDynamoBackend, type DynamoBackend } from '../../src/stores/dynamodb/backend.js';
import { newId } from '../../src/util/ids.js';
import { createSqsClient } from '../../src/stores/sqs/client.js';
import { startSqsServer } from '../aws-wire/sqs-server.js';
import { acquireDynamoLocal, tablePrefix } from '../dynamo-local.js';
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

// DynamoDB on DynamoDB Local (test/dynamo-local.ts), queues on SQS through a local SQS JSON server
// (test/aws-wire/sqs-server.ts, one per test, whose clock advance() moves with the stores'). Every
// test gets its own tables (a unique prefix) on the run's shared instance, dropped at close.
let dynamoLocal: Awaited<ReturnType<typeof acquireDynamoLocal>> | undefined;

const makeDynamo: MakeBackend = async (o = {}) => {
  if (!dynamoLocal) throw new Error('DynamoDB Local is not started (the registry entry setup did not run)');
  const { endpoint, region, credentials } = dynamoLocal.local;
  const clock = testClock(o.startAt);
  const sqsServer = await startSqsServer();
  const prefix = tablePrefix();
  const sqs = { region, endpoint: sqsServer.url, credentials, createQueues: true, now: sqsServer.now };
  const open = (createTables: boolean) =>
    createDynamoBackend({
      endpoint, region, credentials, tablePrefix: prefix, createTables, sqs, sessionTtlSeconds: o.sessionTtlSeconds ?? 3600, now: clock.now,
      // The suites' clock starts in the past: DynamoDB Local's TTL sweeper would delete their items mid-test.
      timeToLive: false,
      ...(o.embedder ? { embedder: o.embedder } : {}),
    });
  let backend: DynamoBackend = await open(true);
  return {
    get backend() {
      return backend;
    },
    async advance(ms) {
      clock.advance(ms);
      sqsServer.advance(ms);
    },
    async sendRaw(queue, text) {
      const { GetQueueUrlCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      await backend.queue({ name: queue }).depth(); // the queue pair exists
      const client = await createSqsClient(sqs);
      try {
        const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: `${prefix}${queue}` }));
        const r = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: text }));
        return { id: r.MessageId! };
      } finally {
        client.destroy();
      }
    },
    async reopen() {
      await backend.close();
      backend = await open(false);
      return backend;
    },
    async close() {
      const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
      const tables = [...Object.values(backend.dynamo.names), `${prefix}knowledge`];
      await Promise.all(tables.map((TableName) => backend.dynamo.raw.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
      await backend.close();
      await sqsServer.close();
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
  },
  teardown: async () => {
    await dynamoLocal?.release();
    dynamoLocal = undefined;
  },
});
