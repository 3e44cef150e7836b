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
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt), '', `pass rate: ${passed}/${outcomes.length} (${((passed / Math.max(outcomes.length, 1)) * 100).toFixed(1)} %)`].join('\n');
}
