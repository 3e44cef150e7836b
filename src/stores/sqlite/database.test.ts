import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDbPath, migrate, openDatabase, type SqliteDatabase } from './database.js';
import { migrations, type Migration } from './migrations.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lore-db-'));
  dirs.push(d);
  return d;
};
const open = (path: string, list?: Migration[]) => {
  const db = openDatabase(path, list ? { migrations: list } : {});
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the directory and sets WAL, foreign keys, busy timeout and synchronous=NORMAL', () => {
    const path = defaultDbPath(join(tempDir(), 'a', 'b'));
    expect(path.endsWith(join('b', 'lore.db'))).toBe(true);
    const db = open(path);
    expect(existsSync(path)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('applies every registered migration once, in a schema_migrations table', () => {
    const path = join(tempDir(), 'lore.db');
    const db = open(path);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b));
    expect(migrate(db)).toEqual([]);
    db.close();
    expect(migrate(open(path))).toEqual([]);
  });

  it('works in memory', () => {
    const db = open(':memory:');
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'documents'").pluck().get()).toBe(1);
  });

  it('lets later stores append migrations, and rolls back a failing one', () => {
    const path = join(tempDir(), 'lore.db');
    open(path).close();
    const extra: Migration = { version: 9001, name: 'queue', up: 'CREATE TABLE queue_test (id TEXT PRIMARY KEY)' };
    const broken: Migration = { version: 9002, name: 'broken', up: 'CREATE TABLE half (x); CREATE TABLE nope (' };
    expect(() => open(path, [...migrations, extra, broken])).toThrow();
    const db = open(path, [...migrations, extra]);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('queue_test', 'half')").pluck().get()).toBe(1);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(9001);
  });

  it('refuses duplicate versions and a version recorded under another name', () => {
    const path = join(tempDir(), 'lore.db');
    const dup: Migration[] = [...migrations, { version: 1, name: 'again', up: '' }];
    expect(() => open(path, dup)).toThrow(/used twice/);
    open(path, [{ version: 500, name: 'runs', up: 'CREATE TABLE r (x)' }]).close();
    expect(() => open(path, [{ version: 500, name: 'queue', up: 'CREATE TABLE q (x)' }])).toThrow(/two migrations share a version/);
  });
});
