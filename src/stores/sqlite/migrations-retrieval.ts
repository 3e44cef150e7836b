import type { Migration } from './migrations.js';

/** Retrieval (versions 800+): which chunks, with which scores, reached each run's prompt. */
export const retrievalMigrations: Migration[] = [
  {
    version: 800,
    name: 'run_context_chunks',
    // A JSON list per (run, document) row rather than a second table: the trust model keeps its
    // one row per document, and the chunks ride along for GET /runs/:id and the console.
    up: `ALTER TABLE run_context ADD COLUMN chunks TEXT NOT NULL DEFAULT '[]';`,
  },
];
