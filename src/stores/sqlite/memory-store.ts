import { LoreError } from '../../errors.js';
import type { MemoryRef, MemoryStore, PutSummaryParams, SessionSummaryRecord, UserFact } from '../../memory/memory-store.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { writeBatcher } from './write-batch.js';
import { buildFtsQuery } from './fts-query.js';

interface SummaryRow {
  tenant_id: string;
  session_id: string;
  user_id: string;
  text: string;
  covered_through: number;
  covered_turns: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

interface FactRow {
  id: string;
  tenant_id: string;
  user_id: string;
  text: string;
  session_id: string | null;
  run_id: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

const summaryOf = (r: SummaryRow): SessionSummaryRecord => ({
  tenantId: r.tenant_id,
  sessionId: r.session_id,
  userId: r.user_id,
  text: r.text,
  coveredThrough: r.covered_through,
  coveredTurns: r.covered_turns,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
});

const factOf = (r: FactRow): UserFact => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  text: r.text,
  ...(r.session_id ? { sessionId: r.session_id } : {}),
  ...(r.run_id ? { runId: r.run_id } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
});

// LIMIT CAST(? AS INTEGER), not LIMIT ?: a bare bound LIMIT costs about a re-prepare on every
// run (measured; session-store.ts).

/** Whether the user has a live summary of a session other than the given one (session_summaries_user). */
const OTHER_SUMMARY = 'SELECT 1 FROM session_summaries WHERE tenant_id = ? AND user_id = ? AND expires_at > ? AND session_id != ? LIMIT 1';

const ttlMs = (s: number) => {
  if (!Number.isFinite(s) || s <= 0) throw new LoreError('VALIDATION_FAILED', 'ttlSeconds must be positive');
  return s * 1000;
};

/** The SQLite adapter of the MemoryStore port (tables from migrations-memory.ts). */
export class SqliteMemoryStore implements MemoryStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Statements compiled once per SQL text: several run on every turn (BuildContext), and better-sqlite3 does not cache. */
  private readonly statements = new Map<string, Statement>();
  private prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  async getSummary(p: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummaryRecord | null> {
    const r = this.prepare('SELECT * FROM session_summaries WHERE tenant_id = ? AND session_id = ? AND expires_at > ?').get(p.tenantId, p.sessionId, p.now ?? this.clock()) as SummaryRow | undefined;
    return r ? summaryOf(r) : null;
  }

  async putSummary(p: PutSummaryParams): Promise<boolean> {
    const now = p.now ?? this.clock();
    const expires = now + ttlMs(p.ttlSeconds);
    // Compare-and-set inside the group commit (its own savepoint, write-batch.ts): a fold rides
    // with the turns' writes instead of paying a commit of its own on every turn of a long session.
    return writeBatcher(this.db).run(() => {
      const cur = this.prepare('SELECT covered_through, user_id FROM session_summaries WHERE tenant_id = ? AND session_id = ?').get(p.tenantId, p.sessionId) as
        | { covered_through: number; user_id: string }
        | undefined;
      if ((cur?.covered_through ?? null) !== p.expected) return false;
      if (cur && p.coveredThrough <= cur.covered_through) return false;
      if (!cur) {
        this.prepare('INSERT INTO session_summaries (tenant_id, session_id, user_id, text, covered_through, covered_turns, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(p.tenantId, p.sessionId, p.userId, p.text, p.coveredThrough, p.coveredTurns, now, now, expires);
      } else {
        // A session id reused by another user after expiry starts a summary of its own.
        this.prepare('UPDATE session_summaries SET user_id = ?, text = ?, covered_through = ?, covered_turns = ?, updated_at = ?, expires_at = ? WHERE tenant_id = ? AND session_id = ?')
          .run(p.userId, p.text, p.coveredThrough, p.coveredTurns, now, expires, p.tenantId, p.sessionId);
      }
      return true;
    });
  }

  async searchSummaries(p: { tenantId: string; userId: string; query: string; limit: number; excludeSessionId?: string; now?: number }): Promise<SessionSummaryRecord[]> {
    if (p.limit <= 0) return [];
    const now = p.now ?? this.clock();
    // Most users have no other session's summary (yet): an index probe answers that for ~1/6 of
    // a full-text query's cost (which sets up its FTS5 cursor and bm25 even over nothing), and
    // this runs on every turn (BuildContext). Same answer: no candidate row, no match.
    if (this.prepare(OTHER_SUMMARY).get(p.tenantId, p.userId, now, p.excludeSessionId ?? '') === undefined) return [];
    const match = buildFtsQuery(p.query);
    if (!match) return [];
    const rows = this.prepare(
        `SELECT s.* FROM session_summaries_fts f JOIN session_summaries s ON s.rowid = f.rowid
         WHERE session_summaries_fts MATCH ? AND s.tenant_id = ? AND s.user_id = ? AND s.expires_at > ? AND s.session_id != ?
         ORDER BY bm25(session_summaries_fts), s.updated_at DESC LIMIT CAST(? AS INTEGER)`,
      )
      .all(match, p.tenantId, p.userId, now, p.excludeSessionId ?? '', p.limit) as SummaryRow[];
    return rows.map(summaryOf);
  }

  async listSummaries(p: { tenantId: string; userId: string; now?: number }): Promise<SessionSummaryRecord[]> {
    const rows = this.prepare('SELECT * FROM session_summaries WHERE tenant_id = ? AND user_id = ? AND expires_at > ? ORDER BY updated_at DESC, session_id')
      .all(p.tenantId, p.userId, p.now ?? this.clock()) as SummaryRow[];
    return rows.map(summaryOf);
  }

  async rewriteSummary(p: { tenantId: string; userId: string; sessionId: string; text: string; now?: number }): Promise<boolean> {
    const now = p.now ?? this.clock();
    // The FTS index follows through the table's AFTER UPDATE OF text trigger.
    return this.prepare('UPDATE session_summaries SET text = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ? AND session_id = ? AND expires_at > ?')
      .run(p.text, now, p.tenantId, p.userId, p.sessionId, now).changes > 0;
  }

  async deleteSummary(p: { tenantId: string; userId: string; sessionId: string }): Promise<boolean> {
    return this.prepare('DELETE FROM session_summaries WHERE tenant_id = ? AND user_id = ? AND session_id = ?').run(p.tenantId, p.userId, p.sessionId).changes > 0;
  }

  async addFact(p: { id: string; tenantId: string; userId: string; text: string; sessionId?: string; runId?: string; ttlSeconds: number; now?: number }): Promise<UserFact> {
    const now = p.now ?? this.clock();
    const expires = now + ttlMs(p.ttlSeconds);
    this.prepare('INSERT INTO user_facts (id, tenant_id, user_id, text, session_id, run_id, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(p.id, p.tenantId, p.userId, p.text, p.sessionId ?? null, p.runId ?? null, now, now, expires);
    const r = this.prepare('SELECT * FROM user_facts WHERE id = ?').get(p.id) as FactRow;
    if (r.tenant_id !== p.tenantId || r.user_id !== p.userId) throw new LoreError('CONFLICT', 'a memory item with this id belongs to someone else');
    return factOf(r);
  }

  async listFacts(p: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<UserFact[]> {
    const rows = this.prepare('SELECT * FROM user_facts WHERE tenant_id = ? AND user_id = ? AND expires_at > ? ORDER BY updated_at DESC, rowid DESC LIMIT CAST(? AS INTEGER)')
      .all(p.tenantId, p.userId, p.now ?? this.clock(), p.limit ?? 1000) as FactRow[];
    return rows.map(factOf);
  }

  async getFact(p: { tenantId: string; userId: string; id: string; now?: number }): Promise<UserFact | null> {
    const r = this.prepare('SELECT * FROM user_facts WHERE id = ? AND tenant_id = ? AND user_id = ? AND expires_at > ?').get(p.id, p.tenantId, p.userId, p.now ?? this.clock()) as FactRow | undefined;
    return r ? factOf(r) : null;
  }

  async updateFact(p: { tenantId: string; userId: string; id: string; text: string; ttlSeconds: number; now?: number }): Promise<UserFact | null> {
    const now = p.now ?? this.clock();
    const changed = this.prepare('UPDATE user_facts SET text = ?, updated_at = ?, expires_at = ? WHERE id = ? AND tenant_id = ? AND user_id = ? AND expires_at > ?')
      .run(p.text, now, now + ttlMs(p.ttlSeconds), p.id, p.tenantId, p.userId, now).changes;
    return changed ? this.getFact({ ...p, now }) : null;
  }

  async deleteFact(p: { tenantId: string; userId: string; id: string }): Promise<boolean> {
    return this.prepare('DELETE FROM user_facts WHERE id = ? AND tenant_id = ? AND user_id = ?').run(p.id, p.tenantId, p.userId).changes > 0;
  }

  async forgetUser(p: { tenantId: string; userId: string }): Promise<{ facts: number; summaries: number }> {
    return this.db.transaction(() => {
      const facts = this.prepare('DELETE FROM user_facts WHERE tenant_id = ? AND user_id = ?').run(p.tenantId, p.userId).changes;
      const summaries = this.prepare('DELETE FROM session_summaries WHERE tenant_id = ? AND user_id = ?').run(p.tenantId, p.userId).changes;
      this.prepare('DELETE FROM run_memory WHERE tenant_id = ? AND user_id = ?').run(p.tenantId, p.userId);
      return { facts, summaries };
    }).immediate();
  }

  async purgeExpired(p: { now?: number } = {}): Promise<{ facts: number; summaries: number }> {
    const now = p.now ?? this.clock();
    return this.db.transaction(() => ({
      facts: this.prepare('DELETE FROM user_facts WHERE expires_at <= ?').run(now).changes,
      summaries: this.prepare('DELETE FROM session_summaries WHERE expires_at <= ?').run(now).changes,
    }))();
  }

  recordRunMemory(p: { tenantId: string; runId: string; userId: string; refs: MemoryRef[] }): Promise<void> {
    const ins = this.prepare('INSERT INTO run_memory (tenant_id, run_id, kind, item_id, user_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    // Group-committed with the run's checkpoint (write-batch.ts) instead of a transaction of its own.
    return writeBatcher(this.db).run(() => {
      for (const r of p.refs) ins.run(p.tenantId, p.runId, r.kind, r.id, p.userId);
    });
  }

  async runMemory(p: { tenantId: string; runId: string }): Promise<MemoryRef[]> {
    const rows = this.prepare('SELECT kind, item_id FROM run_memory WHERE tenant_id = ? AND run_id = ? ORDER BY kind, item_id').all(p.tenantId, p.runId) as Array<{ kind: MemoryRef['kind']; item_id: string }>;
    return rows.map((r) => ({ kind: r.kind, id: r.item_id }));
  }
}
