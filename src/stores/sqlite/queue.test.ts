import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteQueue } from './queue.js';

// The Queue contract runs over every backend in test/contracts/; these are SQLite specifics.

describe('SqliteQueue (adapter specifics)', () => {
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
