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
    name: 'lexical_index',
    // The in-process lexical index (lexical-index.ts) lives in each process's memory; every chunk
    // write appends its rowid to lex_log so each process catches up on what others wrote without
    // a scan. AUTOINCREMENT: ids are never reused, so a cursor stays meaningful after pruning.
    // chunks.title is the chunk's field for field weighting (its document's source and the
    // Markdown heading above it); existing chunks start with their document's source.
    up: `
      ALTER TABLE chunks ADD COLUMN title TEXT NOT NULL DEFAULT '';
      UPDATE chunks SET title = (SELECT source_uri FROM documents WHERE documents.id = chunks.doc_id);
      CREATE TABLE lex_log (id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL);
      CREATE TRIGGER chunks_lex_ins AFTER INSERT ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (new.seq); END;
      CREATE TRIGGER chunks_lex_del AFTER DELETE ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (old.seq); END;
      CREATE TRIGGER chunks_lex_upd AFTER UPDATE OF text, title ON chunks BEGIN INSERT INTO lex_log (seq) VALUES (new.seq); END;
    `,
  },
  {
    version: 803,
    name: 'search_covering_indexes',
    // Search checks each ranked chunk's row (its id, document and position) and its document's
    // scope (tenant, status, owner), kind and source. Both come from these small indexes alone:
    // the rows themselves sit among chunk and document texts (pages the cache rarely holds, and
    // a document's status lies past its full text), which made that check most of a search's cost.
    up: `
      CREATE INDEX chunks_rank ON chunks (seq, id, doc_id, idx);
      CREATE INDEX documents_scope ON documents (id, tenant_id, status, owner_id, kind, source_uri);
    `,
  },
];
