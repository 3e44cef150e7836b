import type { RunOutcome, StatsSource, StoredRunResult } from '../../telemetry/stats-source.js';
import type { SqliteDatabase } from './database.js';

interface RunRow {
  tenant_id: string;
  session_id: string;
  status: string;
  result: string | null;
  created_at: number;
  updated_at: number;
}

/** The stats read port over the runs, steps, documents and queue tables. */
export class SqliteStatsSource implements StatsSource {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      runs: db.prepare(`SELECT tenant_id, session_id, status, result, created_at, updated_at FROM workflow_runs
        WHERE (@tenant IS NULL OR tenant_id = @tenant) AND created_at >= @since`),
      steps: db.prepare(
        `SELECT s.step, s.finished_at - s.started_at AS ms FROM workflow_steps s JOIN workflow_runs r ON r.run_id = s.run_id
         WHERE s.status = 'succeeded' AND (@tenant IS NULL OR r.tenant_id = @tenant) ORDER BY s.step, ms`,
      ),
      learnings: db.prepare(`SELECT sum(status = 'active') AS active, sum(status = 'superseded') AS superseded FROM documents
        WHERE kind = 'learning' AND (@tenant IS NULL OR tenant_id = @tenant)`),
      dead: db.prepare('SELECT count(*) FROM queue_messages WHERE dead_at IS NOT NULL').pluck(),
    };
  }

  async runOutcomes(p: { tenantId?: string; since?: number }): Promise<RunOutcome[]> {
    const rows = this.q.runs.all({ tenant: p.tenantId ?? null, since: p.since ?? 0 }) as RunRow[];
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      sessionId: r.session_id,
      status: r.status,
      result: r.result ? (JSON.parse(r.result) as StoredRunResult) : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async stepDurations(p: { tenantId?: string }): Promise<Array<{ step: string; ms: number }>> {
    return this.q.steps.all({ tenant: p.tenantId ?? null }) as Array<{ step: string; ms: number }>;
  }

  async learningCounts(p: { tenantId?: string }): Promise<{ active: number; superseded: number }> {
    const r = this.q.learnings.get({ tenant: p.tenantId ?? null }) as { active: number | null; superseded: number | null };
    return { active: r.active ?? 0, superseded: r.superseded ?? 0 };
  }

  async deadLetters(): Promise<number> {
    return this.q.dead.get() as number;
  }
}
