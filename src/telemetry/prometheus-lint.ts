/**
 * A checker for the Prometheus text exposition format 0.0.4, strict enough to catch what a
 * scraper would reject: malformed sample lines, samples without a TYPE, duplicate TYPE lines,
 * bad label escaping. Used by tests of `renderPrometheus()` and of the `/metrics` route.
 */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\n"])*"';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}(?:,${LABEL})*)?\\})? (NaN|[+-]Inf|-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|summary|histogram|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);

/** Parse exposition text; throws an Error naming the first offending line. */
export function parseExposition(text: string): { types: Map<string, string>; samples: ExpositionSample[] } {
  const types = new Map<string, string>();
  const samples: ExpositionSample[] = [];
  if (text === '') return { types, samples };
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    // The format ignores empty lines (prom-client separates metric families with one).
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      if (!HELP.test(line)) throw new Error(`invalid HELP line: ${line}`);
      continue;
    }
    const t = TYPE.exec(line);
    if (t) {
      if (types.has(t[1]!)) throw new Error(`duplicate TYPE for ${t[1]}`);
      types.set(t[1]!, t[2]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`invalid sample line: ${line}`);
    const name = m[1]!;
    const base = name.replace(/_(sum|count|bucket)$/, '');
    if (!types.has(name) && !['summary', 'histogram'].includes(types.get(base) ?? '')) throw new Error(`sample without TYPE: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\n"])*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const v = m[3]!;
    samples.push({ name, labels, value: v === 'NaN' ? Number.NaN : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return { types, samples };
}
