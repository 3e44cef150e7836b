import type { SqliteDatabase } from './database.js';

/**
 * Group commit for the hot write path (workflow checkpoints, run leases, turns).
 *
 * A commit in WAL mode writes every page the transaction touched to the log, so many small
 * transactions from concurrent turns each re-write the same few B-tree pages (the newest rows of
 * workflow_runs, workflow_steps, turns and their indexes). Instead, writes queued during one
 * event-loop turn are applied in ONE immediate transaction at the next `setImmediate`, each in its
 * own savepoint, so one write failing (a lost lease, a constraint) rolls back only itself.
 *
 * Durability and ordering are unchanged for every caller: a write's promise settles only after
 * the transaction holding it has committed, so nothing that awaits a checkpoint runs before that
 * checkpoint is durable, and a crash before the commit loses only writes nobody was told about.
 * Writes are applied in the order they were queued.
 */
export interface WriteBatcher {
  /** Run `write` inside the next group commit; resolves with its return value once committed. */
  run<T>(write: () => T): Promise<T>;
}

interface Pending {
  write: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const batchers = new WeakMap<SqliteDatabase, WriteBatcher>();

/** The batcher of this connection (shared by every store on it, so their writes commit together). */
export function writeBatcher(db: SqliteDatabase): WriteBatcher {
  let b = batchers.get(db);
  if (!b) {
    b = createWriteBatcher(db);
    batchers.set(db, b);
  }
  return b;
}

function createWriteBatcher(db: SqliteDatabase): WriteBatcher {
  let queue: Pending[] = [];
  let scheduled = false;
  // Inside the outer transaction, better-sqlite3 runs a nested transaction as a SAVEPOINT.
  const savepoint = db.transaction((write: () => unknown) => write());
  const outcomes: Array<{ ok: boolean; value: unknown }> = [];
  const commit = db.transaction((batch: Pending[]) => {
    outcomes.length = 0;
    for (const p of batch) {
      try {
        outcomes.push({ ok: true, value: savepoint(p.write) });
      } catch (e) {
        // SQLITE_FULL, SQLITE_IOERR and a few others can make SQLite roll back the WHOLE
        // transaction, not just the savepoint. Carrying on would run the remaining writes in
        // autocommit (committed, yet reported failed when COMMIT then finds no transaction):
        // abort the batch instead, so every write in it fails with the real error and none is written.
        if (!db.inTransaction) throw e;
        outcomes.push({ ok: false, value: e });
      }
    }
  });

  // While another process holds the write lock, the batch waits on a timer rather than in
  // SQLite's busy handler, which sleeps on the event loop (no request served meanwhile). Lore
  // processes sharing one file (`lore serve --processes N`) contend here on every group commit.
  let waitingSince = 0;
  let busyTimeoutMs = 5000;
  try {
    busyTimeoutMs = Number(db.pragma('busy_timeout', { simple: true })) || 0;
  } catch {
    // A closed or exotic connection: keep the default.
  }

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      if (!db.open) throw new TypeError('The database connection is not open');
      commitWithoutWaiting(batch);
    } catch (e) {
      if (isBusy(e) && (waitingSince === 0 || Date.now() - waitingSince < busyTimeoutMs)) {
        // Nothing was written: BEGIN IMMEDIATE did not get the lock. Keep order, try again soon.
        if (waitingSince === 0) waitingSince = Date.now();
        queue = batch.concat(queue);
        scheduled = true;
        setTimeout(flush, 1 + Math.random() * 2);
        return;
      }
      waitingSince = 0;
      // The commit itself failed (busy past busy_timeout, disk full, closed): nothing was written.
      for (const p of batch) p.reject(e);
      return;
    }
    waitingSince = 0;
    const settled = outcomes.slice(0, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const o = settled[i]!;
      if (o.ok) batch[i]!.resolve(o.value);
      else batch[i]!.reject(o.value);
    }
  };

  // SQLite applies `PRAGMA busy_timeout` while compiling it, so it cannot be prepared once and
  // re-run, and better-sqlite3 has no busy-handler call: the switch around BEGIN IMMEDIATE is two
  // statements per commit. `exec` runs them without building a Statement object and reading its
  // result rows (`pragma()` does both): about 0.45 µs instead of 1.9 µs each. An in-memory
  // database has no other process to wait for, so it skips the switch.
  const noWait = 'PRAGMA busy_timeout = 0';
  const restore = `PRAGMA busy_timeout = ${busyTimeoutMs}`;
  const commitWithoutWaiting = (batch: Pending[]) => {
    if (busyTimeoutMs === 0 || db.memory) return commit.immediate(batch);
    db.exec(noWait);
    try {
      commit.immediate(batch);
    } finally {
      db.exec(restore);
    }
  };

  return {
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

function isBusy(e: unknown): boolean {
  // SQLITE_BUSY and its extended codes: another connection holds the lock. (SQLITE_LOCKED is a
  // conflict inside this connection, which waiting would not resolve.)
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
