import type { SqliteDatabase } from './database.js';

/**
 * Sessions that have gone quiet but whose turns are still live, and whose summary does not cover
 * their last turn yet: they get their final summary (memory/memory-jobs.ts) before the turns
 * expire, so even a short session is remembered ("what did we decide last week?").
 */
export function idleSessions(db: SqliteDatabase, p: { now: number; idleSeconds: number; limit?: number }): Array<{ tenantId: string; sessionId: string; userId: string }> {
  const rows = db
    .prepare(
      `SELECT s.tenant_id, s.session_id, s.user_id FROM sessions s
       JOIN turns t ON t.tenant_id = s.tenant_id AND t.session_id = s.session_id AND t.expires_at > @now AND t.user_id = s.user_id
       LEFT JOIN session_summaries m ON m.tenant_id = s.tenant_id AND m.session_id = s.session_id
       WHERE s.expires_at > @now
       GROUP BY s.tenant_id, s.session_id
       HAVING max(t.created_at) <= @quietSince AND max(t.created_at) > coalesce(max(m.covered_through), -1)
       LIMIT CAST(@limit AS INTEGER)`,
    )
    .all({ now: p.now, quietSince: p.now - p.idleSeconds * 1000, limit: p.limit ?? 100 }) as Array<{ tenant_id: string; session_id: string; user_id: string }>;
  return rows.map((r) => ({ tenantId: r.tenant_id, sessionId: r.session_id, userId: r.user_id }));
}
