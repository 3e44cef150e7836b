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
  {
    version: 801,
    name: 'vector_index_bookkeeping',
    // The sqlite-vec index (vec-index.ts) is built by the process that loads the extension; plain
    // triggers note which chunks' vectors changed so it catches up without a scan, whichever
    // process wrote them. They fire only once an index exists (vec_meta has its row).
    up: `
      CREATE TABLE vec_meta (id INTEGER PRIMARY KEY CHECK (id = 1), model TEXT NOT NULL, dims INTEGER NOT NULL);
      CREATE TABLE vec_pending (seq INTEGER PRIMARY KEY);
      CREATE TRIGGER chunks_vec_ins AFTER INSERT ON chunks WHEN new.embedding IS NOT NULL AND EXISTS (SELECT 1 FROM vec_meta)
        BEGIN INSERT OR IGNORE INTO vec_pending (seq) VALUES (new.seq); END;
      CREATE TRIGGER chunks_vec_upd AFTER UPDATE OF embedding, embedding_model ON chunks WHEN EXISTS (SELECT 1 FROM vec_meta)
        BEGIN INSERT OR IGNORE INTO vec_pending (seq) VALUES (new.seq); END;
      CREATE TRIGGER chunks_vec_del AFTER DELETE ON chunks WHEN EXISTS (SELECT 1 FROM vec_meta)
        BEGIN INSERT OR IGNORE INTO vec_pending (seq) VALUES (old.seq); END;
    `,
  },
];
