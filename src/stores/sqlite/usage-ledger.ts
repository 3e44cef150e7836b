import type { BudgetScope, UsageLedger } from '../../learning/budget.js';
import type { SqliteDatabase } from './database.js';

/**
 * Token usage derived from the workflow's run results instead of a second counter: what a run
 * spent is recorded once, in the same checkpoint as its result, so a crash can neither lose nor
 * double-count it. Keys are the BudgetManager's: session `tenant/session`, tenant `tenant` or
 * `tenant@YYYY-MM-DD` / `tenant@YYYY-MM` for windowed budgets.
 */
export class SqliteRunUsageLedger implements UsageLedger {
  constructor(private readonly db: SqliteDatabase) {}

  async used(scope: BudgetScope, id: string): Promise<number> {
    const tokens = `coalesce(sum(json_extract(result, '$.usage.totalTokens')), 0)`;
    if (scope === 'session') {
      const slash = id.indexOf('/');
      const row = this.db.prepare(`SELECT ${tokens} AS t FROM workflow_runs WHERE tenant_id = ? AND session_id = ?`).get(id.slice(0, slash), id.slice(slash + 1)) as { t: number };
      return row.t;
    }
    const [tenant, window] = id.split('@') as [string, string | undefined];
    if (!window) return (this.db.prepare(`SELECT ${tokens} AS t FROM workflow_runs WHERE tenant_id = ?`).get(tenant) as { t: number }).t;
    const start = Date.parse(window.length === 7 ? `${window}-01T00:00:00Z` : `${window}T00:00:00Z`);
    const end = new Date(start);
    if (window.length === 7) end.setUTCMonth(end.getUTCMonth() + 1);
    else end.setUTCDate(end.getUTCDate() + 1);
    return (this.db.prepare(`SELECT ${tokens} AS t FROM workflow_runs WHERE tenant_id = ? AND created_at >= ? AND created_at < ?`).get(tenant, start, end.getTime()) as { t: number }).t;
  }

  /** Nothing to do: usage is read from the runs themselves. */
  async add(): Promise<void> {}
}
