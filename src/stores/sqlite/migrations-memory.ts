import type { Migration } from './migrations.js';

export const memoryMigrations: Migration[] = [
  {
    version: 700,
    name: 'long_term_memory',
    up: `
      -- One rolling summary per session (README "Memory"). covered_through is the createdAt of the
      -- newest turn folded in: writers compare-and-set on it, so a summary is never lost or doubled.
      CREATE TABLE session_summaries (
        tenant_id       TEXT NOT NULL,
        session_id      TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        text            TEXT NOT NULL,
        covered_through INTEGER NOT NULL,
        covered_turns   INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, session_id)
      );
      CREATE INDEX session_summaries_user ON session_summaries (tenant_id, user_id, updated_at);
      CREATE INDEX session_summaries_expiry ON session_summaries (expires_at);
      CREATE VIRTUAL TABLE session_summaries_fts USING fts5 (
        text, content = 'session_summaries', content_rowid = 'rowid', tokenize = 'porter unicode61'
      );
      CREATE TRIGGER session_summaries_ai AFTER INSERT ON session_summaries BEGIN
        INSERT INTO session_summaries_fts (rowid, text) VALUES (new.rowid, new.text);
      END;
      CREATE TRIGGER session_summaries_ad AFTER DELETE ON session_summaries BEGIN
        INSERT INTO session_summaries_fts (session_summaries_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
      END;
      CREATE TRIGGER session_summaries_au AFTER UPDATE OF text ON session_summaries BEGIN
        INSERT INTO session_summaries_fts (session_summaries_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        INSERT INTO session_summaries_fts (rowid, text) VALUES (new.rowid, new.text);
      END;

      -- Facts a user stated about themself: their own memory, never shared with the tenant.
      CREATE TABLE user_facts (
        id         TEXT PRIMARY KEY,
        tenant_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        text       TEXT NOT NULL,
        session_id TEXT,
        run_id     TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX user_facts_user ON user_facts (tenant_id, user_id, updated_at);
      CREATE INDEX user_facts_expiry ON user_facts (expires_at);

      -- Which memory items reached each run's prompt (GET /runs/:id).
      CREATE TABLE run_memory (
        tenant_id TEXT NOT NULL,
        run_id    TEXT NOT NULL,
        kind      TEXT NOT NULL,
        item_id   TEXT NOT NULL,
        user_id   TEXT NOT NULL,
        PRIMARY KEY (tenant_id, run_id, kind, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_memory_user ON run_memory (tenant_id, user_id);
    `,
  },
];
