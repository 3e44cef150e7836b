import { z } from 'zod';

/**
 * The `Queue` port: at-least-once delivery with a visibility timeout and a dead-letter queue, in
 * SQS's terms so the SQS adapter only translates. The embedded adapter is a SQLite table
 * (src/stores/sqlite/queue.ts).
 *
 * Semantics (same as SQS with a redrive policy):
 * - `receive` hides each message for `visibilityTimeoutMs` and counts the receive; a message not
 *   acked in time becomes visible again and is redelivered.
 * - Once a message has been received `maxReceiveCount` times without an ack, the next receive
 *   attempt moves it to the DLQ instead of delivering it: exactly `maxReceiveCount` deliveries.
 * - Only the latest receipt acks a message, so a worker that overran its visibility timeout
 *   cannot delete the copy another worker is processing.
 * - A message whose body cannot be decoded (not JSON, or rejected by the adapter's `decode`) is
 *   dead-lettered alone, at once, with the decode error as `lastError`; the rest of its batch is
 *   delivered as usual. Retrying cannot fix a body, and failing the batch would dead-letter the
 *   healthy messages received with it.
 * - Every dead letter can be listed and redriven whatever its body: an undecodable one is shown
 *   by its raw text.
 */

export const DEFAULT_MAX_RECEIVE_COUNT = 3;

export interface QueueMessage<T> {
  id: string;
  body: T;
  /** 1 on the first delivery. */
  receiveCount: number;
  /** Handle for ack / changeVisibility; valid until the next delivery of this message. */
  receipt: string;
  sentAt: number;
}

export interface DeadLetter<T> {
  id: string;
  /** Absent when the stored body cannot be decoded; `rawBody` then holds its text. */
  body?: T;
  rawBody?: string;
  receiveCount: number;
  /** The error recorded by the last failed attempt, if the consumer gave one. */
  lastError?: string;
  sentAt: number;
  deadAt: number;
}

export interface QueueDepth {
  ready: number;
  inFlight: number;
  dead: number;
}

export interface Queue<T> {
  readonly name: string;
  readonly maxReceiveCount: number;
  send(params: { body: T; delayMs?: number }): Promise<{ id: string }>;
  receive(params: { max?: number; visibilityTimeoutMs: number }): Promise<Array<QueueMessage<T>>>;
  /** Delete a processed message. False when the receipt is stale (redelivered since) or unknown. */
  ack(params: { receipt: string }): Promise<boolean>;
  /**
   * Extend (heartbeat) or shorten (retry sooner) the invisibility of a received message; an
   * `error` is kept so the DLQ shows why the message kept failing.
   */
  changeVisibility(params: { receipt: string; timeoutMs: number; error?: string }): Promise<boolean>;
  listDead(params?: { limit?: number }): Promise<Array<DeadLetter<T>>>;
  /** Move dead letters (all, or the given ids) back to the queue with a fresh receive count. */
  redrive(params?: { ids?: string[] }): Promise<number>;
  depth(): Promise<QueueDepth>;
}

/** The body of an asynchronous chat turn: the run row already exists (TurnRunner.enqueue). */
export interface ChatJob {
  kind: 'chat';
  runId: string;
  tenantId: string;
}

/** Decode a chat job body; throws on anything else (the queue dead-letters it alone). */
export function decodeChatJob(v: unknown): ChatJob {
  const r = ChatJobSchema.safeParse(v);
  if (!r.success) throw new Error(`not a chat job: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return r.data;
}
const ChatJobSchema = z.object({ kind: z.literal('chat'), runId: z.string().min(1).max(256), tenantId: z.string().min(1).max(256) });

/** Bodies a queue cannot decode (in `lastError` of the dead letter). */
export const UNDECODABLE = 'undecodable message body';

/** The queue asynchronous chat turns go through (`lore dlq` defaults to it). */
export { CHAT_QUEUE } from './queue-names.js';
