import type { DocKind, DocStatus, KnowledgeDoc, Provenance, ReviewState } from '../../memory/knowledge-store.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { reportedStatus } from '../../memory/review-rules.js';

export interface DocRow {
  id: string;
  tenant_id: string;
  source_uri: string;
  kind: DocKind;
  text: string;
  status: DocStatus;
  superseded_by: string | null;
  content_hash: string;
  provenance: string;
  owner_id: string | null;
  review: ReviewState | null;
  trust: number;
  created_at: number;
  updated_at: number;
}

/** Stored status → port status: a rejected learning is stored as deleted + review 'rejected'. */
export function statusOf(r: Pick<DocRow, 'status' | 'review'>): DocStatus {
  return reportedStatus(r);
}

export function toDoc(r: DocRow): KnowledgeDoc {
  const doc: KnowledgeDoc = {
    id: r.id,
    tenantId: r.tenant_id,
    sourceUri: r.source_uri,
    kind: r.kind,
    text: r.text,
    status: statusOf(r),
    contentHash: r.content_hash,
    provenance: JSON.parse(r.provenance) as Provenance,
    scope: r.review === 'pending' || r.review === 'rejected' ? 'personal' : 'shared',
    trust: r.trust ?? 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.owner_id) doc.ownerId = r.owner_id;
  if (r.review) doc.review = r.review;
  // The column survives a delete (for restore), but the port only exposes it while superseded.
  if (r.status === 'superseded' && r.superseded_by) doc.supersededBy = r.superseded_by;
  return doc;
}

/**
 * Prepared statements of the knowledge store, kept apart so the store reads as behaviour. Typed
 * explicitly so the emitted declarations (dist/*.d.ts) can name them.
 */
export class KnowledgeStatements {
  readonly byId: Statement;
  readonly bySource: Statement;
  readonly byHash: Statement;
  readonly list: Statement;
  readonly insertDoc: Statement;
  readonly updateDoc: Statement;
  readonly setStatus: Statement;
  readonly chunksOf: Statement;
  readonly embeddedTexts: Statement;
  readonly insertChunk: Statement;
  readonly reuseChunk: Statement;
  readonly deleteChunk: Statement;
  readonly chunkWithDoc: Statement;
  readonly insertSupersession: Statement;
  readonly supersededBy: Statement;
  readonly otherActiveSuperseder: Statement;
  readonly activeLearningsSupersededBy: Statement;
  readonly insertHistory: Statement;
  readonly history: Statement;
  readonly setReview: Statement;
  readonly supersessionsBy: Statement;
  readonly insertVote: Statement;
  readonly countVotes: Statement;
  readonly setTrust: Statement;
  readonly countOwned: Statement;
  readonly insertRunContext: Statement;
  readonly runContext: Statement;
  readonly runContextChunks: Statement;
  readonly setRunContextChunks: Statement;

