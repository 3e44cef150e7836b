import type { BudgetScope, UsageLedger } from '../../learning/budget.js';
import { queryAll, type Dynamo } from './client.js';
import { sessionKey } from './run-items.js';
import { padTime } from './tables.js';

/**
 * Token usage derived from the runs, as the SQLite ledger does: a run's `tokens` attribute is
 * written in the same checkpoint as its result, so a crash can neither lose nor double-count it.
 * Session usage is one query of the session's runs; tenant usage a query of the tenant's runs,
 * over the window's time range for day/month budgets. Keys are the BudgetManager's.
 */
export class DynamoRunUsageLedger implements UsageLedger {
  constructor(private readonly d: Dynamo) {}

  async used(scope: BudgetScope, id: string): Promise<number> {
    if (scope === 'session') {
      const slash = id.indexOf('/');
      return this.sum('bySession', 'gSession', sessionKey(id.slice(0, slash), id.slice(slash + 1)));
    }
    const [tenant, window] = id.split('@') as [string, string | undefined];
    if (!window) return this.sum('byTenant', 'gTenant', tenant);
    const start = Date.parse(window.length === 7 ? `${window}-01T00:00:00Z` : `${window}T00:00:00Z`);
    const end = new Date(start);
    if (window.length === 7) end.setUTCMonth(end.getUTCMonth() + 1);
    else end.setUTCDate(end.getUTCDate() + 1);
    return this.sum('byTenant', 'gTenant', tenant, [padTime(start), `${padTime(end.getTime() - 1)}#\uffff`]);
  }

  private async sum(index: string, keyAttr: string, key: string, range?: [string, string]): Promise<number> {
    const items = await queryAll<{ tokens?: number }>(this.d, {
      TableName: this.d.names.runs,
      IndexName: index,
      KeyConditionExpression: `${keyAttr} = :k${range ? ' AND gCreated BETWEEN :a AND :b' : ''}`,
      ExpressionAttributeValues: { ':k': key, ...(range ? { ':a': range[0], ':b': range[1] } : {}) },
      ProjectionExpression: 'tokens',
    });
    return items.reduce((n, i) => n + (i.tokens ?? 0), 0);
  }

  /** Nothing to do: usage is read from the runs themselves. */
  async add(): Promise<void> {}
}
