import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LoreError } from '../../errors.js';
import type { SqliteDatabase } from './database.js';

/**
 * Storage faults — a full disk, an I/O error, a database that turned read-only — are temporary
 * and named, never an opaque 500: they become STORAGE_UNAVAILABLE (503 + Retry-After), an
 * operator event and a metric, and health reports `degraded` with the reason until a write
 * succeeds again. Nothing is corrupted by them (SQLite rolls the transaction back), so the
 * process keeps running and simply tries again on the next request.
 */
export type StorageFaultReason = 'disk_full' | 'io_error' | 'read_only';

export interface StorageFault {
  reason: StorageFaultReason;
  /** SQLite's extended result code, e.g. SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY. */
  sqliteCode: string;
}

/** Seconds a client is told to wait before retrying a request that met a storage fault. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

function classify(code: string): StorageFaultReason | undefined {
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'io_error';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  return undefined;
}

/** The storage fault behind `e`, looking through LoreError causes (the engine and stores wrap errors). */
export function storageFaultOf(e: unknown): StorageFault | undefined {
  for (let cur = e, depth = 0; cur && depth < 8; depth++) {
    if (cur instanceof LoreError && cur.code === 'STORAGE_UNAVAILABLE') {
      const d = cur.details as { reason?: StorageFaultReason; sqlite_code?: string } | undefined;
      return { reason: d?.reason ?? 'io_error', sqliteCode: d?.sqlite_code ?? 'SQLITE_IOERR' };
    }
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      const reason = classify(code);
      if (reason) return { reason, sqliteCode: code };
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

const MESSAGES: Record<StorageFaultReason, string> = {
  disk_full: 'the database disk is full',
  io_error: 'the database storage returned an I/O error',
  read_only: 'the database is read-only',
};

/** `e` as a STORAGE_UNAVAILABLE LoreError when it is a storage fault, else undefined. */
export function asStorageError(e: unknown): LoreError | undefined {
  if (e instanceof LoreError && e.code === 'STORAGE_UNAVAILABLE') return e;
  const f = storageFaultOf(e);
  if (!f) return undefined;
  return new LoreError('STORAGE_UNAVAILABLE', `${MESSAGES[f.reason]}; the request could not be completed, retry later`, {
    details: { reason: f.reason, sqlite_code: f.sqliteCode, retry_after_seconds: STORAGE_RETRY_AFTER_SECONDS },
    cause: e,
  });
}

export type StorageState = { ok: true; checkedAt: number } | { ok: false; reason: StorageFaultReason; sqliteCode: string; since: number; checkedAt: number };

export interface StorageHealth {
  /**
   * The storage state, running the write probe when the last one is older than the probe
   * interval (so a health check hammered by a load balancer costs one tiny write per interval).
   */
  check(): StorageState;
  /** Record an error met by a request or job; true when it was a storage fault. */
  report(e: unknown): boolean;
}

export interface StorageHealthOptions {
  /** At most one probe write per this interval; default 5 s. */
  probeIntervalMs?: number;
  now?: () => number;
  /** Called when the state flips (operator event + metric in `lore serve`). */
  onChange?: (state: StorageState) => void;
}

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
