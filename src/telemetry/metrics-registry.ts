import { LoreError } from '../errors.js';

/**
 * A small in-process metrics registry: counters, gauges and histograms with labels, rendered in
 * the Prometheus text exposition format (0.0.4). Histograms keep a sliding window of the most
 * recent observations per label set and report exact quantiles over that window (rendered as a
 * Prometheus `summary`), plus all-time `_sum` and `_count`. No dependency: the workload is a few
 * thousand observations a minute, and a window keeps memory bounded without bucket tuning.
 */

export type LabelValues = Readonly<Record<string, string | number | boolean | undefined>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Label sets beyond this per metric are dropped: unbounded label values must not eat memory. */
const DEFAULT_MAX_SERIES = 2000;

interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
  maxSeries?: number;
}

export interface Series<V> {
  labels: Record<string, string>;
  value: V;
}

abstract class Metric<V> {
  abstract readonly type: 'counter' | 'gauge' | 'summary';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Observations dropped because the series cap was reached. */
  droppedSeries = 0;
  private readonly maxSeries: number;
  protected readonly series = new Map<string, Series<V>>();

  constructor(o: MetricOptions) {
    if (!METRIC_NAME.test(o.name)) throw new LoreError('VALIDATION_FAILED', `invalid metric name: ${o.name}`);
    for (const l of o.labelNames ?? []) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'quantile') throw new LoreError('VALIDATION_FAILED', `invalid label name: ${l}`);
    }
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames ?? [];
    this.maxSeries = o.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  protected abstract initial(): V;

  /** The series for these labels, created on first use; undefined when over the series cap. */
  protected at(labels: LabelValues = {}, create = true): Series<V> | undefined {
    for (const k of Object.keys(labels)) {
      if (!this.labelNames.includes(k)) throw new LoreError('VALIDATION_FAILED', `metric ${this.name} has no label ${k}`);
    }
    const values = this.labelNames.map((l) => (labels[l] === undefined ? '' : String(labels[l])));
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s && create) {
      if (this.series.size >= this.maxSeries) {
        this.droppedSeries++;
        return undefined;
      }
      s = { labels: Object.fromEntries(this.labelNames.map((l, i) => [l, values[i]!])), value: this.initial() };
      this.series.set(key, s);
    }
    return s;
  }

  /** Every series, in creation order. */
  all(): Array<Series<V>> {
    return [...this.series.values()];
  }

  reset(): void {
    this.series.clear();
  }
}

export class Counter extends Metric<number> {
  readonly type = 'counter';
  protected initial(): number {
    return 0;
  }
  inc(labels?: LabelValues, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new LoreError('VALIDATION_FAILED', `counter ${this.name} can only increase (got ${by})`);
    const s = this.at(labels);
    if (s) s.value += by;
  }
  get(labels?: LabelValues): number {
    return this.at(labels, false)?.value ?? 0;
  }
}

export class Gauge extends Metric<number> {
  readonly type = 'gauge';
  protected initial(): number {
    return 0;
  }
  set(labels: LabelValues | undefined, value: number): void {
    const s = this.at(labels);
    if (s) s.value = value;
  }
  inc(labels?: LabelValues, by = 1): void {
    const s = this.at(labels);
    if (s) s.value += by;
  }
  get(labels?: LabelValues): number {
    return this.at(labels, false)?.value ?? 0;
  }
}

export interface HistogramState {
  count: number;
  sum: number;
  /** Ring buffer of the most recent observations. */
  window: number[];
  next: number;
}

export interface QuantileSummary {
  count: number;
  sum: number;
  /** Quantile → value over the window; NaN when nothing was observed. */
  quantiles: Record<string, number>;
}

export class Histogram extends Metric<HistogramState> {
  readonly type = 'summary';
  readonly quantiles: readonly number[];
  private readonly windowSize: number;

  constructor(o: MetricOptions & { quantiles?: readonly number[]; windowSize?: number }) {
    super(o);
    this.quantiles = o.quantiles ?? [0.5, 0.95, 0.99];
    this.windowSize = o.windowSize ?? 1024;
    if (this.quantiles.some((q) => !(q >= 0 && q <= 1))) throw new LoreError('VALIDATION_FAILED', `quantiles must be within 0..1`);
  }

  protected initial(): HistogramState {
    return { count: 0, sum: 0, window: [], next: 0 };
  }

