import { describe, expect, it } from 'vitest';
import { bucketQuantile, LATENCY_BUCKETS, MetricsRegistry, quantile, readHistogram, renderFamilies } from './metrics-registry.js';
import { parseExposition } from './prometheus-lint.js';

describe('MetricsRegistry (prom-client)', () => {
  it('renders counters, gauges and histograms with buckets, as valid exposition text', async () => {
    const r = new MetricsRegistry();
    r.counter({ name: 'jobs_total', help: 'Jobs', labelNames: ['kind'] }).inc({ kind: 'a "quoted"\nline' }, 2);
    r.gauge({ name: 'depth', help: 'Depth' }).set(3);
    const h = r.histogram({ name: 'lat_seconds', help: 'Latency', labelNames: ['route'] });
    for (const v of [0.003, 0.02, 0.2, 7]) h.observe({ route: '/chat' }, v);
    const text = await r.renderPrometheus();
    const { types, samples } = parseExposition(text);
    expect(types.get('lat_seconds')).toBe('histogram');
    const buckets = samples.filter((s) => s.name === 'lat_seconds_bucket');
    expect(buckets.map((b) => b.labels.le)).toEqual([...LATENCY_BUCKETS.map(String), '+Inf']);
    expect(buckets.find((b) => b.labels.le === '0.025')!.value).toBe(2);
    expect(buckets.find((b) => b.labels.le === '+Inf')!.value).toBe(4);
    expect(samples.find((s) => s.name === 'jobs_total')!.labels.kind).toBe('a "quoted"\nline');
    const [series] = await readHistogram(h);
    expect(series).toMatchObject({ labels: { route: '/chat' }, count: 4 });
    expect(series!.sum).toBeCloseTo(7.223, 9);
  });

  it('estimates quantiles from buckets the way histogram_quantile does', () => {
    const s = { count: 4, buckets: [{ le: 0.1, count: 1 }, { le: 0.25, count: 2 }, { le: 0.5, count: 4 }, { le: Infinity, count: 4 }] };
    expect(bucketQuantile(0.5, s)).toBeCloseTo(0.25, 12);
    expect(bucketQuantile(0.95, s)).toBeCloseTo(0.475, 12);
    expect(bucketQuantile(0.25, s)).toBeCloseTo(0.1, 12);
    // Rank in +Inf: the highest finite bound.
    expect(bucketQuantile(0.99, { count: 2, buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 2 }] })).toBe(1);
    expect(bucketQuantile(0.5, { count: 0, buckets: [] })).toBeNull();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('renders nothing for an empty registry', async () => {
    expect((await new MetricsRegistry().renderPrometheus()).trim()).toBe('');
  });

  it('merges families from several processes under one header per metric, labelled apart', async () => {
    const processes = await Promise.all(
      ['0', '1'].map((worker) => {
        const r = new MetricsRegistry();
        r.counter({ name: 'jobs_total', help: 'Jobs', labelNames: ['kind'] }).inc({ kind: 'a' }, worker === '0' ? 2 : 3);
        r.histogram({ name: 'lat_seconds', help: 'Latency' }).observe(1);
        return r.families({ worker });
      }),
    );
    const text = await renderFamilies(processes);
    expect(text.match(/^# TYPE jobs_total counter$/gm)).toHaveLength(1);
    expect(text.match(/^# TYPE lat_seconds histogram$/gm)).toHaveLength(1);
    expect(text).toContain('jobs_total{kind="a",worker="0"} 2');
    expect(text).toContain('jobs_total{kind="a",worker="1"} 3');
    expect(text).toContain('lat_seconds_bucket{le="1",worker="1"} 1');
    expect(text).toContain('lat_seconds_count{worker="0"} 1');
    expect(() => parseExposition(text)).not.toThrow();
  });

  it('sums series with the same labels across processes (histogram buckets add up)', async () => {
    const processes = await Promise.all(
      [0.02, 3].map((v) => {
        const r = new MetricsRegistry();
        r.histogram({ name: 'lat_seconds', help: 'Latency' }).observe(v);
        return r.families();
      }),
    );
    const { samples } = parseExposition(await renderFamilies(processes));
    const at = (le: string) => samples.find((s) => s.name === 'lat_seconds_bucket' && s.labels.le === le)!.value;
    expect([at('0.025'), at('5'), at('+Inf')]).toEqual([1, 2, 2]);
  });
});
