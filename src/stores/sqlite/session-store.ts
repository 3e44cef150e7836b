import { LoreError } from '../../errors.js';
import type { ContentBlock } from '../../models/types.js';
import type { NewTurn, SessionStore, SessionSummary, Turn } from '../../memory/session-store.js';
import { newId } from '../../util/ids.js';
import type { SqliteDatabase } from './database.js';
import { writeBatcher, type WriteBatcher } from './write-batch.js';

export interface SqliteSessionStoreOptions {
  /** TTL for turns that do not carry their own `ttlSeconds`. */
  ttlSeconds: number;
  /** Clock, injectable for tests; defaults to Date.now. */
  now?: () => number;
}

interface TurnRow {
  id: string;
  tenant_id: string;
  session_id: string;
  user_id: string;
  role: 'user' | 'assistant';
  content: string;
  input_tokens: number;
  output_tokens: number;
  trace_id: string | null;
  run_id: string | null;
  created_at: number;
  expires_at: number;
}

/** A `recent` row: id, user_id, role, content, input_tokens, output_tokens, trace_id, run_id, created_at, expires_at. */
type RecentRow = [string, string, TurnRow['role'], string, number, number, string | null, string | null, number, number];

interface SummaryRow {
  tenant_id: string;
  session_id: string;
  user_id: string;
  turn_count: number;
  first_at: number;
  last_at: number;
}

// `LIMIT CAST(? AS INTEGER)`, never a bare `LIMIT ?`: with the SQLite bundled with better-sqlite3
// 12 (3.53) a bare bound LIMIT costs what a re-prepare on every run would (measured +1.5–16 µs a
// call, growing with the statement; ~7 µs for recentTurns). With the limit as an expression the
// extra cost is gone. Same rows for integer limits.

// CROSS JOIN pins the join order (SQLite never reorders it): sessions first, by their key or by
// sessions_user, then each one's live turns from turns_session_live. With a plain JOIN and no
// ANALYZE stats the planner walked every turn of the tenant and joined sessions to them, so
// listSessions cost grew with the tenant's history (~0.4 ms at 1,200 turns), not the user's.
const SUMMARY = `SELECT s.tenant_id, s.session_id, s.user_id, count(*) AS turn_count,
    min(t.created_at) AS first_at, max(t.created_at) AS last_at
  FROM sessions s CROSS JOIN turns t ON t.tenant_id = s.tenant_id AND t.session_id = s.session_id`;

/** A user's live sessions, newest activity first (exported for the query-plan test). */
export const LIST_SESSIONS = `${SUMMARY}
  WHERE s.tenant_id = ? AND s.user_id = ? AND t.expires_at > ?
  GROUP BY s.tenant_id, s.session_id
  ORDER BY last_at DESC, s.session_id LIMIT CAST(? AS INTEGER)`;

