import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { LoreError } from '../errors.js';
import { BudgetManager, InMemoryUsageLedger, type BudgetLimits } from './budget.js';

const target = { tenantId: 'acme', sessionId: 'ses_1' };

function manager(limits: BudgetLimits, now?: () => Date) {
  const ledger = new InMemoryUsageLedger();
  return { ledger, budget: new BudgetManager(ledger, limits, now) };
}

async function rejection(p: Promise<unknown>): Promise<LoreError> {
  try {
    await p;
  } catch (e) {
    return e as LoreError;
  }
  throw new Error('expected a rejection');
}

describe('InMemoryUsageLedger', () => {
  it('sums per scope and id', async () => {
    const l = new InMemoryUsageLedger();
    await l.add('session', 'a', 10);
    await l.add('session', 'a', 5);
    await l.add('tenant', 'a', 7);
    expect(await l.used('session', 'a')).toBe(15);
    expect(await l.used('tenant', 'a')).toBe(7);
    expect(await l.used('session', 'b')).toBe(0);
    await expect(l.add('session', 'a', -1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(l.add('session', 'a', 1.5)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('BudgetManager', () => {
  it('treats 0 as unlimited but still counts usage', async () => {
    const { budget } = manager({ sessionTokens: 0, tenantTokens: 0 });
    await budget.record({ ...target, tokens: 1_000_000 });
    const st = await budget.check({ ...target, estimate: 1_000_000 });
    expect(st.session).toEqual({ used: 1_000_000, limit: 0, remaining: null });
    expect(st.tenant.remaining).toBeNull();
  });

  it('allows spending up to the session limit, then throws BUDGET_EXCEEDED with details', async () => {
    const { budget } = manager({ sessionTokens: 1000, tenantTokens: 0 });
    await budget.record({ ...target, tokens: { inputTokens: 600, outputTokens: 300, totalTokens: 900 } });
    expect((await budget.check(target)).session).toEqual({ used: 900, limit: 1000, remaining: 100 });
    await budget.check({ ...target, estimate: 100 }); // exactly at the limit is fine
    const err = await rejection(budget.check({ ...target, estimate: 101 }));
    expect(err).toBeInstanceOf(LoreError);
    expect(err.code).toBe('BUDGET_EXCEEDED');
    expect(err.httpStatus).toBe(429);
    expect(err.details).toEqual({ scope: 'session', id: 'ses_1', used: 900, limit: 1000, estimate: 101 });
    expect(err.message).toBe('session token budget exceeded for ses_1: used 900 + estimated 101 of 1000');

    await budget.record({ ...target, tokens: 100 });
    const spent = await rejection(budget.check(target));
    expect(spent.details).toEqual({ scope: 'session', id: 'ses_1', used: 1000, limit: 1000 });
    // Another session of the same tenant is unaffected.
    await budget.check({ tenantId: 'acme', sessionId: 'ses_2' });
  });

  it('enforces the tenant limit across sessions, and keeps tenants apart', async () => {
    const { budget } = manager({ sessionTokens: 1000, tenantTokens: 1500 });
    await budget.record({ tenantId: 'acme', sessionId: 's1', tokens: 800 });
    await budget.record({ tenantId: 'acme', sessionId: 's2', tokens: 700 });
    const err = await rejection(budget.check({ tenantId: 'acme', sessionId: 's3' }));
    expect(err.details).toMatchObject({ scope: 'tenant', id: 'acme', used: 1500, limit: 1500 });
    // Same session id under another tenant is a different session.
    await budget.check({ tenantId: 'globex', sessionId: 's1', estimate: 1000 });
  });

  it('reports the session scope first when both are exceeded', async () => {
    const { budget } = manager({ sessionTokens: 10, tenantTokens: 10 });
    await budget.record({ ...target, tokens: 10 });
    expect((await rejection(budget.check(target))).details).toMatchObject({ scope: 'session' });
  });

  it('starts a fresh tenant count each window', async () => {
    let now = new Date('2025-06-30T23:59:00Z');
    const { budget, ledger } = manager({ sessionTokens: 0, tenantTokens: 100, tenantWindow: 'month' }, () => now);
    await budget.record({ ...target, tokens: 100 });
    await expect(budget.check(target)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(await ledger.used('tenant', 'acme@2025-06')).toBe(100);
    now = new Date('2025-07-01T00:00:00Z');
    await budget.check({ ...target, estimate: 100 });
    expect(budget.tenantKey('acme')).toBe('acme@2025-07');
    const daily = new BudgetManager(ledger, { sessionTokens: 0, tenantTokens: 1, tenantWindow: 'day' }, () => now);
    expect(daily.tenantKey('acme')).toBe('acme@2025-07-01');
  });

  it('builds from config and validates limits and token counts', async () => {
    const cfg = loadConfig({ LORE_SESSION_TOKEN_BUDGET: '50', LORE_TENANT_TOKEN_BUDGET: '0' });
    const budget = BudgetManager.fromConfig(cfg.budgets, new InMemoryUsageLedger());
    await budget.record({ ...target, tokens: 50 });
    await expect(budget.check(target)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(() => new BudgetManager(new InMemoryUsageLedger(), { sessionTokens: -1, tenantTokens: 0 })).toThrow(/sessionTokens/);
    await expect(budget.check({ ...target, estimate: -5 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(budget.record({ ...target, tokens: Number.NaN })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
