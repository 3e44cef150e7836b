import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNDECODABLE, type Queue } from './queue.js';

/**
 * The behaviour every Queue adapter must share (see the semantics in queue.ts): visibility,
 * receipts, exactly maxReceiveCount deliveries, DLQ and redrive, and undecodable bodies
 * dead-lettered alone. Each adapter calls this with a factory for a fresh, empty queue.
 */
export interface QueueHarness<T> {
  queue: Queue<T>;
  /** Put a raw body on the queue, bypassing the adapter's encoding (a poison message from elsewhere). */
  sendRaw(text: string): Promise<{ id: string }>;
  /** Move the queue's clock forward (a fake clock, or a real sleep for a remote adapter). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface QueueFactoryOptions<T> {
  name: string;
  maxReceiveCount: number;
  decode?: (value: unknown) => T;
}

export type QueueFactory = <T>(o: QueueFactoryOptions<T>) => Promise<QueueHarness<T>>;

interface Job {
  n: number;
}
const decodeJob = (v: unknown): Job => {
  if (!v || typeof v !== 'object' || typeof (v as Job).n !== 'number') throw new Error('expected {n: number}');
  return { n: (v as Job).n };
};

export function queueContract(adapter: string, factory: QueueFactory): void {
  describe(`Queue contract: ${adapter}`, () => {
    let h: QueueHarness<Job>;
    let q: Queue<Job>;
    beforeEach(async () => {
      h = await factory<Job>({ name: 'jobs', maxReceiveCount: 3, decode: decodeJob });
      q = h.queue;
    });
    afterEach(async () => h.close());

    it('delivers, hides for the visibility timeout, redelivers when not acked, and only the latest receipt acks', async () => {
      await q.send({ body: { n: 1 } });
      const [m] = await q.receive({ visibilityTimeoutMs: 1000 });
      expect(m).toMatchObject({ body: { n: 1 }, receiveCount: 1 });
      expect(await q.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
      await h.advance(1000);
      const [again] = await q.receive({ visibilityTimeoutMs: 1000 });
      expect(again).toMatchObject({ id: m!.id, receiveCount: 2 });
      expect(await q.ack({ receipt: m!.receipt })).toBe(false);
      expect(await q.ack({ receipt: again!.receipt })).toBe(true);
      expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 0 });
    });

    it('dead-letters after exactly maxReceiveCount deliveries with the last error, and redrives', async () => {
      const { id } = await q.send({ body: { n: 7 } });
      let receives = 0;
      for (let i = 0; i < 6; i++) {
        const got = await q.receive({ visibilityTimeoutMs: 10 });
        if (got.length) await q.changeVisibility({ receipt: got[0]!.receipt, timeoutMs: 0, error: `boom ${++receives}` });
        await h.advance(10);
      }
      expect(receives).toBe(3);
      expect(await q.listDead()).toMatchObject([{ id, body: { n: 7 }, receiveCount: 3, lastError: 'boom 3' }]);
      expect(await q.redrive({ ids: [id] })).toBe(1);
      const [back] = await q.receive({ visibilityTimeoutMs: 10 });
      expect(back).toMatchObject({ id, body: { n: 7 }, receiveCount: 1 });
    });

    for (const [what, raw] of [
      ['not JSON', '{bad json'],
      ['JSON the decoder rejects', '{"m": 1}'],
    ] as const) {
      it(`a body that is ${what} is dead-lettered alone, with its error, and the rest of the batch is delivered`, async () => {
        await q.send({ body: { n: 1 } });
        await h.advance(1);
        const bad = await h.sendRaw(raw);
        await h.advance(1);
        await q.send({ body: { n: 2 } });
        const got = await q.receive({ max: 10, visibilityTimeoutMs: 1000 });
        expect(got.map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }]);
        for (const m of got) expect(await q.ack({ receipt: m.receipt })).toBe(true);
        // Dead at once: no visibility timeouts to wait out, no retries of a body no retry can fix.
        expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 1 });
        const dead = await q.listDead();
        expect(dead).toHaveLength(1);
        expect(dead[0]).toMatchObject({ id: bad.id, rawBody: raw, receiveCount: 1 });
        expect(dead[0]!.body).toBeUndefined();
        expect(dead[0]!.lastError).toContain(UNDECODABLE);
        // Listable and redrivable whatever its body; back on the queue it is buried again, alone.
        expect(await q.redrive()).toBe(1);
        await q.send({ body: { n: 3 } });
        await h.advance(1);
        expect((await q.receive({ max: 10, visibilityTimeoutMs: 1000 })).map((m) => m.body)).toEqual([{ n: 3 }]);
        expect((await q.depth()).dead).toBe(1);
      });
    }

    // Whole seconds: SQS counts delays and visibility timeouts in seconds.
    it('respects delays and batch size, in send order', async () => {
      await q.send({ body: { n: 1 } });
      await h.advance(1);
      await q.send({ body: { n: 2 } });
      await q.send({ body: { n: 3 }, delayMs: 1000 });
      expect((await q.receive({ max: 10, visibilityTimeoutMs: 5000 })).map((m) => m.body.n)).toEqual([1, 2]);
      await h.advance(1000);
      expect((await q.receive({ max: 10, visibilityTimeoutMs: 5000 })).map((m) => m.body.n)).toEqual([3]);
    });
  });
}