/** Episodic memory in SQLite. Expired turns are filtered on read, and removed by purgeExpired. */
export class SqliteSessionStore implements SessionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly stmts;
  private readonly batch: WriteBatcher;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteSessionStoreOptions,
  ) {
    if (!(options.ttlSeconds > 0)) throw new LoreError('VALIDATION_FAILED', 'ttlSeconds must be > 0');
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
    this.batch = writeBatcher(db);
    this.stmts = {
      setTurnText: db.prepare(`UPDATE turns SET content = json_array(json_object('text', @text))
        WHERE tenant_id = @tenant AND run_id = @run AND role = @role AND content <> json_array(json_object('text', @text))`),
      // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also silently drop
      // rows that break NOT NULL / CHECK constraints; we only want to skip duplicates.
      insertTurn: db.prepare(`INSERT INTO turns (id, tenant_id, session_id, user_id, role, content,
          input_tokens, output_tokens, trace_id, run_id, created_at, expires_at)
        VALUES (@id, @tenant_id, @session_id, @user_id, @role, @content, @input_tokens, @output_tokens,
          @trace_id, @run_id, @created_at, @expires_at)
        ON CONFLICT DO NOTHING`),
      // A session whose every turn had expired when this turn was written is a fresh session: it
      // gets a new owner. Otherwise the first turn's user keeps it.
      upsertSession: db.prepare(`INSERT INTO sessions (tenant_id, session_id, user_id, created_at, expires_at)
        VALUES (@tenant_id, @session_id, @user_id, @created_at, @expires_at)
        ON CONFLICT (tenant_id, session_id) DO UPDATE SET
          user_id = CASE WHEN sessions.expires_at <= excluded.created_at THEN excluded.user_id ELSE sessions.user_id END,
          created_at = CASE WHEN sessions.expires_at <= excluded.created_at THEN excluded.created_at ELSE sessions.created_at END,
          expires_at = max(sessions.expires_at, excluded.expires_at)`),
      // Raw rows of the columns the caller does not already know: building a named-key object per
      // row is most of the cost of this query in better-sqlite3, and it runs on every turn.
      // turns_session walks newest-first and stops after LIMIT; turns_session_live would sort them all.
      recent: db
        .prepare(`SELECT id, user_id, role, content, input_tokens, output_tokens, trace_id, run_id, created_at, expires_at
        FROM turns INDEXED BY turns_session
        WHERE tenant_id = ? AND session_id = ? AND expires_at > ?
        ORDER BY created_at DESC, rowid DESC LIMIT CAST(? AS INTEGER)`)
        .raw(),
      // The same, after a createdAt: a range of the same index (the summariser's read).
      recentSince: db
        .prepare(`SELECT id, user_id, role, content, input_tokens, output_tokens, trace_id, run_id, created_at, expires_at
        FROM turns INDEXED BY turns_session
        WHERE tenant_id = ? AND session_id = ? AND expires_at > ? AND created_at > ?
        ORDER BY created_at DESC, rowid DESC LIMIT CAST(? AS INTEGER)`)
        .raw(),
      // sessions.expires_at follows the newest turn's, so "live" here is "has an unexpired turn".
      owner: db.prepare('SELECT user_id FROM sessions WHERE tenant_id = ? AND session_id = ? AND expires_at > ?').pluck(),
      getSession: db.prepare(`${SUMMARY}
        WHERE s.tenant_id = ? AND s.session_id = ? AND t.expires_at > ?
        GROUP BY s.tenant_id, s.session_id`),
      listSessions: db.prepare(LIST_SESSIONS),
      deleteTurns: db.prepare('DELETE FROM turns WHERE tenant_id = ? AND session_id = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE tenant_id = ? AND session_id = ?'),
      purgeTurns: db.prepare('DELETE FROM turns WHERE expires_at <= ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  /**
   * Returns the turns actually written; turns skipped as duplicates are left out. All of them in
   * one transaction (group-committed with other writes of this event-loop turn, see write-batch.ts).
   */
  async appendTurns({ turns }: { turns: NewTurn[] }): Promise<Turn[]> {
    const now = this.now();
    const rows = turns.map((t) => this.toRow(t, now));
    return this.batch.run(() => {
      const written: Turn[] = [];
      let upserted: TurnRow | undefined;
      for (const row of rows) {
        if (this.stmts.insertTurn.run(row).changes === 0) continue;
        // A turn pair (user + assistant) shares session, owner and times: one session upsert does.
        if (!upserted || !sameSessionWrite(upserted, row)) this.stmts.upsertSession.run(row);
        upserted = row;
        written.push(fromRow(row));
      }
      return written;
    });
  }

  async setTurnText(p: { tenantId: string; runId: string; role: 'user' | 'assistant'; text: string }): Promise<boolean> {
    return this.batch.run(() => this.stmts.setTurnText.run({ tenant: p.tenantId, run: p.runId, role: p.role, text: p.text }).changes > 0);
  }

  async recentTurns(p: { tenantId: string; sessionId: string; limit: number; since?: number; now?: number }): Promise<Turn[]> {
    if (p.limit <= 0) return [];
    // Newest-first with LIMIT walks the index backwards and stops after N rows; then reverse.
    const now = p.now ?? this.now();
    const rows = (
      p.since === undefined
        ? this.stmts.recent.all(p.tenantId, p.sessionId, now, Math.floor(p.limit))
        : this.stmts.recentSince.all(p.tenantId, p.sessionId, now, p.since, Math.floor(p.limit))
    ) as RecentRow[];
    const turns: Turn[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [id, userId, role, content, inputTokens, outputTokens, traceId, runId, createdAt, expiresAt] = rows[rows.length - 1 - i]!;
      const turn: Turn = { id, tenantId: p.tenantId, sessionId: p.sessionId, userId, role, content: JSON.parse(content) as ContentBlock[], inputTokens, outputTokens, createdAt, expiresAt };
      if (traceId !== null) turn.traceId = traceId;
      if (runId !== null) turn.runId = runId;
      turns[i] = turn;
    }
    return turns;
  }

  async getSession(p: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummary | null> {
    const row = this.stmts.getSession.get(p.tenantId, p.sessionId, p.now ?? this.now()) as SummaryRow | undefined;
    return row ? toSummary(row) : null;
  }

  async sessionOwner(p: { tenantId: string; sessionId: string; now?: number }): Promise<string | null> {
    return (this.stmts.owner.get(p.tenantId, p.sessionId, p.now ?? this.now()) as string | undefined) ?? null;
  }

  async listSessions(p: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<SessionSummary[]> {
    const limit = Math.max(0, Math.min(Math.floor(p.limit ?? 100), 1000));
    const rows = this.stmts.listSessions.all(p.tenantId, p.userId, p.now ?? this.now(), limit) as SummaryRow[];
    return rows.map(toSummary);
  }

  async deleteSession(p: { tenantId: string; sessionId: string }): Promise<number> {
    return this.db
      .transaction(() => {
        const n = this.stmts.deleteTurns.run(p.tenantId, p.sessionId).changes;
        this.stmts.deleteSession.run(p.tenantId, p.sessionId);
        return n;
      })
      .immediate();
  }

  async purgeExpired(p: { now?: number } = {}): Promise<number> {
    const now = p.now ?? this.now();
    return this.db
      .transaction(() => {
        const n = this.stmts.purgeTurns.run(now).changes;
        this.stmts.purgeSessions.run(now);
        return n;
      })
      .immediate();
  }

  private toRow(t: NewTurn, now: number): TurnRow {
    for (const key of ['tenantId', 'sessionId', 'userId'] as const) {
      if (typeof t[key] !== 'string' || t[key] === '') throw new LoreError('VALIDATION_FAILED', `turn.${key} is required`);
    }
    if (t.role !== 'user' && t.role !== 'assistant') throw new LoreError('VALIDATION_FAILED', `turn.role must be user or assistant`);
    if (!Array.isArray(t.content)) throw new LoreError('VALIDATION_FAILED', 'turn.content must be an array of content blocks');
    const createdAt = t.createdAt ?? now;
    const ttlMs = t.ttlSeconds !== undefined ? t.ttlSeconds * 1000 : this.ttlMs;
    return {
      id: t.id ?? newId('turn', createdAt),
      tenant_id: t.tenantId,
      session_id: t.sessionId,
      user_id: t.userId,
      role: t.role,
      content: JSON.stringify(t.content),
      input_tokens: t.inputTokens ?? 0,
      output_tokens: t.outputTokens ?? 0,
      trace_id: t.traceId ?? null,
      run_id: t.runId ?? null,
      created_at: createdAt,
      expires_at: createdAt + ttlMs,
    };
  }
}

/** Whether upserting the session for `b` after `a` would change nothing. */
function sameSessionWrite(a: TurnRow, b: TurnRow): boolean {
  return a.tenant_id === b.tenant_id && a.session_id === b.session_id && a.user_id === b.user_id && a.created_at === b.created_at && a.expires_at === b.expires_at;
}

function fromRow(r: TurnRow): Turn {
  const turn: Turn = {
    id: r.id,
    tenantId: r.tenant_id,
    sessionId: r.session_id,
    userId: r.user_id,
    role: r.role,
    content: JSON.parse(r.content) as ContentBlock[],
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
  if (r.trace_id !== null) turn.traceId = r.trace_id;
  if (r.run_id !== null) turn.runId = r.run_id;
  return turn;
}

function toSummary(r: SummaryRow): SessionSummary {
  return {
    tenantId: r.tenant_id,
    sessionId: r.session_id,
    userId: r.user_id,
    turnCount: r.turn_count,
    firstAt: r.first_at,
    lastAt: r.last_at,
  };
}
