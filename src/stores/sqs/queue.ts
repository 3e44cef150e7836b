import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import { LoreError } from '../../errors.js';
import { DEFAULT_MAX_RECEIVE_COUNT, UNDECODABLE, type DeadLetter, type Queue, type QueueDepth, type QueueMessage } from '../../jobs/queue.js';
import { newId } from '../../util/ids.js';
import { loadSqs } from './client.js';

export interface SqsQueueOptions<T> {
  name: string;
  client: SQSClient;
  queueUrl: string;
  /** The queue named as deadLetterTargetArn in queueUrl's redrive policy. */
  dlqUrl: string;
  /** Must equal the redrive policy's maxReceiveCount (the adapter dead-letters a failed last delivery itself). */
  maxReceiveCount?: number;
  decode?: (value: unknown) => T;
  now?: () => number;
}

/** Message attributes the adapter keeps on each message (SQS's MessageId changes when a message is re-sent). */
const A = { id: 'lore-id', sentAt: 'lore-sent-at', error: 'lore-error', count: 'lore-receive-count', deadAt: 'lore-dead-at' } as const;
const SYSTEM = ['ApproximateReceiveCount', 'SentTimestamp'] as const;
/** How long listing holds dead letters invisible while it pages through the DLQ. */
const LIST_HOLD_S = 30;
/** Deliveries remembered for changeVisibility-with-error (a failed last delivery is moved with its error). */
const MAX_TRACKED = 10_000;
const STALE = new Set(['ReceiptHandleIsInvalid', 'InvalidParameterValue', 'MessageNotInflight']);

interface Delivery {
  msg: Message;
  receiveCount: number;
}

/**
 * The Queue port on SQS with a redrive policy (maxReceiveCount 3 → `<name>-dlq`). SQS counts
 * receives (ApproximateReceiveCount) and moves a message nobody acked to the DLQ by itself; the
 * adapter adds what SQS cannot do: a logical id that survives a redrive, the last error on a dead
 * letter (a failed last delivery is moved by the adapter with its error), and an undecodable body
 * moved to the DLQ alone at once. SQS's time unit is the second: timeouts and delays are rounded
 * up to whole seconds. Standard queues do not promise order; messages come back as SQS returns them.
 */
export class SqsQueue<T> implements Queue<T> {
  readonly name: string;
  readonly maxReceiveCount: number;
  private readonly decode: (value: unknown) => T;
  private readonly now: () => number;
  private readonly deliveries = new Map<string, Delivery>();

