import type { Usage } from '../models/types.js';
import type { SqliteDatabase } from '../stores/sqlite/database.js';
import { SqliteEvaluationStore } from '../stores/sqlite/evaluation-store.js';
import { estimateCost } from './cost.js';
import { quantile } from './metrics-registry.js';
import type { PriceTable } from './prices.js';

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

interface RunRow {
  tenant_id: string;
  session_id: string;
  status: string;
  result: string | null;
}

interface StoredResult {
  usage?: Usage;
  iterations?: number;
  learnings?: Array<{ event: string }>;
  toolCalls?: Array<{ status: string }>;
}

/**
 * Operator figures computed from what is stored (runs, steps, evaluations, queue), so `lore stats`
 * agrees with the server however many processes ran the turns. Cost uses the price table for
 * `modelId` (the runs do not record which model answered them).
 */
export function computeStats(db: SqliteDatabase, opts: { modelId: string; prices: PriceTable; tenantId?: string }): PersistedStats {
  const tenant = opts.tenantId ?? null;
  const rows = db.prepare('SELECT tenant_id, session_id, status, result FROM workflow_runs WHERE (? IS NULL OR tenant_id = ?)').all(tenant, tenant) as RunRow[];
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
    const res = r.result ? (JSON.parse(r.result) as StoredResult) : {};
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
    const t = tenants.get(r.tenant_id) ?? { runs: 0, tokens: 0, costUsd: 0 };
    t.runs++;
    t.tokens += u?.totalTokens ?? 0;
    t.costUsd += cost.usd;
    tenants.set(r.tenant_id, t);
    const key = `${r.tenant_id}/${r.session_id}`;
    const s = sessions.get(key) ?? { tenantId: r.tenant_id, sessionId: r.session_id, runs: 0, tokens: 0, costUsd: 0 };
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

  const steps = db
    .prepare(
      `SELECT s.step, s.finished_at - s.started_at AS ms FROM workflow_steps s JOIN workflow_runs r ON r.run_id = s.run_id
       WHERE s.status = 'succeeded' AND (? IS NULL OR r.tenant_id = ?) ORDER BY s.step, ms`,
    )
    .all(tenant, tenant) as Array<{ step: string; ms: number }>;
  const grouped = new Map<string, number[]>();
  for (const s of steps) grouped.set(s.step, [...(grouped.get(s.step) ?? []), s.ms]);
  const stepLatencyMs: PersistedStats['stepLatencyMs'] = {};
  for (const [step, ms] of grouped) stepLatencyMs[step] = { count: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99) };

  const kb = db
    .prepare(`SELECT sum(status = 'active') AS active, sum(status = 'superseded') AS superseded FROM documents WHERE kind = 'learning' AND (? IS NULL OR tenant_id = ?)`)
    .get(tenant, tenant) as { active: number | null; superseded: number | null };
  const q = new SqliteEvaluationStore(db).stats(opts.tenantId);
  const dlq = (db.prepare('SELECT count(*) AS n FROM queue_messages WHERE dead_at IS NOT NULL').get() as { n: number }).n;
  const rate = (a: number, b: number) => (b ? a / b : null);
  return {
    runs: { total: rows.length, byStatus, avgIterations: iterRuns ? iterSum / iterRuns : null },
    tokens,
    byTenant: [...tenants].map(([tenantId, v]) => ({ tenantId, ...v })),
    topSessions: [...sessions.values()].sort((a, b) => b.tokens - a.tokens).slice(0, 10),
    stepLatencyMs,
    tools: { calls, succeeded: ok, successRate: rate(ok, calls) },
    learning: { interactions, withLearnings, learningRate: rate(withLearnings, interactions), activeLearnings: kb.active ?? 0, superseded: kb.superseded ?? 0 },
    quality: { ...q, lowQualityRate: rate(q.low, q.scored + q.unscored) },
    dlqDepth: dlq,
  };
}
