import type { EvaluationStore } from '../learning/evaluation-store.js';
import { estimateCost } from './cost.js';
import { quantile } from './metrics-registry.js';
import type { PriceTable } from './prices.js';
import type { StatsSource } from './stats-source.js';

export interface PersistedStats {
  runs: { total: number; byStatus: Record<string, number>; avgIterations: number | null };
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number; costUsd: number; priced: boolean };
  byTenant: Array<{ tenantId: string; runs: number; tokens: number; costUsd: number }>;
  topSessions: Array<{ tenantId: string; sessionId: string; runs: number; tokens: number; costUsd: number }>;
  stepLatencyMs: Record<string, { count: number; p50: number; p95: number; p99: number }>;
  tools: { calls: number; succeeded: number; successRate: number | null };
  learning: { interactions: number; withLearnings: number; learningRate: number | null; activeLearnings: number; superseded: number };
  quality: { scored: number; unscored: number; low: number; flagged: number; lowQualityRate: number | null; meanQuality: number | null };
  dlqDepth: number;
}

/** Where the figures come from: a backend's stats reads and evaluations. */
export interface StatsSources {
  stats: StatsSource;
  evaluations: Pick<EvaluationStore, 'stats'>;
}

/**
 * Operator figures computed from what is stored (runs, steps, evaluations, queue), so `lore stats`
 * agrees with the server however many processes ran the turns. Cost uses the price table for
 * `modelId` (the runs do not record which model answered them).
 */
export async function computeStats(src: StatsSources, opts: { modelId: string; prices: PriceTable; tenantId?: string }): Promise<PersistedStats> {
  const scope = opts.tenantId !== undefined ? { tenantId: opts.tenantId } : {};
  const rows = await src.stats.runOutcomes(scope);
  const byStatus: Record<string, number> = {};
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0, costUsd: 0, priced: true };
  const tenants = new Map<string, { runs: number; tokens: number; costUsd: number }>();
  const sessions = new Map<string, { tenantId: string; sessionId: string; runs: number; tokens: number; costUsd: number }>();
  let iterSum = 0;
  let iterRuns = 0;
  let calls = 0;
  let ok = 0;
  let interactions = 0;
  let withLearnings = 0;
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const res = r.result ?? {};
    const u = res.usage;
    const cost = u ? estimateCost(opts.modelId, u, opts.prices) : { usd: 0, priced: true };
    if (u) {
      tokens.input += u.inputTokens;
      tokens.output += u.outputTokens;
      tokens.cacheRead += u.cacheReadInputTokens ?? 0;
      tokens.cacheWrite += u.cacheWriteInputTokens ?? 0;
      tokens.total += u.totalTokens;
      tokens.costUsd += cost.usd;
      tokens.priced &&= cost.priced;
    }
    const t = tenants.get(r.tenantId) ?? { runs: 0, tokens: 0, costUsd: 0 };
    t.runs++;
    t.tokens += u?.totalTokens ?? 0;
    t.costUsd += cost.usd;
    tenants.set(r.tenantId, t);
    const key = `${r.tenantId}/${r.sessionId}`;
    const s = sessions.get(key) ?? { tenantId: r.tenantId, sessionId: r.sessionId, runs: 0, tokens: 0, costUsd: 0 };
    s.runs++;
    s.tokens += u?.totalTokens ?? 0;
    s.costUsd += cost.usd;
    sessions.set(key, s);
    if (typeof res.iterations === 'number' && res.iterations > 0) {
      iterSum += res.iterations;
      iterRuns++;
    }
    for (const c of res.toolCalls ?? []) {
      calls++;
      if (c.status === 'success') ok++;
    }
    if (r.status === 'COMPLETED') {
      interactions++;
      if ((res.learnings ?? []).some((l) => l.event === 'ADD' || l.event === 'UPDATE')) withLearnings++;
    }
  }

  const steps = await src.stats.stepDurations(scope);
  const grouped = new Map<string, number[]>();
  for (const s of steps) grouped.set(s.step, [...(grouped.get(s.step) ?? []), s.ms]);
  const stepLatencyMs: PersistedStats['stepLatencyMs'] = {};
  for (const [step, ms] of grouped) stepLatencyMs[step] = { count: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99) };

  const kb = await src.stats.learningCounts(scope);
  const q = await src.evaluations.stats(scope);
  const dlq = await src.stats.deadLetters();
  const rate = (a: number, b: number) => (b ? a / b : null);
  return {
    runs: { total: rows.length, byStatus, avgIterations: iterRuns ? iterSum / iterRuns : null },
    tokens,
    byTenant: [...tenants].map(([tenantId, v]) => ({ tenantId, ...v })),
    topSessions: [...sessions.values()].sort((a, b) => b.tokens - a.tokens).slice(0, 10),
    stepLatencyMs,
    tools: { calls, succeeded: ok, successRate: rate(ok, calls) },
    learning: { interactions, withLearnings, learningRate: rate(withLearnings, interactions), activeLearnings: kb.active, superseded: kb.superseded },
    quality: { ...q, lowQualityRate: rate(q.low, q.scored + q.unscored) },
    dlqDepth: dlq,
  };
}
