import type Database from 'better-sqlite3';
import { evaluationMigrations } from './migrations-evaluation.js';
import { feedbackMigrations } from './migrations-feedback.js';
import { gdprMigrations } from './migrations-gdpr.js';
import { memoryMigrations } from './migrations-memory.js';
import { queueMigrations } from './migrations-queue.js';
import { runMigrations } from './migrations-runs.js';
import { retrievalMigrations } from './migrations-retrieval.js';
import { trustMigrations } from './migrations-trust.js';

/**
 * The SQLite schema, as an ordered list of versioned migrations shared by every SQLite store
 * (sessions, knowledge, runs, queue …) because they all live in one database file.
 *
 * To add tables: APPEND an entry with the next free `version` and a descriptive `name`. Never edit
 * or renumber an entry that has shipped: databases in the field recorded it as applied.
 * `migrate()` refuses to start if a recorded version has a different name than the code, which is
 * how two branches that picked the same number get caught before they corrupt a database.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL script (may hold several statements) or a function for data migrations. */
  up: string | ((db: Database.Database) => void);
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'sessions',
    up: `
      -- Episodic memory. Times are epoch ms; a turn is expired once expires_at <= now.
      CREATE TABLE turns (
        id            TEXT PRIMARY KEY,
        tenant_id     TEXT NOT NULL,
        session_id    TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content       TEXT NOT NULL,            -- JSON ContentBlock[]
        input_tokens  INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        trace_id      TEXT,
        run_id        TEXT,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL
      );
      -- Serves "last N turns of a session" as an index range scan read backwards (rowid breaks
      -- ties between turns written in the same millisecond).
      CREATE INDEX turns_session ON turns (tenant_id, session_id, created_at);
      CREATE INDEX turns_expiry ON turns (expires_at);
      -- A retried workflow run must never write its turn twice.
      CREATE UNIQUE INDEX turns_run_role ON turns (tenant_id, run_id, role) WHERE run_id IS NOT NULL;

      -- One row per session so ownership is fixed by the first turn, not by whichever turn is
      -- still unexpired; expires_at follows the newest turn.
      CREATE TABLE sessions (
        tenant_id  TEXT NOT NULL,
        session_id TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, session_id)
      ) WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions (tenant_id, user_id);
      CREATE INDEX sessions_expiry ON sessions (expires_at);
    `,
  },
  {
    version: 2,
    name: 'knowledge',
    up: `
      CREATE TABLE documents (
        id            TEXT PRIMARY KEY,
        tenant_id     TEXT NOT NULL,
        source_uri    TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('document', 'learning')),
        text          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('active', 'pending', 'superseded', 'deleted')),
        superseded_by TEXT,                      -- kept through a delete so restore knows
        content_hash  TEXT NOT NULL,
        provenance    TEXT NOT NULL DEFAULT '{}', -- JSON Provenance
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        UNIQUE (tenant_id, source_uri)
      );
      CREATE INDEX documents_hash ON documents (tenant_id, content_hash);
      CREATE INDEX documents_list ON documents (tenant_id, updated_at);
      CREATE INDEX documents_superseded_by ON documents (superseded_by) WHERE superseded_by IS NOT NULL;

      -- seq is the FTS rowid; id is the stable public chunk id.
      CREATE TABLE chunks (
        seq             INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        doc_id          TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        idx             INTEGER NOT NULL,
        text            TEXT NOT NULL,
        embedding       BLOB,                    -- unit-length Float32 vector
        embedding_model TEXT                     -- vectors of different models never compared
      );
      CREATE INDEX chunks_doc ON chunks (doc_id, idx);

      -- External-content FTS5 index kept in sync by triggers, so chunk text is stored once.
      CREATE VIRTUAL TABLE chunks_fts USING fts5 (
        text, content = 'chunks', content_rowid = 'seq', tokenize = 'porter unicode61'
      );
      CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, text) VALUES (new.seq, new.text);
      END;
      CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.seq, old.text);
      END;
      CREATE TRIGGER chunks_au AFTER UPDATE OF text ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO chunks_fts (rowid, text) VALUES (new.seq, new.text);
      END;

      -- "by_doc_id superseded a fact in chunk_id". Recorded for learnings too (doc_id is the
      -- chunk's doc), so deleting and restoring the superseder can undo and redo the effect.
      CREATE TABLE chunk_supersessions (
        chunk_id   TEXT NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
        doc_id     TEXT NOT NULL,
        by_doc_id  TEXT NOT NULL REFERENCES documents (id),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (chunk_id, by_doc_id)
      );
      CREATE INDEX chunk_supersessions_by ON chunk_supersessions (by_doc_id);

      -- Append-only audit trail; no FK so events about ids that were never written can be kept.
      CREATE TABLE doc_history (
        seq       INTEGER PRIMARY KEY,
        doc_id    TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        action    TEXT NOT NULL,
        actor     TEXT NOT NULL,
        at        INTEGER NOT NULL,
        detail    TEXT                           -- JSON object
      );
      CREATE INDEX doc_history_doc ON doc_history (tenant_id, doc_id, seq);
    `,
  },
  {
    version: 3,
    name: 'turns_session_live',
    up: `
      -- Covers "live turns of a session" (count, first, last) as an index-only scan (no row reads):
      -- POST /chat checks who owns a session on every turn, and that must not read every turn row.
      CREATE INDEX turns_session_live ON turns (tenant_id, session_id, created_at, expires_at);
    `,
  },
  {
    version: 4,
    name: 'chunk_supersessions_doc',
    up: `
      -- Deleting or restoring a learning looks up which other active fact superseded the same
      -- document (WHERE doc_id = ?): without this, a scan of every supersession ever recorded.
      CREATE INDEX chunk_supersessions_doc ON chunk_supersessions (doc_id, created_at);
    `,
  },
  ...queueMigrations,
  ...evaluationMigrations,
  ...runMigrations,
  ...trustMigrations,
  ...gdprMigrations,
  ...memoryMigrations,
  ...retrievalMigrations,
  ...feedbackMigrations,
];
