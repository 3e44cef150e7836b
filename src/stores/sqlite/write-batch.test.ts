import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBatcher } from './write-batch.js';

describe('writeBatcher (group commit)', () => {
  let dir: string;
  let path: string;
  const open: Database.Database[] = [];
  const connect = (busyTimeoutMs = 5000) => {
    const db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    open.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-wb-'));
    path = join(dir, 'wb.db');
    connect().exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits writes queued in one event-loop turn together, in order, each with its own result', async () => {
    const db = connect();
    const b = writeBatcher(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.all(['a', 'b', 'c'].map((v) => b.run(() => Number(insert.run(v).lastInsertRowid))));
    expect(results).toEqual([1, 2, 3]);
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b', 'c']);
  });

  it('builds no statement per commit for the busy_timeout switch, and leaves the connection timeout as set at open', async () => {
    const db = connect();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const b = writeBatcher(db);
    const made: string[] = [];
    const prepare = db.prepare.bind(db);
    const pragma = db.pragma.bind(db);
    db.prepare = ((sql: string) => (made.push(sql), prepare(sql))) as typeof db.prepare;
    db.pragma = ((sql: string, o?: Database.PragmaOptions) => (made.push(`PRAGMA ${sql}`), pragma(sql, o))) as typeof db.pragma;
    for (let i = 0; i < 20; i++) await b.run(() => insert.run(`c${i}`));
    // 20 separate group commits; the old switch prepared two busy_timeout pragmas for each (40).
    expect(made).toEqual([]);
    expect(pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(20);
  });

  it('a failing write rolls back only itself; the others of its batch commit', async () => {
    const db = connect();
    const b = writeBatcher(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const outcomes = await Promise.allSettled([
      b.run(() => insert.run('kept-1')),
      b.run(() => {
        insert.run('rolled-back');
        insert.run(null); // NOT NULL violation: this write's savepoint is undone, row above included
      }),
      b.run(() => insert.run('kept-2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['kept-1', 'kept-2']);
  });

  it('waits for another connection holding the write lock without blocking the event loop', async () => {
    const other = connect();
    const db = connect();
    const b = writeBatcher(db);
    other.exec('BEGIN IMMEDIATE');
    other.prepare('INSERT INTO t (v) VALUES (?)').run('first');
    let settled = false;
    const pending = b.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('second'));
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The event loop keeps turning while the batch waits: timers fire, the write is still pending
    // (not failed, not stuck inside SQLite's busy handler, which would block until busy_timeout and
    // then fail), and once the lock frees it commits.
    const started = Date.now();
    await new Promise<void>((resolve) => {
      let n = 0;
      const tick = () => (++n < 5 ? setTimeout(tick, 2) : resolve());
      setTimeout(tick, 2);
    });
    expect(Date.now() - started).toBeLessThan(2500); // busy_timeout is 5000: a blocked loop overshoots it
    expect(settled).toBe(false);
    other.exec('COMMIT');
    await pending;
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['first', 'second']);
  });

  it('gives up with SQLITE_BUSY after the connection busy timeout, having written nothing', async () => {
    const other = connect();
    const db = connect(50);
    const b = writeBatcher(db);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(b.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('never'))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      other.exec('ROLLBACK');
    }
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    // The connection's own busy timeout is restored for statements outside the batcher.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(50);
  });

  it('when SQLite rolls the whole transaction back (SQLITE_FULL), every write of the batch fails and none is written', async () => {
    const db = connect();
    const b = writeBatcher(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('before');
    // The file may not grow: the big write needs new pages and fails with SQLITE_FULL, which
    // rolls back the enclosing transaction, not just its savepoint.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const results = await Promise.allSettled([b.run(() => insert.run('small-1')), b.run(() => insert.run('x'.repeat(200_000))), b.run(() => insert.run('small-2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(((r as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_FULL');
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['before']);
    // Space back: the batcher works again.
    db.pragma('max_page_count = 1073741823');
    await b.run(() => insert.run('after'));
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['before', 'after']);
  });
});
