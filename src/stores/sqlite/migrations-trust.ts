import type { Migration } from './migrations.js';

/**
 * The learning trust model (versions 400+): who owns a learning, where it is in review, how much
 * the tenant trusts it, who vouched for or against it, and which knowledge reached each prompt.
 */
export const trustMigrations: Migration[] = [
  {
    version: 400,
    name: 'learning_trust',
    up: `
      -- owner_id: the user who taught a learning (NULL for ingested documents and old learnings,
      -- which stay shared). review: NULL (never reviewed) | pending | approved | rejected.
      -- A rejected learning is stored as status 'deleted' + review 'rejected' because the status
      -- CHECK of the knowledge migration cannot be widened without rebuilding the table.
      ALTER TABLE documents ADD COLUMN owner_id TEXT;
      ALTER TABLE documents ADD COLUMN review TEXT;
      ALTER TABLE documents ADD COLUMN trust REAL NOT NULL DEFAULT 1;
      CREATE INDEX documents_owner ON documents (tenant_id, owner_id, created_at) WHERE owner_id IS NOT NULL;
      CREATE INDEX documents_review ON documents (tenant_id, review, updated_at) WHERE review IS NOT NULL;

      -- One vote per user per learning and kind: corroborate (stated the same fact) or down
      -- (thumbs-down on an answer whose prompt held it).
      CREATE TABLE learning_votes (
        tenant_id TEXT NOT NULL,
        doc_id    TEXT NOT NULL,
        user_id   TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('corroborate', 'down')),
        run_id    TEXT,
        at        INTEGER NOT NULL,
        PRIMARY KEY (doc_id, user_id, kind)
      );

      -- Which documents and learnings reached a run's prompt, for feedback on its answer.
      CREATE TABLE run_context (
        tenant_id TEXT NOT NULL,
        run_id    TEXT NOT NULL,
        doc_id    TEXT NOT NULL,
        PRIMARY KEY (run_id, doc_id)
      );
    `,
  },
];
