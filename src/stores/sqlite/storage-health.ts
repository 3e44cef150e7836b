import { closeSync, fsyncSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqliteDatabase } from './database.js';

export {
  asStorageError,
  storageFaultOf,
  STORAGE_RETRY_AFTER_SECONDS,
  type StorageFault,
  type StorageFaultReason,
  type StorageHealth,
  type StorageHealthOptions,
  type StorageState,
} from '../../storage-faults.js';
import { DB_MOVED_CODE as DB_MOVED, storageFaultOf, type StorageHealth, type StorageHealthOptions, type StorageState } from '../../storage-faults.js';


/** Room a write needs beyond the pages it rewrites: a probe file this big must fit next to the database. */
const PROBE_BYTES = 128 * 1024;
// ENOENT: the data directory was removed under the running server (see fileIdentity).
const FS_CODES: Record<string, string> = { ENOSPC: 'SQLITE_FULL', EDQUOT: 'SQLITE_FULL', EROFS: 'SQLITE_READONLY', EIO: 'SQLITE_IOERR_WRITE', ENOENT: 'SQLITE_READONLY_DBMOVED' };


/**
 * The device and inode of the file at the database's path. If the file (or its directory) is
 * removed or replaced while the server runs, SQLite keeps writing through its open descriptor
 * to an unlinked inode in WAL mode: every write "succeeds" and is gone at the next start. So the
 * identity is checked (one stat, no interval) and a mismatch is a storage fault like a read-only
 * database, which gates writes with 503 instead of accepting them into a file nobody will read.
 */
function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}


/**
 * The write probe, two real writes:
 * - a commit that touches a page (SQLite writes it to the WAL even when the value is unchanged),
 *   so an I/O error or a read-only database fails it as a request's write would;
 * - a small file written, synced and removed next to the database, because a commit that only
 *   rewrites pages may still fit in WAL space the file already has while every write that needs
 *   a new page fails on a full disk.
 * A database at its page limit (PRAGMA max_page_count) with no free page is full as well.
 */
function probe(db: SqliteDatabase): void {
  // A short busy timeout: waiting for another process's write lock must not stall the event loop
  // for the connection's usual 5 s (a busy database is not an unhealthy one).
  const busy = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 50');
  try {
    db.transaction(() => {
      db.prepare('UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT min(version) FROM schema_migrations)').run();
    }).immediate();
  } finally {
    db.pragma(`busy_timeout = ${busy}`);
  }
  const max = db.pragma('max_page_count', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  if (pages >= max && (db.pragma('freelist_count', { simple: true }) as number) === 0) {
    throw Object.assign(new Error('database or disk is full (page limit reached)'), { code: 'SQLITE_FULL' });
  }
  if (!db.memory && db.name) probeFile(join(dirname(db.name), '.lore-write-probe'));
}

function probeFile(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    writeSync(fd, Buffer.alloc(PROBE_BYTES));
    fsyncSync(fd);
  } catch (e) {
    const code = FS_CODES[(e as NodeJS.ErrnoException).code ?? ''];
    throw code ? Object.assign(new Error(`write probe: ${(e as Error).message}`), { code }) : e;
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(path, { force: true });
  }
}

export function createStorageHealth(db: SqliteDatabase, o: StorageHealthOptions = {}): StorageHealth {
  const now = o.now ?? Date.now;
  const interval = o.probeIntervalMs ?? 5000;
  let state: StorageState = { ok: true, checkedAt: -Infinity };
  const file = !db.memory && db.name ? db.name : undefined;
  const identity = file ? fileIdentity(file) : undefined;
  const moved = () => identity !== undefined && fileIdentity(file!) !== identity;
  // The WAL holds every commit since the last checkpoint. Deleted under a running server, SQLite
  // keeps appending to the unlinked file, and a crash loses all of it. The data is still readable
  // through the open descriptor, so this is repaired, not just reported: checkpoint it into the
  // database, then leave and re-enter WAL mode so SQLite creates a fresh WAL at its path.
  const walPath = file ? `${file}-wal` : undefined;
  let wal = walPath ? fileIdentity(walPath) : undefined;
  const walReplaced = () => {
    if (!walPath) return false;
    const current = fileIdentity(walPath);
    if (wal === undefined) wal = current;
    return wal !== undefined && current !== wal;
  };
  const rebuildWal = () => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    // Another connection (a second server process, a CLI) keeps WAL mode from being left (BUSY
    // above, or the mode unchanged): the lost WAL cannot be replaced, so writes are refused like
    // those to a removed database, and the repair is tried again at the next check.
    if (mode !== 'wal') throw Object.assign(new Error(`the write-ahead log ${walPath} was removed and could not be recreated`), { code: DB_MOVED });
    // SQLite creates the new WAL at its path with the next write; it is recorded when it appears.
    wal = fileIdentity(walPath!);
  };
  const set = (next: StorageState) => {
    const flipped = next.ok !== state.ok || (!next.ok && !state.ok && next.reason !== state.reason);
    state = next;
    if (flipped) o.onChange?.(state);
  };
  const report = (e: unknown): boolean => {
    const f = storageFaultOf(e);
    if (!f) return false;
    const t = now();
    set({ ok: false, reason: f.reason, sqliteCode: f.sqliteCode, since: state.ok ? t : state.since, checkedAt: t });
    return true;
  };
  return {
    report,
    check() {
      const t = now();
      if (moved()) {
        report(Object.assign(new Error(`the database file ${file} was removed or replaced while open`), { code: DB_MOVED }));
        return state;
      }
      if (walReplaced()) {
        try {
          rebuildWal();
        } catch (e) {
          report(storageFaultOf(e) ? e : Object.assign(new Error(`the write-ahead log ${walPath} was removed: ${(e as Error).message}`), { code: DB_MOVED, cause: e }));
          return state;
        }
      }
      if (t - state.checkedAt < interval) return state;
      try {
        probe(db);
        set({ ok: true, checkedAt: t });
      } catch (e) {
        // Not a storage fault (e.g. SQLITE_BUSY under a long writer): the probe says nothing new.
        if (!report(e)) state = { ...state, checkedAt: t };
      }
      return state;
    },
  };
}