  constructor(private readonly o: SqsQueueOptions<T>) {
    this.name = o.name;
    this.maxReceiveCount = o.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1) throw new LoreError('CONFIG_INVALID', 'maxReceiveCount must be a positive integer');
    this.decode = o.decode ?? ((v) => v as T);
    this.now = o.now ?? Date.now;
  }

  async send(p: { body: T; delayMs?: number }): Promise<{ id: string }> {
    const { SendMessageCommand } = await loadSqs();
    const now = this.now();
    const id = newId('msg', now);
    await this.o.client.send(
      new SendMessageCommand({
        QueueUrl: this.o.queueUrl,
        MessageBody: JSON.stringify(p.body),
        DelaySeconds: Math.min(900, seconds(p.delayMs ?? 0)),
        MessageAttributes: { [A.id]: str(id), [A.sentAt]: str(String(now)) },
      }),
    );
    return { id };
  }

  async receive(p: { max?: number; visibilityTimeoutMs: number }): Promise<Array<QueueMessage<T>>> {
    const { ReceiveMessageCommand } = await loadSqs();
    const want = Math.max(1, Math.min(Math.floor(p.max ?? 1), 100));
    const out: Array<QueueMessage<T>> = [];
    // SQS hands out at most 10 per call; a short page means the queue had no more ready.
    for (let asked = 0; asked < want; ) {
      const n = Math.min(10, want - asked);
      asked += n;
      const r = await this.o.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.o.queueUrl, MaxNumberOfMessages: n, VisibilityTimeout: seconds(p.visibilityTimeoutMs),
          MessageSystemAttributeNames: [...SYSTEM], MessageAttributeNames: ['All'],
        }),
      );
      const msgs = r.Messages ?? [];
      for (const m of msgs) {
        const receiveCount = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
        const d = this.tryDecode(m.Body ?? '');
        if ('error' in d) {
          // No retry can fix a body: dead-letter it now, alone; the rest of the page is delivered.
          await this.bury(m, receiveCount, `${UNDECODABLE}: ${d.error}`);
          continue;
        }
        this.track(m.ReceiptHandle!, { msg: m, receiveCount });
        out.push({ id: idOf(m), body: d.body, receiveCount, receipt: m.ReceiptHandle!, sentAt: sentAtOf(m) });
      }
      if (msgs.length < n) break;
    }
    return out;
  }

  async ack(p: { receipt: string }): Promise<boolean> {
    const { DeleteMessageCommand } = await loadSqs();
    const ok = await this.stale(this.o.client.send(new DeleteMessageCommand({ QueueUrl: this.o.queueUrl, ReceiptHandle: p.receipt })));
    this.deliveries.delete(p.receipt);
    return ok;
  }

  async changeVisibility(p: { receipt: string; timeoutMs: number; error?: string }): Promise<boolean> {
    const { ChangeMessageVisibilityCommand } = await loadSqs();
    const change = (s: number) => this.stale(this.o.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.o.queueUrl, ReceiptHandle: p.receipt, VisibilityTimeout: s })));
    const d = this.deliveries.get(p.receipt);
    if (p.error !== undefined && d && d.receiveCount >= this.maxReceiveCount) {
      // The last allowed delivery failed: SQS would move it on the next receive but without the
      // reason, so move it now with the error. Holding it first proves the receipt is current.
      if (!(await change(LIST_HOLD_S))) return false;
      await this.bury(d.msg, d.receiveCount, p.error.slice(0, 2000));
      this.deliveries.delete(p.receipt);
      return true;
    }
    return change(seconds(p.timeoutMs));
  }

  async listDead(p: { limit?: number } = {}): Promise<Array<DeadLetter<T>>> {
    const limit = Math.max(1, Math.min(Math.floor(p.limit ?? 100), 1000));
    const held = await this.holdDead(limit);
    await this.release(held);
    return held.map((m) => {
      const d = this.tryDecode(m.Body ?? '');
      const error = attr(m, A.error);
      return {
        id: idOf(m),
        ...('error' in d ? { rawBody: m.Body ?? '' } : { body: d.body }),
        // Moved by the adapter: the count it had; moved by SQS's redrive policy: the policy's count.
        receiveCount: Number(attr(m, A.count) ?? this.maxReceiveCount),
        ...(error ? { lastError: error } : {}),
        sentAt: sentAtOf(m),
        deadAt: Number(attr(m, A.deadAt) ?? sentAtOf(m)),
      };
    });
  }

  async redrive(p: { ids?: string[] } = {}): Promise<number> {
    const { SendMessageCommand, DeleteMessageCommand } = await loadSqs();
    const held = await this.holdDead(10_000);
    const pick = p.ids ? new Set(p.ids) : null;
    const moving = held.filter((m) => !pick || pick.has(idOf(m)));
    // Send first, then delete: a crash in between leaves a duplicate, never a lost message.
    for (const m of moving) {
      await this.o.client.send(
        new SendMessageCommand({
          QueueUrl: this.o.queueUrl, MessageBody: m.Body!,
          MessageAttributes: { [A.id]: str(idOf(m)), [A.sentAt]: str(String(sentAtOf(m))) },
        }),
      );
      await this.o.client.send(new DeleteMessageCommand({ QueueUrl: this.o.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
    await this.release(held.filter((m) => !moving.includes(m)));
    return moving.length;
  }

  async depth(): Promise<QueueDepth> {
    const { GetQueueAttributesCommand } = await loadSqs();
    const counts = async (url: string) => {
      const r = await this.o.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
      );
      const a = r.Attributes ?? {};
      return { ready: Number(a.ApproximateNumberOfMessages ?? 0), hidden: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
    };
    const [main, dlq] = await Promise.all([counts(this.o.queueUrl), counts(this.o.dlqUrl)]);
    return { ready: main.ready, inFlight: main.hidden, dead: dlq.ready + dlq.hidden };
  }

  /** Copy a message to the DLQ with why and when, then delete it from the queue (send first: never lost). */
  private async bury(m: Message, receiveCount: number, error: string): Promise<void> {
    const { SendMessageCommand, DeleteMessageCommand } = await loadSqs();
    await this.o.client.send(
      new SendMessageCommand({
        QueueUrl: this.o.dlqUrl, MessageBody: m.Body || ' ',
        MessageAttributes: {
          [A.id]: str(idOf(m)), [A.sentAt]: str(String(sentAtOf(m))), [A.error]: str(error),
          [A.count]: str(String(receiveCount)), [A.deadAt]: str(String(this.now())),
        },
      }),
    );
    await this.o.client.send(new DeleteMessageCommand({ QueueUrl: this.o.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  }

  /** Receive up to `limit` distinct dead letters, each held invisible so paging does not see it twice. */
  private async holdDead(limit: number): Promise<Message[]> {
    const { ReceiveMessageCommand } = await loadSqs();
    const held: Message[] = [];
    while (held.length < limit) {
      const r = await this.o.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.o.dlqUrl, MaxNumberOfMessages: Math.min(10, limit - held.length), VisibilityTimeout: LIST_HOLD_S,
          MessageSystemAttributeNames: [...SYSTEM], MessageAttributeNames: ['All'],
        }),
      );
      const page = r.Messages ?? [];
      if (page.length === 0) break;
      held.push(...page);
    }
    return held;
  }

  private async release(msgs: Message[]): Promise<void> {
    const { ChangeMessageVisibilityCommand } = await loadSqs();
    for (const m of msgs) {
      await this.stale(this.o.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.o.dlqUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })));
    }
  }

  /** True when the call went through; false when SQS refused the receipt as stale or unknown. */
  private async stale(call: Promise<unknown>): Promise<boolean> {
    try {
      await call;
      return true;
    } catch (e) {
      if (STALE.has((e as { name?: string }).name ?? '')) return false;
      throw e;
    }
  }

  private track(receipt: string, d: Delivery): void {
    if (this.deliveries.size >= MAX_TRACKED) this.deliveries.delete(this.deliveries.keys().next().value!);
    this.deliveries.set(receipt, d);
  }

  private tryDecode(text: string): { body: T } | { error: string } {
    try {
      return { body: this.decode(JSON.parse(text)) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

const seconds = (ms: number) => Math.max(0, Math.min(43_200, Math.ceil(ms / 1000)));
const str = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
const attr = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;
/** A message sent by someone else (no lore-id) is known by its SQS MessageId from then on. */
const idOf = (m: Message) => attr(m, A.id) ?? m.MessageId!;
const sentAtOf = (m: Message) => Number(attr(m, A.sentAt) ?? m.Attributes?.SentTimestamp ?? 0);
