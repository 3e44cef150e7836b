import type { SqliteDatabase } from './database.js';

/**
 * Retention of finished runs (README "Operating Lore"): a run that COMPLETED or FAILED before
 * `createdBefore` goes with everything that only describes it — its step records, mid-step
 * progress, effect-ledger entries, decided approvals, and which knowledge and memory reached its
 * prompt. Kept: the session's turns (they have their own TTL), feedback, evaluations and the trust
 * model's votes (small, and the quality figures are computed from them). A run still in flight or
 * parked for approval is never touched, whatever its age.
 *
 * One transaction per call of at most `limit` runs, so the write lock is held briefly; the caller
 * repeats until fewer than `limit` went.
 */
export function purgeFinishedRuns(db: SqliteDatabase, p: { createdBefore: number; limit: number }): number {
  return db.transaction(() => {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_runs (run_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL)');
    db.exec('DELETE FROM temp.purge_runs');
    // workflow_runs_status (status, created_at) serves both ranges.
    const picked = db
      .prepare(
        `INSERT INTO temp.purge_runs
         SELECT run_id, tenant_id FROM workflow_runs WHERE status IN ('COMPLETED', 'FAILED') AND created_at < ? ORDER BY created_at LIMIT CAST(? AS INTEGER)`,
      )
      .run(p.createdBefore, p.limit).changes;
    if (picked === 0) return 0;
    const inPurge = 'IN (SELECT run_id FROM temp.purge_runs)';
    db.exec(`DELETE FROM workflow_steps WHERE run_id ${inPurge}`);
    db.exec(`DELETE FROM workflow_progress WHERE run_id ${inPurge}`);
    db.exec(`DELETE FROM workflow_effects WHERE run_id ${inPurge}`);
    db.exec(`DELETE FROM workflow_approvals WHERE status <> 'pending' AND run_id ${inPurge}`);
    db.exec(`DELETE FROM run_context WHERE run_id ${inPurge}`);
    db.exec('DELETE FROM run_memory WHERE (tenant_id, run_id) IN (SELECT tenant_id, run_id FROM temp.purge_runs)');
    const gone = db.prepare(`DELETE FROM workflow_runs WHERE run_id ${inPurge}`).run().changes;
    db.exec('DELETE FROM temp.purge_runs');
    return gone;
  }).immediate();
}
