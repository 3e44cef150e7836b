import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueOptions } from '../../backend.js';
import type { DeadLetter, Queue, QueueDepth, QueueMessage } from '../../jobs/queue.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../jobs/queue.js';
import { createSqsClient, ensureSqsQueues, loadSqs, type SqsConnection } from './client.js';
import { SqsQueue } from './queue.js';

export interface SqsQueueSetOptions {
  connection: SqsConnection;
  /** Physical names are `${prefix}${name}` and `${prefix}${name}-dlq` (e.g. `lore-chat`, `lore-chat-dlq`). */
  prefix: string;
  /** Create missing queues with their redrive policy (local and development); on AWS the infra creates them. */
  create?: boolean;
  now?: () => number;
}

/**
 * The backend's `queue(options)` on SQS: hands out a queue at once and resolves the client and the
 * queue URLs on first use (Backend.queue is synchronous; SQS names resolve over the network).
 */
export class SqsQueueSet {
  private client?: Promise<SQSClient>;
  private readonly urls = new Map<string, Promise<{ queueUrl: string; dlqUrl: string }>>();

  constructor(private readonly o: SqsQueueSetOptions) {}

  queue<T>(options: QueueOptions<T>): Queue<T> {
    const max = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    let inner: Promise<SqsQueue<T>> | undefined;
    const get = () =>
      (inner ??= (async () => {
        const client = await this.sqs();
        const urls = await this.resolve(client, options.name, max);
        return new SqsQueue<T>({ ...options, maxReceiveCount: max, client, ...urls, ...(this.o.now ? { now: this.o.now } : {}) });
      })());
    return {
      name: options.name,
      maxReceiveCount: max,
      send: async (p: { body: T; delayMs?: number }) => (await get()).send(p),
      receive: async (p: { max?: number; visibilityTimeoutMs: number }): Promise<Array<QueueMessage<T>>> => (await get()).receive(p),
      ack: async (p: { receipt: string }) => (await get()).ack(p),
      changeVisibility: async (p: { receipt: string; timeoutMs: number; error?: string }) => (await get()).changeVisibility(p),
      listDead: async (p?: { limit?: number }): Promise<Array<DeadLetter<T>>> => (await get()).listDead(p),
      redrive: async (p?: { ids?: string[] }) => (await get()).redrive(p),
      depth: async (): Promise<QueueDepth> => (await get()).depth(),
    };
  }

  /** Dead letters across every queue of this prefix (each `<name>-dlq`), for StatsSource.deadLetters. */
  async deadLetters(): Promise<number> {
    const client = await this.sqs();
    const { ListQueuesCommand, GetQueueAttributesCommand } = await loadSqs();
    let total = 0;
    let token: string | undefined;
    do {
      const r = await client.send(new ListQueuesCommand({ QueueNamePrefix: this.o.prefix, ...(token ? { NextToken: token } : {}) }));
      for (const url of (r.QueueUrls ?? []).filter((u) => u.endsWith('-dlq'))) {
        const a = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))).Attributes ?? {};
        total += Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
      }
      token = r.NextToken;
    } while (token);
    return total;
  }

  async close(): Promise<void> {
    if (this.client) (await this.client).destroy();
  }

  private sqs(): Promise<SQSClient> {
    return (this.client ??= createSqsClient(this.o.connection));
  }

  private resolve(client: SQSClient, name: string, maxReceiveCount: number): Promise<{ queueUrl: string; dlqUrl: string }> {
    const physical = `${this.o.prefix}${name}`;
    let p = this.urls.get(physical);
    if (!p) {
      p = this.o.create
        ? ensureSqsQueues(client, { name: physical, maxReceiveCount })
        : (async () => {
            const { GetQueueUrlCommand } = await loadSqs();
            const [q, d] = await Promise.all([client.send(new GetQueueUrlCommand({ QueueName: physical })), client.send(new GetQueueUrlCommand({ QueueName: `${physical}-dlq` }))]);
            return { queueUrl: q.QueueUrl!, dlqUrl: d.QueueUrl! };
          })();
      // A failed lookup is retried on the next call rather than cached.
      p.catch(() => this.urls.delete(physical));
      this.urls.set(physical, p);
    }
    return p;
  }
}
