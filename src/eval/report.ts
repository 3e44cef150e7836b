import type { ScenarioOutcome } from './runner.js';

/** A plain-text table of scenario outcomes plus the pass rate line. */
export function renderEvalTable(outcomes: ScenarioOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.passed ? 'PASS' : 'FAIL',
    o.name,
    `${o.steps.filter((s) => s.passed).length}/${o.steps.length}`,
    String(o.tokens),
    o.error ?? o.steps.flatMap((s) => s.failures.map((f) => `step ${s.index + 1}: ${f}`)).join('; '),
  ]);
  const header = ['result', 'scenario', 'steps', 'tokens', 'failures'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  const passed = outcomes.filter((o) => o.passed).length;
  const classes = classRates(outcomes).map((c) => `  ${c.name.padEnd(24)} ${c.passed}/${c.total} (${pctOf(c.passed, c.total)} %)${c.min !== undefined ? `  required ${(c.min * 100).toFixed(1)} %` : ''}`);
  return [
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
    '',
    ...(classes.length ? ['pass rate per class:', ...classes, ''] : []),
    `pass rate: ${passed}/${outcomes.length} (${pctOf(passed, outcomes.length)} %)`,
  ].join('\n');
}

const pctOf = (k: number, n: number) => ((k / Math.max(n, 1)) * 100).toFixed(1);

export interface ClassRate {
  name: string;
  passed: number;
  total: number;
  /** The class's own required rate, when its scenarios declare one. */
  min?: number;
}

/** Pass counts per class tag (scenarios without a tag are not listed), in first-seen order. */
export function classRates(outcomes: ScenarioOutcome[]): ClassRate[] {
  const by = new Map<string, ClassRate>();
  for (const o of outcomes) {
    if (!o.class) continue;
    const c = by.get(o.class) ?? { name: o.class, passed: 0, total: 0, ...(o.minPassRate !== undefined ? { min: o.minPassRate } : {}) };
    c.total++;
    if (o.passed) c.passed++;
    by.set(o.class, c);
  }
  return [...by.values()];
}

/**
 * Which thresholds a run misses: classes with their own rate are judged on it; every other
 * scenario counts toward the run's --min-pass-rate. Returns one message per miss.
 */
export function missedThresholds(outcomes: ScenarioOutcome[], min: number): string[] {
  const misses: string[] = [];
  for (const c of classRates(outcomes)) {
    if (c.min !== undefined && c.passed / c.total < c.min) misses.push(`class ${c.name}: pass rate ${pctOf(c.passed, c.total)} % is under its required ${(c.min * 100).toFixed(1)} %`);
  }
  const rest = outcomes.filter((o) => o.minPassRate === undefined);
  const passed = rest.filter((o) => o.passed).length;
  if (rest.length && passed / rest.length < min) misses.push(`pass rate ${pctOf(passed, rest.length)} % is under the required ${(min * 100).toFixed(1)} %`);
  return misses;
}
