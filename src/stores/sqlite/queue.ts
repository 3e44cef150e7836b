import { LoreError } from '../../errors.js';
import { DEFAULT_MAX_RECEIVE_COUNT, UNDECODABLE, type DeadLetter, type Queue, type QueueDepth, type QueueMessage } from '../../jobs/queue.js';
import { newId } from '../../util/ids.js';
import type { SqliteDatabase } from './database.js';

interface Row {
  id: string;
  body: string;
  receive_count: number;
  receipt: string | null;
  last_error: string | null;
  created_at: number;
  dead_at: number | null;
}

export interface SqliteQueueOptions<T = unknown> {
  name: string;
  maxReceiveCount?: number;
  /** Clock, for tests that step through visibility timeouts without sleeping. */
  now?: () => number;
  /** Check a parsed body (e.g. a zod parse); a throw dead-letters that message alone. */
  decode?: (value: unknown) => T;
}

/**
 * The Queue port on a SQLite table (migration 200). Receiving is one UPDATE … RETURNING inside an
 * IMMEDIATE transaction, so two processes polling the same file never get the same message.
 */
export class SqliteQueue<T> implements Queue<T> {
  readonly name: string;
  readonly maxReceiveCount: number;
  private readonly now: () => number;
  private readonly decode: (value: unknown) => T;
  private readonly q;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteQueueOptions<T>,
  ) {
    this.name = options.name;
    this.maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1) throw new LoreError('CONFIG_INVALID', 'maxReceiveCount must be a positive integer');
    this.now = options.now ?? Date.now;
    this.decode = options.decode ?? ((v) => v as T);
    this.q = {
      insert: db.prepare(`INSERT INTO queue_messages (id, queue, body, receive_count, visible_at, created_at, updated_at)
        VALUES (@id, @queue, @body, 0, @visible, @now, @now)`),
      // Messages that used up their deliveries go to the DLQ on the next receive attempt, as in SQS.
      killExhausted: db.prepare(`UPDATE queue_messages SET dead_at = @now, receipt = NULL, updated_at = @now
        WHERE queue = @queue AND dead_at IS NULL AND visible_at <= @now AND receive_count >= @max`),
      // The receipt is unique per delivery, so a stale receipt can no longer ack or extend.
      deliver: db.prepare(`UPDATE queue_messages
        SET receive_count = receive_count + 1, visible_at = @visible, updated_at = @now,
            receipt = id || ':' || (receive_count + 1) || ':' || lower(hex(randomblob(6)))
        WHERE id IN (SELECT id FROM queue_messages WHERE queue = @queue AND dead_at IS NULL AND visible_at <= @now
                     ORDER BY visible_at, created_at LIMIT CAST(@limit AS INTEGER))
        RETURNING id, body, receive_count, receipt, last_error, created_at, dead_at`),
      // An undecodable body goes to the DLQ at once, with the reason: no retry can fix it.
      bury: db.prepare(`UPDATE queue_messages SET dead_at = @now, receipt = NULL, updated_at = @now, last_error = @error
        WHERE queue = @queue AND id = @id`),
      ack: db.prepare('DELETE FROM queue_messages WHERE queue = ? AND receipt = ? AND dead_at IS NULL'),
      visibility: db.prepare(`UPDATE queue_messages SET visible_at = @visible, updated_at = @now, last_error = coalesce(@error, last_error)
        WHERE queue = @queue AND receipt = @receipt AND dead_at IS NULL`),
      dead: db.prepare(`SELECT id, body, receive_count, receipt, last_error, created_at, dead_at FROM queue_messages
        WHERE queue = ? AND dead_at IS NOT NULL ORDER BY dead_at, id LIMIT CAST(? AS INTEGER)`),
      redriveAll: db.prepare(`UPDATE queue_messages SET dead_at = NULL, receive_count = 0, receipt = NULL, visible_at = @now, updated_at = @now
        WHERE queue = @queue AND dead_at IS NOT NULL`),
      redriveOne: db.prepare(`UPDATE queue_messages SET dead_at = NULL, receive_count = 0, receipt = NULL, visible_at = @now, updated_at = @now
        WHERE queue = @queue AND dead_at IS NOT NULL AND id = @id`),
      depth: db.prepare(`SELECT
          coalesce(sum(dead_at IS NULL AND visible_at <= @now), 0) AS ready,
          coalesce(sum(dead_at IS NULL AND visible_at > @now), 0) AS inFlight,
          coalesce(sum(dead_at IS NOT NULL), 0) AS dead
        FROM queue_messages WHERE queue = @queue`),
    };
  }

  async send(p: { body: T; delayMs?: number }): Promise<{ id: string }> {
    const now = this.now();
    const id = newId('msg', now);
    this.q.insert.run({ id, queue: this.name, body: JSON.stringify(p.body), visible: now + Math.max(0, p.delayMs ?? 0), now });
    return { id };
  }

  async receive(p: { max?: number; visibilityTimeoutMs: number }): Promise<Array<QueueMessage<T>>> {
    const limit = Math.max(1, Math.min(Math.floor(p.max ?? 1), 100));
    const now = this.now();
    // Decoding happens inside the receiving transaction: a bad body is buried in the same commit
    // that counted its receive, and it can never take the rest of the batch down with it.
    return this.db
      .transaction(() => {
        this.q.killExhausted.run({ queue: this.name, now, max: this.maxReceiveCount });
        const rows = this.q.deliver.all({ queue: this.name, now, visible: now + Math.max(0, p.visibilityTimeoutMs), limit }) as Row[];
        const out: Array<QueueMessage<T>> = [];
        for (const r of rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))) {
          const d = this.tryDecode(r.body);
          if ('error' in d) this.q.bury.run({ queue: this.name, id: r.id, now, error: `${UNDECODABLE}: ${d.error}`.slice(0, 2000) });
          else out.push({ id: r.id, body: d.body, receiveCount: r.receive_count, receipt: r.receipt!, sentAt: r.created_at });
        }
        return out;
      })
      .immediate();
  }

  private tryDecode(text: string): { body: T } | { error: string } {
    try {
      return { body: this.decode(JSON.parse(text)) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  async ack(p: { receipt: string }): Promise<boolean> {
    return this.q.ack.run(this.name, p.receipt).changes > 0;
  }

  async changeVisibility(p: { receipt: string; timeoutMs: number; error?: string }): Promise<boolean> {
    const now = this.now();
    const error = p.error === undefined ? null : p.error.slice(0, 2000);
    return this.q.visibility.run({ queue: this.name, receipt: p.receipt, visible: now + Math.max(0, p.timeoutMs), now, error }).changes > 0;
  }

  async listDead(p: { limit?: number } = {}): Promise<Array<DeadLetter<T>>> {
    const rows = this.q.dead.all(this.name, Math.max(1, Math.min(Math.floor(p.limit ?? 100), 1000))) as Row[];
    return rows.map((r) => {
      const d = this.tryDecode(r.body);
      return {
        id: r.id,
        ...('error' in d ? { rawBody: r.body } : { body: d.body }),
        receiveCount: r.receive_count,
        ...(r.last_error ? { lastError: r.last_error } : {}),
        sentAt: r.created_at,
        deadAt: r.dead_at!,
      };
    });
  }

  async redrive(p: { ids?: string[] } = {}): Promise<number> {
    const now = this.now();
    if (!p.ids) return this.q.redriveAll.run({ queue: this.name, now }).changes;
    const ids = p.ids;
    return this.db.transaction(() => ids.reduce((n, id) => n + this.q.redriveOne.run({ queue: this.name, id, now }).changes, 0)).immediate();
  }

  async depth(): Promise<QueueDepth> {
    const r = this.q.depth.get({ queue: this.name, now: this.now() }) as QueueDepth;
    return { ready: Number(r.ready), inFlight: Number(r.inFlight), dead: Number(r.dead) };
  }
}
