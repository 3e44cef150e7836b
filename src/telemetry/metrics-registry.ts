import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

/**
 * Lore's metrics registry: a thin layer over prom-client. Latencies are histograms with fixed
 * buckets, so they add up across processes and replicas (a PromQL `histogram_quantile` over
 * `sum by (le)` is exact about what it estimates; quantiles of summaries cannot be combined).
 * One Registry per LoreMetrics: nothing is registered on prom-client's global registry, so tests
 * and several runtimes in one process never collide.
 */

export { Counter, Gauge, Histogram };
export type LabelValues = Partial<Record<string, string | number>>;

/** Seconds. From 5 ms (a cache hit, a tool) to 2 min (a long model call, a whole turn). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** One process's metrics as JSON (prom-client's `getMetricsAsJSON`), mergeable across processes. */
export type MetricFamily = MetricObjectWithValues<MetricValue<string>>;

export class MetricsRegistry {
  readonly prom = new Registry();

  counter(o: MetricOptions): Counter<string> {
    return new Counter({ name: o.name, help: o.help, labelNames: [...(o.labelNames ?? [])], registers: [this.prom] });
  }

  gauge(o: MetricOptions): Gauge<string> {
    return new Gauge({ name: o.name, help: o.help, labelNames: [...(o.labelNames ?? [])], registers: [this.prom] });
  }

  histogram(o: MetricOptions & { buckets?: readonly number[] }): Histogram<string> {
    return new Histogram({ name: o.name, help: o.help, labelNames: [...(o.labelNames ?? [])], buckets: [...(o.buckets ?? LATENCY_BUCKETS)], registers: [this.prom] });
  }

  get(name: string) {
    return this.prom.getSingleMetric(name);
  }

  /** The Prometheus text exposition format (0.0.4); `dropLabels` sums the series they told apart. */
  async renderPrometheus(opts: FamilyOptions = {}): Promise<string> {
    if (!opts.dropLabels?.length) return this.prom.metrics();
    return renderFamilies([await this.families({}, opts)]);
  }

  /** This process's metrics with `extra` labels on every series (e.g. `{worker: "0"}`). */
  async families(extra: Record<string, string> = {}, opts: FamilyOptions = {}): Promise<MetricFamily[]> {
    const list = (await this.prom.getMetricsAsJSON()) as MetricFamily[];
    const drop = opts.dropLabels ?? [];
    if (!Object.keys(extra).length && !drop.length) return list;
    // Dropped labels are removed here; series left with equal labels are summed when rendered
    // (AggregatorRegistry), so a histogram over every tenant is still a histogram.
    return list.map((f) => ({ ...f, values: f.values.map((v) => ({ ...v, labels: { ...withoutKeys(v.labels, drop), ...extra } })) }));
  }
}

export interface FamilyOptions {
  /** Labels to leave out (e.g. `tenant`, unless tenant labels are opted in), summing the series they told apart. */
  dropLabels?: readonly string[];
}

function withoutKeys<V>(labels: Record<string, V>, keys: readonly string[]): Record<string, V> {
  if (!keys.length) return labels;
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(labels)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * Several processes' families as one exposition: prom-client's AggregatorRegistry (what it uses
 * for node:cluster) merges them under one HELP/TYPE per metric; series with the same labels are
 * summed, so a histogram's buckets stay a histogram.
 */
export function renderFamilies(perProcess: readonly MetricFamily[][]): Promise<string> {
  return AggregatorRegistry.aggregate(perProcess as MetricFamily[][]).metrics();
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The q-quantile of sorted values (nearest rank, q in 0..1); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** One histogram series, read back from prom-client: cumulative bucket counts, sum, count. */
export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

export async function readHistogram(h: Histogram<string>): Promise<HistogramSeries[]> {
  const byKey = new Map<string, HistogramSeries>();
  for (const v of (await h.get()).values) {
    const { le, ...labels } = v.labels as Record<string, string | number>;
    const clean = Object.fromEntries(Object.entries(labels).map(([k, x]) => [k, String(x)]));
    const key = JSON.stringify(clean);
    const s = byKey.get(key) ?? { labels: clean, buckets: [], sum: 0, count: 0 };
    byKey.set(key, s);
    const name = (v as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_bucket')) s.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: v.value });
    else if (name.endsWith('_sum')) s.sum = v.value;
    else if (name.endsWith('_count')) s.count = v.value;
  }
  return [...byKey.values()];
}

export async function readSeries(m: Counter<string> | Gauge<string>): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  return (await m.get()).values.map((v) => ({ labels: Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)])), value: v.value }));
}

/**
 * A quantile estimated from cumulative buckets, the way PromQL's histogram_quantile does it:
 * linear interpolation inside the bucket holding the rank; the highest finite bound when the rank
 * lands in +Inf. Null without observations.
 */
export function bucketQuantile(q: number, s: Pick<HistogramSeries, 'buckets' | 'count'>): number | null {
  if (!s.count) return null;
  const buckets = [...s.buckets].sort((a, b) => a.le - b.le);
  const rank = q * s.count;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le;
    }
    prevLe = b.le === Infinity ? prevLe : b.le;
    prevCount = b.count;
  }
  return prevLe;
}
