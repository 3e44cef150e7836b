import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteQueue } from './queue.js';

describe('SqliteQueue', () => {
  let dir: string;
  let db: SqliteDatabase;
  let t: number;
  const clock = () => t;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-queue-'));
    db = openDatabase(join(dir, 'lore.db'));
    t = 1_000_000;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers, hides for the visibility timeout, and redelivers when not acked', async () => {
    const q = new SqliteQueue<{ n: number }>(db, { name: 'jobs', now: clock });
    await q.send({ body: { n: 1 } });
    const [m] = await q.receive({ visibilityTimeoutMs: 1000 });
    expect(m).toMatchObject({ body: { n: 1 }, receiveCount: 1 });
    expect(await q.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
    expect(await q.depth()).toEqual({ ready: 0, inFlight: 1, dead: 0 });
    t += 1000;
    const [again] = await q.receive({ visibilityTimeoutMs: 1000 });
    expect(again).toMatchObject({ id: m!.id, receiveCount: 2 });
    // The first receipt is stale now: it must not delete the copy being processed.
    expect(await q.ack({ receipt: m!.receipt })).toBe(false);
    expect(await q.ack({ receipt: again!.receipt })).toBe(true);
    expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 0 });
  });

  it('moves a poison message to the DLQ after exactly maxReceiveCount receives, and redrives it', async () => {
    const q = new SqliteQueue<string>(db, { name: 'jobs', now: clock, maxReceiveCount: 3 });
    const { id } = await q.send({ body: 'poison' });
    let receives = 0;
    for (let i = 0; i < 6; i++) {
      const got = await q.receive({ visibilityTimeoutMs: 10 });
      if (got.length) {
        receives++;
        await q.changeVisibility({ receipt: got[0]!.receipt, timeoutMs: 0, error: `boom ${receives}` });
      }
      t += 10;
    }
    expect(receives).toBe(3);
    const dead = await q.listDead();
    expect(dead).toMatchObject([{ id, body: 'poison', receiveCount: 3, lastError: 'boom 3' }]);
    expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, dead: 1 });

    expect(await q.redrive({ ids: [id] })).toBe(1);
    expect(await q.listDead()).toEqual([]);
    const [back] = await q.receive({ visibilityTimeoutMs: 10 });
    expect(back).toMatchObject({ id, body: 'poison', receiveCount: 1 });
    expect(await q.ack({ receipt: back!.receipt })).toBe(true);
  });

  it('respects delays, batch size and FIFO-ish order, and keeps queues apart', async () => {
    const a = new SqliteQueue<number>(db, { name: 'a', now: clock });
    const b = new SqliteQueue<number>(db, { name: 'b', now: clock });
    await a.send({ body: 1 });
    t += 1;
    await a.send({ body: 2 });
    await a.send({ body: 3, delayMs: 500 });
    await b.send({ body: 9 });
    const got = await a.receive({ max: 10, visibilityTimeoutMs: 1000 });
    expect(got.map((m) => m.body)).toEqual([1, 2]);
    t += 500;
    expect((await a.receive({ max: 10, visibilityTimeoutMs: 1000 })).map((m) => m.body)).toEqual([3]);
    expect((await b.receive({ max: 10, visibilityTimeoutMs: 1000 })).map((m) => m.body)).toEqual([9]);
  });

  it('heartbeats extend the visibility of the current delivery only', async () => {
    const q = new SqliteQueue<number>(db, { name: 'a', now: clock });
    await q.send({ body: 1 });
    const [m] = await q.receive({ visibilityTimeoutMs: 100 });
    t += 90;
    expect(await q.changeVisibility({ receipt: m!.receipt, timeoutMs: 100 })).toBe(true);
    t += 90;
    expect(await q.receive({ visibilityTimeoutMs: 100 })).toEqual([]);
    expect(await q.changeVisibility({ receipt: 'nope', timeoutMs: 100 })).toBe(false);
  });

  it('two consumers on the same file never receive the same message', async () => {
    const db2 = openDatabase(join(dir, 'lore.db'));
    try {
      const q1 = new SqliteQueue<number>(db, { name: 'a' });
      const q2 = new SqliteQueue<number>(db2, { name: 'a' });
      for (let i = 0; i < 50; i++) await q1.send({ body: i });
      const seen: number[] = [];
      for (let i = 0; i < 30; i++) {
        for (const q of [q1, q2]) seen.push(...(await q.receive({ max: 3, visibilityTimeoutMs: 60_000 })).map((m) => m.body));
      }
      expect(seen.length).toBe(50);
      expect(new Set(seen).size).toBe(50);
    } finally {
      db2.close();
    }
  });
});
