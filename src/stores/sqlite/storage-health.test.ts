import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../errors.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { asStorageError, createStorageHealth, storageFaultOf } from './storage-health.js';

describe('storage health', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-storage-'));
    db = openDatabase(join(dir, 'lore.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names SQLite storage faults, also behind LoreError causes, and nothing else', () => {
    const sqlite = (code: string) => Object.assign(new Error(code), { code });
    expect(storageFaultOf(sqlite('SQLITE_FULL'))).toEqual({ reason: 'disk_full', sqliteCode: 'SQLITE_FULL' });
    expect(storageFaultOf(sqlite('SQLITE_IOERR_WRITE'))?.reason).toBe('io_error');
    expect(storageFaultOf(sqlite('SQLITE_READONLY_DBMOVED'))?.reason).toBe('read_only');
    expect(storageFaultOf(new LoreError('INTERNAL', 'wrapped', { cause: sqlite('SQLITE_FULL') }))?.reason).toBe('disk_full');
    for (const other of [sqlite('SQLITE_BUSY'), sqlite('SQLITE_CONSTRAINT_UNIQUE'), new Error('x'), new LoreError('NOT_FOUND', 'x'), undefined]) expect(storageFaultOf(other)).toBeUndefined();
    const e = asStorageError(sqlite('SQLITE_FULL'))!;
    expect(e.code).toBe('STORAGE_UNAVAILABLE');
    expect(e.httpStatus).toBe(503);
    expect(e.details).toMatchObject({ reason: 'disk_full', sqlite_code: 'SQLITE_FULL', retry_after_seconds: 30 });
  });

  it('probes with a real write at most once per interval, and reports read-only databases', () => {
    let t = 0;
    const changes = db.prepare('SELECT total_changes()').pluck();
    const h = createStorageHealth(db, { probeIntervalMs: 5000, now: () => t });
    const before = changes.get() as number;
    expect(h.check()).toMatchObject({ ok: true });
    t = 4999;
    h.check();
    expect((changes.get() as number) - before).toBe(1);
    t = 5000;
    h.check();
    expect((changes.get() as number) - before).toBe(2);

    const ro = new Database(join(dir, 'lore.db'), { readonly: true });
    try {
      const states: string[] = [];
      const roHealth = createStorageHealth(ro, { probeIntervalMs: 0, onChange: (s) => states.push(s.ok ? 'ok' : s.reason) });
      expect(roHealth.check()).toMatchObject({ ok: false, reason: 'read_only' });
      expect(roHealth.check()).toMatchObject({ ok: false, reason: 'read_only' });
      expect(states).toEqual(['read_only']);
    } finally {
      ro.close();
    }
  });

  it('a reported fault holds until the next probe succeeds', () => {
    let t = 0;
    const states: boolean[] = [];
    const h = createStorageHealth(db, { probeIntervalMs: 1000, now: () => t, onChange: (s) => states.push(s.ok) });
    expect(h.check().ok).toBe(true);
    expect(h.report(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(h.report(new Error('not storage'))).toBe(false);
    expect(h.check()).toMatchObject({ ok: false, reason: 'disk_full' });
    t = 1000;
    expect(h.check().ok).toBe(true);
    expect(states).toEqual([false, true]);
  });
});