  constructor(db: SqliteDatabase) {
    this.byId = db.prepare('SELECT * FROM documents WHERE tenant_id = ? AND id = ?');
    this.bySource = db.prepare('SELECT * FROM documents WHERE tenant_id = ? AND source_uri = ?');
    this.byHash = db.prepare(`SELECT * FROM documents WHERE tenant_id = ? AND content_hash = ?
      ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'pending' THEN 1 WHEN 'superseded' THEN 2 ELSE 3 END,
        -- Among pending copies the first one stated is the one corroboration votes gather on.
        CASE status WHEN 'pending' THEN created_at ELSE -updated_at END, id LIMIT 1`);
    this.list = db.prepare(`SELECT * FROM documents WHERE tenant_id = @tenant
        AND (@kind IS NULL OR kind = @kind)
        AND ((@status IS NULL OR (status = @status AND (@status <> 'deleted' OR review IS NOT 'rejected'))
          OR (@status = 'rejected' AND status = 'deleted' AND review = 'rejected')))
        AND (@owner IS NULL OR owner_id = @owner)
        AND (@text IS NULL OR instr(lower(text), @text) > 0)
        AND (@prefix IS NULL OR substr(source_uri, 1, length(@prefix)) = @prefix)
      ORDER BY updated_at DESC, id DESC LIMIT CAST(@limit AS INTEGER) OFFSET CAST(@offset AS INTEGER)`);
    this.insertDoc = db.prepare(`INSERT INTO documents (id, tenant_id, source_uri, kind, text, status, content_hash,
        provenance, owner_id, review, created_at, updated_at)
      VALUES (@id, @tenant, @uri, @kind, @text, @status, @hash, @prov, @owner, @review, @now, @now)`);
    this.updateDoc = db.prepare(`UPDATE documents SET kind = @kind, text = @text, content_hash = @hash,
        provenance = @prov, updated_at = @now WHERE id = @id`);
    this.setStatus = db.prepare('UPDATE documents SET status = @status, superseded_by = @by, updated_at = @now WHERE id = @id');

    this.chunksOf = db.prepare('SELECT seq, text FROM chunks WHERE doc_id = ? ORDER BY idx');
    this.embeddedTexts = db
      .prepare('SELECT text FROM chunks WHERE doc_id = ? AND embedding_model = ? AND embedding IS NOT NULL')
      .pluck();
    this.insertChunk = db.prepare(`INSERT INTO chunks (id, doc_id, idx, text, title, embedding, embedding_model)
      VALUES (@id, @doc, @idx, @text, @title, @vec, @model)`);
    this.reuseChunk = db.prepare(`UPDATE chunks SET idx = @idx, title = @title,
        embedding = coalesce(@vec, embedding),
        embedding_model = CASE WHEN @vec IS NULL THEN embedding_model ELSE @model END
      WHERE seq = @seq`);
    this.deleteChunk = db.prepare('DELETE FROM chunks WHERE seq = ?');
    this.chunkWithDoc = db.prepare(`SELECT d.*, c.id AS chunk_id FROM chunks c JOIN documents d ON d.id = c.doc_id
      WHERE d.tenant_id = ? AND c.id = ?`);

    this.insertSupersession = db.prepare(`INSERT INTO chunk_supersessions (chunk_id, doc_id, by_doc_id, created_at)
      VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.supersededBy = db.prepare(`SELECT * FROM documents
      WHERE tenant_id = ? AND superseded_by = ? AND status = 'superseded'`);
    this.otherActiveSuperseder = db.prepare(`SELECT s.by_doc_id FROM chunk_supersessions s
        JOIN documents d ON d.id = s.by_doc_id
      WHERE s.doc_id = ? AND s.by_doc_id <> ? AND d.status = 'active'
      ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1`);
    this.activeLearningsSupersededBy = db.prepare(`SELECT DISTINCT d.* FROM chunk_supersessions s
        JOIN documents d ON d.id = s.doc_id
      WHERE d.tenant_id = ? AND s.by_doc_id = ? AND d.kind = 'learning' AND d.status = 'active'`);

    this.insertHistory = db.prepare(`INSERT INTO doc_history (doc_id, tenant_id, action, actor, at, detail)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.history = db.prepare(`SELECT doc_id, action, actor, at, detail FROM doc_history
      WHERE tenant_id = ? AND doc_id = ? ORDER BY at, seq`);

    this.setReview = db.prepare('UPDATE documents SET status = @status, review = @review, superseded_by = @by, updated_at = @now WHERE id = @id');
    this.supersessionsBy = db.prepare(`SELECT s.chunk_id, d.* FROM chunk_supersessions s JOIN documents d ON d.id = s.doc_id
      WHERE s.by_doc_id = ? AND d.tenant_id = ?`);
    this.insertVote = db.prepare(`INSERT INTO learning_votes (tenant_id, doc_id, user_id, kind, run_id, at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.countVotes = db.prepare('SELECT count(*) FROM learning_votes WHERE doc_id = ? AND kind = ?').pluck();
    this.setTrust = db.prepare('UPDATE documents SET trust = max(0, min(1, trust + @delta)) WHERE id = @id');
    this.countOwned = db.prepare(`SELECT count(*) FROM documents
      WHERE tenant_id = ? AND owner_id = ? AND kind = 'learning' AND created_at >= ?`).pluck();
    this.insertRunContext = db.prepare('INSERT INTO run_context (tenant_id, run_id, doc_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.runContext = db.prepare('SELECT doc_id FROM run_context WHERE tenant_id = ? AND run_id = ?').pluck();
    this.runContextChunks = db.prepare('SELECT doc_id AS docId, chunks FROM run_context WHERE tenant_id = ? AND run_id = ? ORDER BY rowid');
    this.setRunContextChunks = db.prepare('UPDATE run_context SET chunks = ? WHERE tenant_id = ? AND run_id = ? AND doc_id = ?');
  }
}
