import type { Usage } from '../models/types.js';
import type { CostEstimate } from './cost.js';
import { bucketQuantile, MetricsRegistry, readHistogram, readSeries, type Counter, type Gauge, type Histogram, type HistogramSeries, type FamilyOptions, type MetricFamily } from './metrics-registry.js';

export * from './metrics-registry.js';

const ITERATION_BUCKETS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30];
const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The metrics Lore records, behind typed methods so call sites cannot misspell a name or label.
 * Latencies are histograms in seconds (Prometheus base unit; see LATENCY_BUCKETS) and reported in
 * ms by `snapshot()`. One instance per process (or per test); nothing here is global.
 * Every series with a tenant label uses the same value for "no tenant given": `defaultTenant`
 * (the configured default tenant), never an empty string on some series and a name on others.
 */
export class LoreMetrics {
  readonly registry: MetricsRegistry;
  readonly defaultTenant: string;
  private readonly step: Histogram<string>;
  private readonly turn: Histogram<string>;
  private readonly modelLatency: Histogram<string>;
  private readonly modelCalls: Counter<string>;
  private readonly tokens: Counter<string>;
  private readonly cost: Counter<string>;
  private readonly unpriced: Counter<string>;
  private readonly toolCalls: Counter<string>;
  private readonly toolLatency: Histogram<string>;
  private readonly iterations: Histogram<string>;
  private readonly runs: Counter<string>;
  private readonly interactions: Counter<string>;
  private readonly learnings: Counter<string>;
  private readonly scored: Counter<string>;
  private readonly lowQuality: Counter<string>;
  private readonly score: Histogram<string>;
  private readonly dlq: Gauge<string>;
  private readonly jobLastRun: Gauge<string>;
  private readonly guardFindings: Counter<string>;

  constructor(options: { registry?: MetricsRegistry; defaultTenant?: string } = {}) {
    const r = (this.registry = options.registry ?? new MetricsRegistry());
    this.defaultTenant = options.defaultTenant ?? 'default';
    this.step = r.histogram({ name: 'lore_step_duration_seconds', help: 'Workflow step latency', labelNames: ['step', 'status'] });
    this.turn = r.histogram({ name: 'lore_turn_duration_seconds', help: 'Turn latency, from start (or resume) until it ends or parks', labelNames: ['status'] });
    this.modelLatency = r.histogram({ name: 'lore_model_call_duration_seconds', help: 'Model call latency', labelNames: ['model'] });
    this.modelCalls = r.counter({ name: 'lore_model_calls_total', help: 'Model calls by outcome', labelNames: ['model', 'status'] });
    this.tokens = r.counter({ name: 'lore_model_tokens_total', help: 'Model tokens by type', labelNames: ['model', 'tenant', 'type'] });
    this.cost = r.counter({ name: 'lore_model_cost_usd_total', help: 'Estimated model cost in USD', labelNames: ['model', 'tenant'] });
    this.unpriced = r.counter({ name: 'lore_model_unpriced_calls_total', help: 'Model calls with no price entry (cost undercounted)', labelNames: ['model'] });
    this.toolCalls = r.counter({ name: 'lore_tool_calls_total', help: 'Tool calls by outcome', labelNames: ['tool', 'status'] });
    this.toolLatency = r.histogram({ name: 'lore_tool_call_duration_seconds', help: 'Tool call latency', labelNames: ['tool'] });
    this.iterations = r.histogram({ name: 'lore_run_iterations', help: 'ReAct iterations per run', buckets: ITERATION_BUCKETS });
    this.runs = r.counter({ name: 'lore_runs_total', help: 'Finished workflow runs by outcome', labelNames: ['status'] });
    this.interactions = r.counter({ name: 'lore_interactions_total', help: 'Completed user turns', labelNames: ['tenant'] });
    this.learnings = r.counter({ name: 'lore_learnings_total', help: 'Learnings written to the knowledge base', labelNames: ['tenant'] });
    this.scored = r.counter({ name: 'lore_turns_scored_total', help: 'Turns with a quality score', labelNames: ['tenant'] });
    this.lowQuality = r.counter({ name: 'lore_low_quality_turns_total', help: 'Turns scored below the low-quality threshold', labelNames: ['tenant'] });
    this.score = r.histogram({ name: 'lore_turn_quality_score', help: 'Turn quality score (0..1)', buckets: SCORE_BUCKETS });
    this.dlq = r.gauge({ name: 'lore_dlq_depth', help: 'Messages in the dead-letter queue', labelNames: ['queue'] });
    this.jobLastRun = r.gauge({ name: 'lore_job_last_run_timestamp_seconds', help: 'Unix time a scheduled job last ran', labelNames: ['job'] });
    this.guardFindings = r.counter({ name: 'lore_guardrail_findings_total', help: 'Guardrail findings by stage and the action each asked for', labelNames: ['stage', 'action'] });
  }

