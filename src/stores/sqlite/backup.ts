import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LoreError } from '../../errors.js';
import { assertSchemaKnown, openDatabase, recordedVersions, type SqliteDatabase } from './database.js';
import { migrations as defaultMigrations, type Migration } from './migrations.js';

/**
 * Online backup and offline restore of the Lore database.
 *
 * Backup uses SQLite's online backup API (better-sqlite3 `db.backup()`): the copy is a consistent
 * snapshot even while `lore serve` keeps writing — all pages are copied in one step, inside one
 * read transaction, so a write from another process cannot make it restart or tear. It is written
 * beside the target and renamed into place only after an integrity check, so a failed backup never
 * leaves a file that looks complete.
 *
 * Restore replaces the database only when nothing else has it open, after checking the file.
 */
export interface BackupInfo {
  path: string;
  bytes: number;
  /** Highest schema version recorded in the file. */
  schemaVersion: number;
}

const fsyncFile = (path: string) => {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * A self-contained file: a copy of a WAL database keeps the WAL flag, and opening it (even
 * read-only) would create -wal/-shm files beside it. Rollback-journal mode is one file; opening
 * it with openDatabase turns WAL back on.
 */
function toRollbackJournal(path: string): string {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } catch (e) {
    throw new LoreError('VALIDATION_FAILED', `${path} is not a SQLite database (${(e as Error).message})`, { cause: e });
  } finally {
    db.close();
  }
  return path;
}

export async function backupDatabase(db: SqliteDatabase, file: string): Promise<BackupInfo> {
  const partial = `${file}.partial-${process.pid}`;
  try {
    // The first step copies 100 pages (better-sqlite3's default); from then on, everything at once.
    await db.backup(partial, { progress: () => 1 << 30 });
    const info = inspectBackup(toRollbackJournal(partial));
    fsyncFile(partial);
    renameSync(partial, file);
    return { ...info, path: file };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * Check a backup before trusting it: a SQLite file, `integrity_check` ok, a Lore schema, and no
 * schema version this build does not know (a newer Lore's database is never migrated down).
 */
export function inspectBackup(file: string, list: readonly Migration[] = defaultMigrations): BackupInfo {
  if (!existsSync(file)) throw new LoreError('NOT_FOUND', `no such file: ${file}`);
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new LoreError('VALIDATION_FAILED', `${file} is not a readable SQLite database (${(e as Error).message})`, { cause: e });
  }
  try {
    let check: string;
    try {
      check = db.pragma('integrity_check', { simple: true }) as string;
    } catch (e) {
      throw new LoreError('VALIDATION_FAILED', `${file} is not a SQLite database (${(e as Error).message})`, { cause: e });
    }
    if (check !== 'ok') throw new LoreError('VALIDATION_FAILED', `${file} failed SQLite's integrity check: ${check}`);
    const versions = recordedVersions(db);
    if (versions.length === 0) throw new LoreError('VALIDATION_FAILED', `${file} is not a Lore database (no schema_migrations table)`);
    assertSchemaKnown(db, list);
    return { path: file, bytes: statSync(file).size, schemaVersion: Math.max(...versions) };
  } finally {
    db.close();
  }
}

export interface RestoreResult extends BackupInfo {
  /** Where the database that was replaced was kept (undefined when there was none). */
  previous?: string;
}

/**
 * Replace the database at `dbPath` with the backup `file`. Refused while any other connection
 * (a running `lore serve`, another CLI command) has the database open: leaving WAL mode needs
 * every other connection gone, which makes that check exact. The old file is kept beside it
 * (`lore.db.before-restore-<time>`), and the restored file is opened once so older schemas
 * are migrated up right away.
 */
export function restoreDatabase(file: string, dbPath: string, now = Date.now()): RestoreResult {
  if (!existsSync(file)) throw new LoreError('NOT_FOUND', `no such file: ${file}`);
  // Checked on a private copy: the operator's file is never modified, and what is checked is what is installed.
  const staged = `${dbPath}.restoring-${process.pid}`;
  copyFileSync(file, staged);
  let previous: string | undefined;
  let info: BackupInfo;
  try {
    try {
      info = inspectBackup(toRollbackJournal(staged));
    } catch (e) {
      // The checks ran on the private copy; the operator knows only the file they gave.
      if (!(e instanceof LoreError)) throw e;
      throw new LoreError(e.code, e.message.split(staged).join(file), { details: e.details, cause: e });
    }
    // Migrate the private copy before it replaces anything: a backup whose migrations fail (its
    // recorded version does not match its tables) used to be installed first and then fail to
    // open, leaving a data directory every command refused.
    try {
      openDatabase(staged).close();
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split(staged).join(file);
      throw new LoreError('VALIDATION_FAILED', `${file} could not be migrated to this version's schema (${why}); the current database was left untouched`, { cause: e });
    }
    fsyncFile(staged);
    if (existsSync(dbPath)) {
      const current = new Database(dbPath, { timeout: 0 });
      try {
        try {
          current.pragma('busy_timeout = 0');
          current.pragma('journal_mode = DELETE');
          // Hold the file exclusively while it is swapped, so nobody opens it half-way.
          current.exec('BEGIN EXCLUSIVE');
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
            throw new LoreError('CONFLICT', `the database ${dbPath} is in use by another process (is \`lore serve\` running?); stop it, then restore`);
          }
          throw e;
        }
        previous = `${dbPath}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
        renameSync(dbPath, previous);
        renameSync(staged, dbPath);
        for (const suffix of ['-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
        current.exec('ROLLBACK');
      } finally {
        current.close();
      }
    } else {
      renameSync(staged, dbPath);
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${staged}${suffix}`, { force: true });
  }
  fsyncFile(dirname(dbPath));
  // Open once: WAL mode back on, and a backup from an older schema migrated up now.
  openDatabase(dbPath).close();
  return { ...info, path: dbPath, ...(previous ? { previous } : {}) };
}
