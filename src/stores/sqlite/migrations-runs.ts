import type { Migration } from './migrations.js';

/**
 * Workflow tables (RunStore). Versions 100+ are reserved for the workflow so they never collide
 * with the shared list in migrations.ts; append new versions here, never edit shipped ones.
 */
export const runMigrations: Migration[] = [
  {
    version: 100,
    name: 'workflow_runs',
    up: `
      -- One row per turn. current_state is the state to execute next; the lease says which
      -- engine instance is executing it (owner = host/pid/instance) and until when.
      CREATE TABLE workflow_runs (
        run_id        TEXT PRIMARY KEY,
        tenant_id     TEXT NOT NULL,
        session_id    TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        trace_id      TEXT NOT NULL,
        message       TEXT NOT NULL,
        status        TEXT NOT NULL,
        current_state TEXT NOT NULL,
        intent        TEXT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        error_count   INTEGER NOT NULL DEFAULT 0,
        error_code    TEXT,
        error_message TEXT,
        result        TEXT,                     -- JSON RunResult once terminal or paused
        lease_owner   TEXT,
        lease_until   INTEGER,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      CREATE INDEX workflow_runs_status ON workflow_runs (status, created_at);
      CREATE INDEX workflow_runs_session ON workflow_runs (tenant_id, session_id, created_at);

      -- Every attempt of every task, succeeded or failed; a resumed run rebuilds its data from
      -- the succeeded rows in seq order instead of re-running them.
      CREATE TABLE workflow_steps (
        seq           INTEGER PRIMARY KEY,
        run_id        TEXT NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
        step          TEXT NOT NULL,
        attempt       INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
        input         TEXT,
        output        TEXT,
        error_code    TEXT,
        error_message TEXT,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER NOT NULL
      );
      CREATE INDEX workflow_steps_run ON workflow_steps (run_id, seq);

      -- Mid-step progress (the Reason loop's message history after each model/tool round).
      -- Progress, approvals, effects and feedback have no foreign key to workflow_runs: step
      -- handlers also run under Step Functions, where the run lives in the execution, not here.
      CREATE TABLE workflow_progress (
        run_id     TEXT NOT NULL,
        step       TEXT NOT NULL,
        data       TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;

      CREATE TABLE workflow_approvals (
        approval_id     TEXT PRIMARY KEY,
        run_id          TEXT NOT NULL,
        tenant_id       TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        tool_use_id     TEXT NOT NULL,
        tool            TEXT NOT NULL,
        input           TEXT NOT NULL,
        reason          TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
        decided_by      TEXT,
        decision_reason TEXT,
        created_at      INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL,
        decided_at      INTEGER,
        UNIQUE (run_id, tool_use_id)
      );
      CREATE INDEX workflow_approvals_tenant ON workflow_approvals (tenant_id, status, created_at);
      CREATE INDEX workflow_approvals_expiry ON workflow_approvals (status, expires_at);

      -- The effect ledger: "started" is written before a mutating call, "completed" with its
      -- result after, so a crash in between is visible as an unknown outcome.
      CREATE TABLE workflow_effects (
        key          TEXT PRIMARY KEY,
        run_id       TEXT NOT NULL,
        step         TEXT NOT NULL,
        tool_use_id  TEXT NOT NULL,
        tool         TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('started', 'completed')),
        result       TEXT,
        started_at   INTEGER NOT NULL,
        completed_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX workflow_effects_run ON workflow_effects (run_id);

      CREATE TABLE workflow_feedback (
        feedback_id   TEXT PRIMARY KEY,
        tenant_id     TEXT NOT NULL,
        session_id    TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        run_id        TEXT NOT NULL UNIQUE,
        target_run_id TEXT,
        message       TEXT NOT NULL,
        sentiment     TEXT NOT NULL,
        created_at    INTEGER NOT NULL
      );
      CREATE INDEX workflow_feedback_target ON workflow_feedback (tenant_id, target_run_id);
    `,
  },
  {
    version: 101,
    name: 'workflow_drop_run_fks',
    // Databases created before migration 100 lost its foreign keys (an edit after it shipped)
    // still have workflow_progress and workflow_approvals referencing workflow_runs: a step run
    // under Step Functions (no local run row) fails there, and deleting a run cascades. Rebuild
    // those tables without the reference (SQLite cannot drop a constraint); a no-op elsewhere.
    up: (db) => {
      for (const table of ['workflow_progress', 'workflow_approvals']) {
        if ((db.pragma(`foreign_key_list(${table})`) as unknown[]).length === 0) continue;
        const ddl = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table) as string;
        const indexes = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).pluck().all(table) as string[];
        const rebuilt = ddl.replace(/\s+REFERENCES\s+workflow_runs\s*\(\s*run_id\s*\)(\s+ON\s+DELETE\s+CASCADE)?/gi, '').replace(`CREATE TABLE ${table}`, `CREATE TABLE ${table}_rebuilt`);
        db.exec(rebuilt);
        db.exec(`INSERT INTO ${table}_rebuilt SELECT * FROM ${table}`);
        db.exec(`DROP TABLE ${table}`);
        db.exec(`ALTER TABLE ${table}_rebuilt RENAME TO ${table}`);
        for (const sql of indexes) db.exec(sql);
      }
    },
  },
];