  /** The tenant label value: the tenant, or the default tenant when none is known. */
  tenantLabel(tenant?: string): string {
    return tenant || this.defaultTenant;
  }

  stepDuration(step: string, ms: number, status: 'ok' | 'error' = 'ok'): void {
    this.step.observe({ step, status }, ms / 1000);
  }

  turnDuration(ms: number, status: string): void {
    this.turn.observe({ status }, ms / 1000);
  }

  modelCall(m: { model: string; tenant?: string; latencyMs: number; status: 'ok' | 'error'; usage?: Usage; cost?: CostEstimate }): void {
    this.modelLatency.observe({ model: m.model }, m.latencyMs / 1000);
    this.modelCalls.inc({ model: m.model, status: m.status });
    const tenant = this.tenantLabel(m.tenant);
    if (m.usage) {
      const u = m.usage;
      const byType: Array<[string, number]> = [
        ['input', u.inputTokens],
        ['output', u.outputTokens],
        ['cache_read', u.cacheReadInputTokens ?? 0],
        ['cache_write', u.cacheWriteInputTokens ?? 0],
      ];
      for (const [type, n] of byType) if (n > 0) this.tokens.inc({ model: m.model, tenant, type }, n);
    }
    if (m.cost) {
      if (m.cost.priced) this.cost.inc({ model: m.model, tenant }, m.cost.usd);
      else this.unpriced.inc({ model: m.model });
    }
  }

  toolCall(tool: string, status: 'success' | 'error', latencyMs?: number): void {
    this.toolCalls.inc({ tool, status });
    if (latencyMs !== undefined) this.toolLatency.observe({ tool }, latencyMs / 1000);
  }

  runFinished(r: { iterations: number; status: string }): void {
    this.iterations.observe(r.iterations);
    this.runs.inc({ status: r.status });
  }

  interaction(tenant?: string): void {
    this.interactions.inc({ tenant: this.tenantLabel(tenant) });
  }

  learningsWritten(count: number, tenant?: string): void {
    if (count > 0) this.learnings.inc({ tenant: this.tenantLabel(tenant) }, count);
  }

  turnScored(s: { score: number; low: boolean; tenant?: string }): void {
    const tenant = this.tenantLabel(s.tenant);
    this.scored.inc({ tenant });
    this.score.observe(s.score);
    if (s.low) this.lowQuality.inc({ tenant });
  }

  setDlqDepth(queue: string, depth: number): void {
    this.dlq.set({ queue }, depth);
  }

  jobRan(job: string, at: Date | number = Date.now()): void {
    this.jobLastRun.set({ job }, Math.floor(+at / 1000));
  }

  guardrailFinding(stage: string, action: string, count = 1): void {
    if (count > 0) this.guardFindings.inc({ stage, action }, count);
  }

  renderPrometheus(opts: FamilyOptions = {}): Promise<string> {
    return this.registry.renderPrometheus(opts);
  }

  /** The metrics as mergeable families (see MetricsRegistry.families). */
  families(extra: Record<string, string> = {}, opts: FamilyOptions = {}): Promise<MetricFamily[]> {
    return this.registry.families(extra, opts);
  }

