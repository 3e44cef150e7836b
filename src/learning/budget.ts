import { LoreError } from '../errors.js';
import type { LoreConfig } from '../config.js';
import type { Usage } from '../models/types.js';

export type BudgetScope = 'session' | 'tenant';

/**
 * Where token spend is counted. The in-memory ledger below serves tests and single-process use;
 * a persistent one (SQLite, DynamoDB) implements the same two methods.
 */
export interface UsageLedger {
  used(scope: BudgetScope, id: string): Promise<number>;
  add(scope: BudgetScope, id: string, tokens: number): Promise<void>;
}

export class InMemoryUsageLedger implements UsageLedger {
  private readonly totals = new Map<string, number>();

  async used(scope: BudgetScope, id: string): Promise<number> {
    return this.totals.get(`${scope}\u0000${id}`) ?? 0;
  }

  async add(scope: BudgetScope, id: string, tokens: number): Promise<void> {
    assertTokens(tokens);
    const key = `${scope}\u0000${id}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + tokens);
  }
}

export interface BudgetLimits {
  /** Tokens one session may spend; 0 = unlimited. */
  sessionTokens: number;
  /** Tokens one tenant may spend per window; 0 = unlimited. */
  tenantTokens: number;
  /**
   * The tenant budget's window. `lifetime` counts forever; `day`/`month` (UTC) start a fresh
   * count each period by keying the ledger with the period (`acme@2025-06`).
   */
  tenantWindow?: 'lifetime' | 'day' | 'month';
}

export interface BudgetTarget {
  tenantId: string;
  sessionId: string;
}

export interface BudgetStatus {
  /** Tokens left per scope; null = unlimited. */
  session: { used: number; limit: number; remaining: number | null };
  tenant: { used: number; limit: number; remaining: number | null };
}

/**
 * Per-session and per-tenant token budgets, checked before a turn spends tokens and charged
 * after. Check-then-charge is not atomic: concurrent turns of one tenant can overshoot by up to
 * one turn each. That bound is accepted; an exact one would need the ledger to reserve tokens.
 */
export class BudgetManager {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly limits: BudgetLimits,
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const [k, v] of [['sessionTokens', limits.sessionTokens], ['tenantTokens', limits.tenantTokens]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new LoreError('CONFIG_INVALID', `budgets.${k} must be a non-negative integer, got ${v}`);
    }
  }

  static fromConfig(budgets: LoreConfig['budgets'], ledger: UsageLedger): BudgetManager {
    return new BudgetManager(ledger, { sessionTokens: budgets.sessionTokens, tenantTokens: budgets.tenantTokens });
  }

  /** Session ids are scoped by tenant so two tenants' ids never share a count. */
  sessionKey(t: BudgetTarget): string {
    return `${t.tenantId}/${t.sessionId}`;
  }

  tenantKey(tenantId: string): string {
    const w = this.limits.tenantWindow ?? 'lifetime';
    if (w === 'lifetime') return tenantId;
    const iso = this.now().toISOString();
    return `${tenantId}@${w === 'day' ? iso.slice(0, 10) : iso.slice(0, 7)}`;
  }

  async status(t: BudgetTarget): Promise<BudgetStatus> {
    const [s, te] = await Promise.all([this.ledger.used('session', this.sessionKey(t)), this.ledger.used('tenant', this.tenantKey(t.tenantId))]);
    const view = (used: number, limit: number) => ({ used, limit, remaining: limit === 0 ? null : Math.max(0, limit - used) });
    return { session: view(s, this.limits.sessionTokens), tenant: view(te, this.limits.tenantTokens) };
  }

  /**
   * Throws BUDGET_EXCEEDED when a scope has nothing left, or when `estimate` more tokens would
   * go over its limit. The session scope is checked first: it is the narrower, more actionable one.
   */
  async check(t: BudgetTarget & { estimate?: number }): Promise<BudgetStatus> {
    const estimate = t.estimate ?? 0;
    assertTokens(estimate);
    const st = await this.status(t);
    for (const scope of ['session', 'tenant'] as const) {
      const { used, limit } = st[scope];
      if (limit === 0) continue;
      if (used >= limit || used + estimate > limit) {
        const id = scope === 'session' ? t.sessionId : t.tenantId;
        throw new LoreError(
          'BUDGET_EXCEEDED',
          `${scope} token budget exceeded for ${id}: used ${used}${estimate ? ` + estimated ${estimate}` : ''} of ${limit}`,
          { details: { scope, id, used, limit, ...(estimate ? { estimate } : {}) } },
        );
      }
    }
    return st;
  }

  /** Charge tokens (a number, or a call's Usage by its totalTokens) to both scopes. */
  async record(t: BudgetTarget & { tokens: number | Usage }): Promise<void> {
    const tokens = typeof t.tokens === 'number' ? t.tokens : t.tokens.totalTokens;
    assertTokens(tokens);
    if (tokens === 0) return;
    await Promise.all([this.ledger.add('session', this.sessionKey(t), tokens), this.ledger.add('tenant', this.tenantKey(t.tenantId), tokens)]);
  }
}

function assertTokens(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new LoreError('VALIDATION_FAILED', `token count must be a non-negative integer, got ${n}`);
}
