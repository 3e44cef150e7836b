import { LoreError } from '../../errors.js';
import type { Backend, BackendHealth, BackendOptions, QueueOptions } from '../../backend.js';
import { defaultDbPath, openDatabase, type SqliteDatabase } from './database.js';
import { SqliteEvaluationStore } from './evaluation-store.js';
import { SqliteFeedbackStore } from './feedback-store.js';
import { eraseUserData } from './gdpr.js';
import { purgeFinishedRuns } from './run-retention.js';
import { idleSessions } from './idle-sessions.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';
import { SqliteMemoryStore } from './memory-store.js';
import { SqliteQueue } from './queue.js';
import { SqliteRunStore } from './run-store.js';
import { SqliteSessionStore } from './session-store.js';
import { SqliteStatsSource } from './stats-source.js';
import { createStorageHealth } from './storage-health.js';
import { SqliteRunUsageLedger } from './usage-ledger.js';

export interface SqliteBackendOptions extends BackendOptions {
  /** The database file (`:memory:` for a throwaway one); see defaultDbPath(dataDir). */
  path: string;
  /** Use the sqlite-vec index for nearest-vector search when an embedder is set (default true). */
  vectorIndex?: boolean;
}

/** The SQLite bundle: its ports plus the database itself, for SQLite-only tools (backup, reindex, explain). */
export interface SqliteBackend extends Backend {
  readonly kind: 'sqlite';
  readonly db: SqliteDatabase;
  readonly path: string;
}

export { defaultDbPath };

/**
 * Every port on one SQLite file: one connection shared by all stores, so a checkpoint, a queue
 * receive and a session append are each one local transaction (WAL, synchronous=NORMAL; see
 * database.ts). The run store implements runs, approvals and the effect ledger in one class.
 */
export function createSqliteBackend(options: SqliteBackendOptions): SqliteBackend {
  const db = openDatabase(options.path);
  const now = options.now;
  const runs = new SqliteRunStore(db);
  const feedback = new SqliteFeedbackStore(db, now);
  const knowledge = new SqliteKnowledgeStore(db, {
    ...(options.chunkTokens !== undefined ? { chunkTokens: options.chunkTokens } : {}),
    ...(options.chunkOverlap !== undefined ? { chunkOverlap: options.chunkOverlap } : {}),
    ...(options.vectorIndex !== undefined ? { vectorIndex: options.vectorIndex } : {}),
    ...(now ? { now } : {}),
    onIndexBuildError: (e: unknown) => options.onWarning?.('lexical index build failed: FTS5 ranks until the next attempt', e),
    ...(options.embedder
      ? { embedder: options.embedder, onVectorIndexUnavailable: (e: unknown) => options.onWarning?.('sqlite-vec index unavailable: nearest-vector search scans in JS', e) }
      : {}),
  });
  const storage = createStorageHealth(db, { probeIntervalMs: 0 });
  let closed = false;
  return {
    kind: 'sqlite',
    db,
    path: options.path,
    sessions: new SqliteSessionStore(db, { ttlSeconds: options.sessionTtlSeconds, ...(now ? { now } : {}) }),
    memory: new SqliteMemoryStore(db, now),
    knowledge,
    runs,
    approvals: runs,
    effects: runs,
    feedback,
    evaluations: new SqliteEvaluationStore(db),
    usage: new SqliteRunUsageLedger(db),
    stats: new SqliteStatsSource(db),
    queue: <T>(o: QueueOptions<T>) => new SqliteQueue<T>(db, { ...o, ...(now ? { now } : {}) }),
    idleSessions: async (p) => idleSessions(db, p),
    purgeFinishedRuns: async (p) => purgeFinishedRuns(db, p),
    storageHealth: (o) => createStorageHealth(db, o),
    eraseUser: (p) => eraseUserData(db, knowledge, p),
    async health(): Promise<BackendHealth> {
      const s = storage.check();
      return s.ok ? { ok: true, kind: 'sqlite', checkedAt: s.checkedAt } : { ok: false, kind: 'sqlite', checkedAt: s.checkedAt, reason: s.reason, details: { sqlite_code: s.sqliteCode, since: s.since } };
    },
    // Synchronous underneath: the file is closed before close() returns its promise, so a caller
    // that does not await it (or removes the directory next) finds it closed.
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/**
 * The SQLite database behind a backend (or a runtime's backend), for SQLite-only tools and tests:
 * backup, reindex, search explain. A CONFIG error on any other backend.
 */
export function sqliteDb(of: Backend | { backend: Backend }): SqliteDatabase {
  const b = 'kind' in of ? of : of.backend;
  if (b.kind !== 'sqlite' || !('db' in b)) throw new LoreError('CONFIG_INVALID', `this needs the SQLite store (LORE_STORE=sqlite); the configured store is ${b.kind}`);
  return (b as SqliteBackend).db;
}
