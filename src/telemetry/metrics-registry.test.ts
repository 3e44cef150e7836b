import { describe, expect, it } from 'vitest';
import { formatValue, MetricsRegistry, quantile, renderFamilies } from './metrics-registry.js';
import { parseExposition } from './prometheus-lint.js';

describe('quantile', () => {
  it('uses nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.95)).toBe(95);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 1)).toBe(100);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('MetricsRegistry', () => {
  it('counts, gauges and keeps label sets apart', () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: 'x_total', help: 'x', labelNames: ['a'] });
    c.inc({ a: 'one' });
    c.inc({ a: 'one' }, 2);
    c.inc({ a: 'two' });
    expect(c.get({ a: 'one' })).toBe(3);
    expect(c.get({ a: 'two' })).toBe(1);
    expect(c.get({ a: 'none' })).toBe(0);
    expect(c.all()).toHaveLength(2); // reading did not create a series
    expect(() => c.inc({ a: 'one' }, -1)).toThrow(/only increase/);
    expect(() => c.inc({ b: 'x' })).toThrow(/no label b/);
    const g = r.gauge({ name: 'depth', help: 'd' });
    g.set(undefined, 5);
    g.inc(undefined, -2);
    expect(g.get()).toBe(3);
  });

  it('rejects invalid and duplicate names', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter({ name: 'bad-name', help: '' })).toThrow(/invalid metric name/);
    expect(() => r.counter({ name: 'ok', help: '', labelNames: ['__x'] })).toThrow(/invalid label/);
    expect(() => r.histogram({ name: 'h', help: '', labelNames: ['quantile'] })).toThrow(/invalid label/);
    r.gauge({ name: 'g', help: '' });
    expect(() => r.gauge({ name: 'g', help: '' })).toThrow(/already registered/);
  });

  it('keeps a bounded window for quantiles but all-time sum and count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram({ name: 'lat', help: '', windowSize: 10 });
    for (let i = 1; i <= 100; i++) h.observe(undefined, i);
    const s = h.summarize();
    expect(s.count).toBe(100);
    expect(s.sum).toBe(5050);
    // Window holds 91..100.
    expect(s.quantiles).toEqual({ '0.5': 95, '0.95': 100, '0.99': 100 });
    h.observe(undefined, Number.NaN); // ignored
    expect(h.summarize().count).toBe(100);
  });

  it('caps the number of series per metric', () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: 'c_total', help: '', labelNames: ['id'], maxSeries: 3 });
    for (let i = 0; i < 5; i++) c.inc({ id: i });
    expect(c.all()).toHaveLength(3);
    expect(c.droppedSeries).toBe(2);
    c.inc({ id: 0 });
    expect(c.get({ id: 0 })).toBe(2);
  });

  it('renders valid Prometheus text with HELP, TYPE, escaping and summary quantiles', () => {
    const r = new MetricsRegistry();
    r.counter({ name: 'req_total', help: 'Requests\nwith a \\ newline', labelNames: ['path'] }).inc({ path: 'a"b\\c\nd' }, 3);
    r.gauge({ name: 'temp', help: 'T' }).set(undefined, -1.5);
    const h = r.histogram({ name: 'lat_seconds', help: 'L', labelNames: ['step'] });
    h.observe({ step: 'Reason' }, 0.25);
    h.observe({ step: 'Reason' }, 0.75);
    r.histogram({ name: 'empty_seconds', help: 'E' });
    const text = r.renderPrometheus();
    expect(text).toBe(
      [
        '# HELP req_total Requests\\nwith a \\\\ newline',
        '# TYPE req_total counter',
        'req_total{path="a\\"b\\\\c\\nd"} 3',
        '# HELP temp T',
        '# TYPE temp gauge',
        'temp -1.5',
        '# HELP lat_seconds L',
        '# TYPE lat_seconds summary',
        'lat_seconds{step="Reason",quantile="0.5"} 0.25',
        'lat_seconds{step="Reason",quantile="0.95"} 0.75',
        'lat_seconds{step="Reason",quantile="0.99"} 0.75',
        'lat_seconds_sum{step="Reason"} 1',
        'lat_seconds_count{step="Reason"} 2',
        '# HELP empty_seconds E',
        '# TYPE empty_seconds summary',
        '',
      ].join('\n'),
    );
    const parsed = parseExposition(text);
    expect(parsed.types.get('lat_seconds')).toBe('summary');
    expect(parsed.samples).toHaveLength(7);
    expect(parsed.samples[0]).toEqual({ name: 'req_total', labels: { path: 'a"b\\c\nd' }, value: 3 });
    expect(() => parseExposition('x{a="b} 1\n')).toThrow(/invalid sample/);
    expect(() => parseExposition('x 1\n')).toThrow(/without TYPE/);
  });

  it('formats special values', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1e21)).toBe('1e+21');
  });

  it('renders nothing for an empty registry', () => {
    expect(new MetricsRegistry().renderPrometheus()).toBe('');
  });

  it('merges families from several processes under one header per metric, labelled apart', () => {
    const processes = ['0', '1'].map((worker) => {
      const r = new MetricsRegistry();
      r.counter({ name: 'jobs_total', help: 'Jobs', labelNames: ['kind'] }).inc({ kind: 'a' }, worker === '0' ? 2 : 3);
      r.histogram({ name: 'lat_seconds', help: 'Latency', quantiles: [0.5] }).observe(undefined, 1);
      return r.families({ worker });
    });
    const text = renderFamilies(processes.flat());
    expect(text.match(/^# TYPE jobs_total counter$/gm)).toHaveLength(1);
    expect(text).toContain('jobs_total{kind="a",worker="0"} 2');
    expect(text).toContain('jobs_total{kind="a",worker="1"} 3');
    expect(text).toContain('lat_seconds{worker="1",quantile="0.5"} 1');
    expect(text).toContain('lat_seconds_count{worker="0"} 1');
    expect(() => parseExposition(text)).not.toThrow();
  });
});
