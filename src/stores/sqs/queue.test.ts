import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSqsServer, type SqsServer } from '../../../test/aws-wire/sqs-server.js';
import { createSqsClient, ensureSqsQueues } from './client.js';
import { SqsQueue } from './queue.js';

const connection = (url: string) => ({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

// The shared queue contract runs over this adapter in test/contracts/adapters.test.ts.

describe('SqsQueue (adapter specifics)', () => {
  let server: SqsServer;
  let client: SQSClient;
  let q: SqsQueue<{ n: number }>;
  beforeEach(async () => {
    server = await startSqsServer();
    client = await createSqsClient(connection(server.url));
    q = new SqsQueue({ name: 'jobs', client, ...(await ensureSqsQueues(client, { name: 'jobs', maxReceiveCount: 3 })), now: server.now });
  });
  afterEach(async () => {
    client.destroy();
    await server.close();
  });

  it('a consumer that dies on every delivery is dead-lettered by the redrive policy after 3 receives', async () => {
    const { id } = await q.send({ body: { n: 1 } });
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      counts.push(...(await q.receive({ visibilityTimeoutMs: 1000 })).map((m) => m.receiveCount));
      server.advance(1000); // never acked, never changeVisibility: the worker crashed
    }
    expect(counts).toEqual([1, 2, 3]);
    // Moved by SQS itself (no adapter SendMessage to the DLQ), so it carries no error.
    expect(server.operations.filter((o) => o === 'SendMessage')).toHaveLength(1);
    const dead = await q.listDead();
    expect(dead).toMatchObject([{ id, body: { n: 1 }, receiveCount: 3 }]);
    expect(dead[0]!.lastError).toBeUndefined();
    expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 1 });
  });

  it('listing dead letters leaves them in the DLQ, and heartbeats keep a message hidden', async () => {
    await q.send({ body: { n: 2 } });
    const [m] = await q.receive({ visibilityTimeoutMs: 1000 });
    expect(await q.changeVisibility({ receipt: m!.receipt, timeoutMs: 5000 })).toBe(true);
    server.advance(3000);
    expect(await q.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
    expect(await q.depth()).toEqual({ ready: 0, inFlight: 1, dead: 0 });
    expect(await q.changeVisibility({ receipt: 'nope', timeoutMs: 1000 })).toBe(false);
    expect(await q.ack({ receipt: 'nope' })).toBe(false);
  });

  it('receives batches larger than SQS allows per call (10) by paging', async () => {
    for (let i = 0; i < 23; i++) await q.send({ body: { n: i } });
    const got = await q.receive({ max: 25, visibilityTimeoutMs: 60_000 });
    expect(got).toHaveLength(23);
    expect(new Set(got.map((m) => m.id)).size).toBe(23);
    expect(server.operations.filter((o) => o === 'ReceiveMessage')).toHaveLength(3);
  });
});
