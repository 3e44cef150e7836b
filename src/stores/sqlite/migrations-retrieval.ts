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
  {
    version: 802,
    name: 'lexical_index_log',
    // The in-process lexical index (lexical-index.ts) lives in each process's memory; every chunk
    // write appends its rowid here so each process catches up on what others wrote without a scan.
    // AUTOINCREMENT: ids are never reused, so a process's cursor stays meaningful after pruning.
    up: `
      CREATE TABLE lex_log (id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL);
      CREATE TRIGGER chunks_lex_ins AFTER INSERT ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (new.seq); END;
      CREATE TRIGGER chunks_lex_del AFTER DELETE ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (old.seq); END;
      CREATE TRIGGER chunks_lex_upd AFTER UPDATE OF text ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (new.seq); END;
    `,
  },
];
