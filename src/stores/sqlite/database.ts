import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { LoreError } from '../../errors.js';
import { migrations as defaultMigrations, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;
export type { Migration } from './migrations.js';

export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'lore.db');
}

export interface OpenDatabaseOptions {
  /** Defaults to every registered migration; tests may pass a subset. */
  migrations?: readonly Migration[];
}

/**
 * Open (creating if needed) the Lore database and bring its schema up to date.
 * WAL lets readers run while a writer commits; synchronous=NORMAL is durable across process crashes
 * in WAL mode (only an OS crash can lose the last commits), which is the right trade for a cache of
 * sessions and a knowledge index; busy_timeout makes concurrent processes wait instead of failing.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? defaultMigrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Apply, in version order, each migration not yet recorded; each in its own transaction. */
export function migrate(db: SqliteDatabase, list: readonly Migration[] = defaultMigrations): number[] {
  const sorted = validate(list);
  // Before writing anything: a database a newer Lore wrote is refused, never migrated down.
  assertSchemaKnown(db, sorted);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const recorded = db.prepare('SELECT name FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of sorted) {
    // IMMEDIATE takes the write lock before re-checking, so two processes opening the same file
    // at once cannot both apply a migration.
    db.transaction(() => {
      const name = recorded.get(m.version) as string | undefined;
      if (name !== undefined) {
        if (name !== m.name) {
          throw new LoreError('INTERNAL', `schema migration ${m.version} is recorded as "${name}" but the code calls it "${m.name}"; two migrations share a version`);
        }
        return;
      }
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.version, m.name, Date.now());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}

/** The schema versions recorded in a database (empty for a new file). */
export function recordedVersions(db: SqliteDatabase): number[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  return exists ? (db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[]) : [];
}

/**
 * A version recorded in the file but unknown to this build means a newer Lore wrote it: its
 * tables may have columns or meanings this code would corrupt. Refuse with a message that says
 * what to do, and change nothing.
 */
export function assertSchemaKnown(db: SqliteDatabase, list: readonly Migration[] = defaultMigrations): void {
  const known = new Set(list.map((m) => m.version));
  const unknown = recordedVersions(db).filter((v) => !known.has(v));
  if (unknown.length === 0) return;
  throw new LoreError(
    'CONFLICT',
    `this database was written by a newer version of Lore (schema version${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} unknown to this build, ` +
      `which knows up to ${Math.max(...known)}). Refusing to open it: upgrade Lore, or restore a backup made by this version. Nothing was changed.`,
    { details: { reason: 'schema_too_new', unknown_versions: unknown } },
  );
}

function validate(list: readonly Migration[]): Migration[] {
  const seen = new Set<number>();
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new LoreError('INTERNAL', `migration "${m.name}": version must be a positive integer`);
    if (seen.has(m.version)) throw new LoreError('INTERNAL', `migration version ${m.version} is used twice`);
    seen.add(m.version);
  }
  return [...list].sort((a, b) => a.version - b.version);
}