  observe(labels: LabelValues | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    const s = this.at(labels);
    if (!s) return;
    const h = s.value;
    h.count++;
    h.sum += value;
    if (h.window.length < this.windowSize) h.window.push(value);
    else h.window[h.next] = value;
    h.next = (h.next + 1) % this.windowSize;
  }

  summarize(labels?: LabelValues): QuantileSummary {
    return summarizeState(this.at(labels, false)?.value ?? this.initial(), this.quantiles);
  }
}

/** Nearest-rank quantiles over the window: the smallest value with at least q of the window ≤ it. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function summarizeState(h: HistogramState, qs: readonly number[]): QuantileSummary {
  const sorted = [...h.window].sort((a, b) => a - b);
  return { count: h.count, sum: h.sum, quantiles: Object.fromEntries(qs.map((q) => [String(q), quantile(sorted, q)])) };
}

type AnyMetric = Counter | Gauge | Histogram;

export class MetricsRegistry {
  private readonly metrics = new Map<string, AnyMetric>();

  counter(o: MetricOptions): Counter {
    return this.register(new Counter(o));
  }
  gauge(o: MetricOptions): Gauge {
    return this.register(new Gauge(o));
  }
  histogram(o: MetricOptions & { quantiles?: readonly number[]; windowSize?: number }): Histogram {
    return this.register(new Histogram(o));
  }

  get(name: string): AnyMetric | undefined {
    return this.metrics.get(name);
  }

  private register<M extends AnyMetric>(m: M): M {
    if (this.metrics.has(m.name)) throw new LoreError('CONFLICT', `metric ${m.name} is already registered`);
    this.metrics.set(m.name, m);
    return m;
  }

  /** Prometheus text exposition format 0.0.4 (`Content-Type: text/plain; version=0.0.4`). */
  renderPrometheus(opts: FamilyOptions = {}): string {
    return renderFamilies(this.families({}, opts));
  }

  /**
   * Every metric as rendered sample lines, `extra` labels added to each (e.g. the process in a
   * cluster, so families from several processes merge without colliding series).
   */
  families(extra: Record<string, string> = {}, opts: FamilyOptions = {}): MetricFamily[] {
    const out: MetricFamily[] = [];
    const drop = opts.dropLabels ?? [];
    for (const m of this.metrics.values()) {
      const samples: string[] = [];
      if (m instanceof Histogram) {
        for (const s of m.all()) {
          const labels = { ...s.labels, ...extra };
          const sum = summarizeState(s.value, m.quantiles);
          for (const [q, v] of Object.entries(sum.quantiles)) samples.push(`${m.name}${renderLabels({ ...labels, quantile: q })} ${formatValue(v)}`);
          samples.push(`${m.name}_sum${renderLabels(labels)} ${formatValue(sum.sum)}`, `${m.name}_count${renderLabels(labels)} ${sum.count}`);
        }
      } else if (drop.some((l) => m.labelNames.includes(l))) {
        // Series that differ only in a dropped label are summed (e.g. tokens of every tenant).
        const summed = new Map<string, number>();
        for (const s of m.all()) {
          const labels = renderLabels({ ...withoutKeys(s.labels, drop), ...extra });
          summed.set(labels, (summed.get(labels) ?? 0) + s.value);
        }
        for (const [labels, v] of summed) samples.push(`${m.name}${labels} ${formatValue(v)}`);
      } else {
        for (const s of m.all()) samples.push(`${m.name}${renderLabels({ ...s.labels, ...extra })} ${formatValue(s.value)}`);
      }
      out.push({ name: m.name, help: m.help, type: m.type, samples });
    }
    return out;
  }
}

export interface FamilyOptions {
  /** Labels to leave out of counters and gauges, summing the series they told apart. */
  dropLabels?: readonly string[];
}

function withoutKeys(labels: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** One metric's HELP, TYPE and samples; plain data, so it can cross a process boundary. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  samples: string[];
}

/**
 * The exposition text of families, merged by name: the text format allows one HELP/TYPE block per
 * metric, so samples of the same metric from several processes go under one header.
 */
export function renderFamilies(families: readonly MetricFamily[]): string {
  const byName = new Map<string, MetricFamily>();
  for (const f of families) {
    const seen = byName.get(f.name);
    if (seen) seen.samples.push(...f.samples);
    else byName.set(f.name, { ...f, samples: [...f.samples] });
  }
  const out: string[] = [];
  for (const f of byName.values()) out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.samples);
  return out.length ? `${out.join('\n')}\n` : '';
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
