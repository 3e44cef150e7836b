/**
 * Storage faults as a port-level notion (what every backend's faults mean to the service), so the
 * engine, the HTTP layer and recovery never import an adapter. The SQLite adapter's write probe
 * (stores/sqlite/storage-health.ts) produces a StorageHealth; other backends may offer their own.
 */
import { LoreError } from './errors.js';

/**
 * Storage faults — a full disk, an I/O error, a database that turned read-only — are temporary
 * and named, never an opaque 500: they become STORAGE_UNAVAILABLE (503 + Retry-After), an
 * operator event and a metric, and health reports `degraded` with the reason until a write
 * succeeds again. Nothing is corrupted by them (the store rolls the write back), so the
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
    // SQLite's driver errors surface from deep inside statements, so their codes are recognised
    // here; other backends' adapters throw STORAGE_UNAVAILABLE themselves.
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

/** SQLite's code for a database file unlinked or replaced while open (a removed data directory). */
export const DB_MOVED_CODE = 'SQLITE_READONLY_DBMOVED';
const DB_MOVED_MESSAGE = 'the database file was removed or replaced while the server was running; restore the data directory and restart the server';

/**
 * Refuse a write up front while the database file is gone: unlike a full disk, such a write would
 * not fail — SQLite would accept it into an unlinked file and it would be lost at the next start.
 */
export function assertDatabaseInPlace(health: StorageHealth | undefined): void {
  const st = health?.check();
  if (st && !st.ok && st.sqliteCode === DB_MOVED_CODE) throw asStorageError(Object.assign(new Error(DB_MOVED_MESSAGE), { code: DB_MOVED_CODE }))!;
}

/** `e` as a STORAGE_UNAVAILABLE LoreError when it is a storage fault, else undefined. */
export function asStorageError(e: unknown): LoreError | undefined {
  if (e instanceof LoreError && e.code === 'STORAGE_UNAVAILABLE') return e;
  const f = storageFaultOf(e);
  if (!f) return undefined;
  const what = f.sqliteCode === DB_MOVED_CODE ? DB_MOVED_MESSAGE : MESSAGES[f.reason];
  return new LoreError('STORAGE_UNAVAILABLE', `${what}; the request could not be completed, retry later`, {
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
