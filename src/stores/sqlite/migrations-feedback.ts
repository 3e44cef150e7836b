import type { Migration } from './migrations.js';

/**
 * One feedback table (learning/feedback-store.ts). Ratings (migration 201's `feedback`) and chat
 * feedback (migration 100's `workflow_feedback`) were two tables that every reader had to UNION;
 * now a row is either kind, with `target_run_id` always naming the run the feedback is about and
 * `rating` holding a chat message's sentiment as a thumb. Version 900, not 110: migrations run in
 * version order, and this one needs both older tables to exist on a fresh database.
 */
export const feedbackMigrations: Migration[] = [
  {
    version: 900,
    name: 'feedback_one_table',
    up: `
      CREATE TABLE feedback_all (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('rating', 'message')),
        tenant_id     TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        -- A rating: the rated run. A message: the run that carried it (one row per run).
        run_id        TEXT NOT NULL,
        -- The run the feedback is about: run_id for a rating, the session's previous run for a message.
        target_run_id TEXT,
        session_id    TEXT,
        -- The thumb: a rating's, or a message's sentiment (positive up, negative down, neutral NULL).
        rating        TEXT CHECK (rating IN ('up', 'down')),
        sentiment     TEXT CHECK (sentiment IN ('positive', 'negative', 'neutral')),
        -- A rating's comment, or the feedback message itself.
        comment       TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      INSERT INTO feedback_all (id, kind, tenant_id, user_id, run_id, target_run_id, session_id, rating, sentiment, comment, created_at, updated_at)
        SELECT id, 'rating', tenant_id, user_id, run_id, run_id, NULL, rating, NULL, comment, created_at, updated_at FROM feedback;
      INSERT INTO feedback_all (id, kind, tenant_id, user_id, run_id, target_run_id, session_id, rating, sentiment, comment, created_at, updated_at)
        SELECT feedback_id, 'message', tenant_id, user_id, run_id, target_run_id, session_id,
               CASE sentiment WHEN 'positive' THEN 'up' WHEN 'negative' THEN 'down' END, sentiment, message, created_at, created_at
        FROM workflow_feedback;
      DROP TABLE feedback;
      DROP TABLE workflow_feedback;
      ALTER TABLE feedback_all RENAME TO feedback;
      -- One rating per user per run (rating again replaces it); one message row per feedback run.
      CREATE UNIQUE INDEX feedback_rating ON feedback (tenant_id, run_id, user_id) WHERE kind = 'rating';
      CREATE UNIQUE INDEX feedback_message ON feedback (run_id) WHERE kind = 'message';
      CREATE INDEX feedback_target ON feedback (tenant_id, target_run_id);
      CREATE INDEX feedback_updated ON feedback (tenant_id, updated_at);
      CREATE INDEX feedback_since ON feedback (updated_at);
    `,
  },
];
