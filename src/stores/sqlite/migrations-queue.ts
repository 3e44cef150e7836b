import type { Migration } from './migrations.js';

/**
 * Tables owned by the ingress layer: the durable queue behind asynchronous turns and the thumbs
 * up/down feedback the evaluator merges with its judge scores. Versions 200+ keep this list clear
 * of the core stores' numbering while several people add migrations at once.
 */
export const queueMigrations: Migration[] = [
  {
    version: 200,
    name: 'queue',
    up: `
      -- One table for every named queue. A message is ready when visible_at <= now and dead_at is
      -- NULL; receiving it bumps receive_count, hides it for the visibility timeout and hands out
      -- a fresh receipt, so only the latest receiver can ack it. dead_at set = in the DLQ.
      CREATE TABLE queue_messages (
        id            TEXT PRIMARY KEY,
        queue         TEXT NOT NULL,
        body          TEXT NOT NULL,            -- JSON
        receive_count INTEGER NOT NULL DEFAULT 0,
        visible_at    INTEGER NOT NULL,         -- epoch ms
        receipt       TEXT,
        dead_at       INTEGER,
        last_error    TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      CREATE INDEX queue_ready ON queue_messages (queue, visible_at) WHERE dead_at IS NULL;
      CREATE INDEX queue_dead ON queue_messages (queue, dead_at) WHERE dead_at IS NOT NULL;
      CREATE UNIQUE INDEX queue_receipt ON queue_messages (receipt) WHERE receipt IS NOT NULL;
    `,
  },
  {
    version: 201,
    name: 'feedback',
    up: `
      -- One rating per user per run: rating again replaces the earlier one (people change their
      -- mind), so the evaluator never double-counts a user.
      CREATE TABLE feedback (
        id         TEXT PRIMARY KEY,
        tenant_id  TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        comment    TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (tenant_id, run_id, user_id)
      );
      CREATE INDEX feedback_updated ON feedback (tenant_id, updated_at);
    `,
  },
];