  /** A JSON summary for `lore stats` and dashboards, with the derived rates. Quantiles are bucket estimates. */
  async snapshot(now: Date = new Date()): Promise<LoreStatsSnapshot> {
    const models: LoreStatsSnapshot['models'] = {};
    const model = (id: string) =>
      (models[id] ??= { calls: 0, errors: 0, latencyMs: emptyLatency(), tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0 });
    for (const s of await readSeries(this.modelCalls)) {
      model(s.labels.model!).calls += s.value;
      if (s.labels.status === 'error') model(s.labels.model!).errors += s.value;
    }
    for (const s of await readHistogram(this.modelLatency)) model(s.labels.model!).latencyMs = latencyMs(s);
    const tokenKey = { input: 'input', output: 'output', cache_read: 'cacheRead', cache_write: 'cacheWrite' } as const;
    const tenants: LoreStatsSnapshot['tenants'] = {};
    const tenant = (id: string) => (tenants[this.tenantLabel(id)] ??= { tokens: 0, costUsd: 0 });
    for (const s of await readSeries(this.tokens)) {
      model(s.labels.model!).tokens[tokenKey[s.labels.type as keyof typeof tokenKey]] += s.value;
      tenant(s.labels.tenant!).tokens += s.value;
    }
    for (const s of await readSeries(this.cost)) {
      model(s.labels.model!).costUsd = round9(model(s.labels.model!).costUsd + s.value);
      tenant(s.labels.tenant!).costUsd = round9(tenant(s.labels.tenant!).costUsd + s.value);
    }

    const steps: LoreStatsSnapshot['steps'] = {};
    const stepSeries = await readHistogram(this.step);
    for (const s of stepSeries) {
      const cur = (steps[s.labels.step!] ??= { count: 0, errors: 0, latencyMs: emptyLatency() });
      cur.count += s.count;
      if (s.labels.status === 'error') cur.errors += s.count;
    }
    // Latency of successful executions; failures are often short-circuits that would skew it.
    // A step that never succeeded reports its failures' latency instead.
    for (const s of stepSeries) {
      const cur = steps[s.labels.step!]!;
      if (s.labels.status !== 'error' || cur.errors === cur.count) cur.latencyMs = latencyMs(s);
    }

    const tools: LoreStatsSnapshot['tools'] = {};
    for (const s of await readSeries(this.toolCalls)) {
      const t = (tools[s.labels.tool!] ??= { success: 0, error: 0, successRate: null });
      t[s.labels.status as 'success' | 'error'] += s.value;
      t.successRate = ratio(t.success, t.success + t.error);
    }
    const toolSuccess = Object.values(tools).reduce((a, t) => a + t.success, 0);
    const toolTotal = Object.values(tools).reduce((a, t) => a + t.success + t.error, 0);

    const interactions = await sum(this.interactions);
    const learnings = await sum(this.learnings);
    const scored = await sum(this.scored);
    const low = await sum(this.lowQuality);
    const it = (await readHistogram(this.iterations))[0] ?? { buckets: [], sum: 0, count: 0, labels: {} };
    const byStatus = Object.fromEntries((await readSeries(this.runs)).map((s) => [s.labels.status!, s.value]));
    const sc = (await readHistogram(this.score))[0] ?? { sum: 0, count: 0 };

    return {
      generatedAt: now.toISOString(),
      totals: {
        interactions,
        learnings,
        turnsScored: scored,
        lowQualityTurns: low,
        toolCalls: toolTotal,
        modelCalls: Object.values(models).reduce((a, m) => a + m.calls, 0),
        tokens: Object.values(tenants).reduce((a, t) => a + t.tokens, 0),
        costUsd: round9(Object.values(tenants).reduce((a, t) => a + t.costUsd, 0)),
      },
      rates: {
        toolSuccess: ratio(toolSuccess, toolTotal),
        learning: ratio(learnings, interactions),
        lowQuality: ratio(low, scored),
      },
      quality: { meanScore: sc.count ? round9(sc.sum / sc.count) : null },
      runs: {
        count: it.count,
        byStatus,
        iterations: { mean: it.count ? round9(it.sum / it.count) : null, p50: q(0.5, it), p95: q(0.95, it), p99: q(0.99, it) },
      },
      steps,
      models,
      tenants,
      tools,
      dlqDepth: Object.fromEntries((await readSeries(this.dlq)).map((s) => [s.labels.queue!, s.value])),
      jobs: Object.fromEntries((await readSeries(this.jobLastRun)).map((s) => [s.labels.job!, { lastRunAt: new Date(s.value * 1000).toISOString() }])),
    };
  }
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LoreStatsSnapshot {
  generatedAt: string;
  totals: {
    interactions: number;
    learnings: number;
    turnsScored: number;
    lowQualityTurns: number;
    toolCalls: number;
    modelCalls: number;
    tokens: number;
    costUsd: number;
  };
  /** Ratios in 0..1; null when the denominator is 0. */
  rates: { toolSuccess: number | null; learning: number | null; lowQuality: number | null };
  quality: { meanScore: number | null };
  runs: { count: number; byStatus: Record<string, number>; iterations: { mean: number | null } & LatencySummary };
  steps: Record<string, { count: number; errors: number; latencyMs: LatencySummary }>;
  models: Record<
    string,
    { calls: number; errors: number; latencyMs: LatencySummary; tokens: { input: number; output: number; cacheRead: number; cacheWrite: number }; costUsd: number }
  >;
  tenants: Record<string, { tokens: number; costUsd: number }>;
  tools: Record<string, { success: number; error: number; successRate: number | null }>;
  dlqDepth: Record<string, number>;
  jobs: Record<string, { lastRunAt: string }>;
}

const emptyLatency = (): LatencySummary => ({ p50: null, p95: null, p99: null });
const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
const ratio = (a: number, b: number) => (b > 0 ? round9(a / b) : null);
const sum = async (c: Counter<string>) => (await readSeries(c)).reduce((a, s) => a + s.value, 0);
const q = (p: number, s: Pick<HistogramSeries, 'buckets' | 'count'>) => {
  const v = bucketQuantile(p, s);
  return v === null ? null : round9(v);
};

function latencyMs(s: HistogramSeries): LatencySummary {
  const ms = (p: number) => {
    const v = bucketQuantile(p, s);
    return v === null ? null : round9(v * 1000);
  };
  return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
}
