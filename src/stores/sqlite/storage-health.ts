import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
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
import { storageFaultOf, type StorageHealth, type StorageHealthOptions, type StorageState } from '../../storage-faults.js';


/** Room a write needs beyond the pages it rewrites: a probe file this big must fit next to the database. */
const PROBE_BYTES = 128 * 1024;
const FS_CODES: Record<string, string> = { ENOSPC: 'SQLITE_FULL', EDQUOT: 'SQLITE_FULL', EROFS: 'SQLITE_READONLY', EIO: 'SQLITE_IOERR_WRITE' };

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
