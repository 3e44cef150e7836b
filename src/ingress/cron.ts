import { LoreError } from '../errors.js';

/**
 * A small 5-field cron parser (minute hour day-of-month month day-of-week), evaluated in UTC so a
 * schedule means the same on every host. Supports `*`, numbers, `a-b`, lists, `/step`, month and
 * weekday names, 7 as Sunday, and the @hourly/@daily/@weekly/@monthly/@yearly aliases. Like Vixie
 * cron, when both day fields are restricted a day matches if EITHER matches.
 * Also accepts `@every <n><ms|s|m|h|d>` for fixed intervals.
 */
export type Schedule = { kind: 'cron'; expr: string; next(after: number): number } | { kind: 'interval'; expr: string; everyMs: number; next(after: number): number };

const ALIASES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesBase?: number;
}
const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesBase: 0 },
];

const bad = (expr: string, why: string) => new LoreError('CONFIG_INVALID', `invalid schedule "${expr}": ${why}`);

function parseValue(raw: string, f: FieldSpec, expr: string): number {
  const byName = f.names?.indexOf(raw.toUpperCase()) ?? -1;
  if (byName >= 0) return byName + f.namesBase!;
  if (!/^\d+$/.test(raw)) throw bad(expr, `${f.name}: "${raw}" is not a number`);
  const n = Number(raw);
  if (n < f.min || n > f.max) throw bad(expr, `${f.name}: ${n} is outside ${f.min}-${f.max}`);
  return n;
}

function parseField(text: string, f: FieldSpec, expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw bad(expr, `${f.name}: "${part}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? '1')) throw bad(expr, `${f.name}: bad step "${stepText}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [f.min, f.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = parseValue(a ?? '', f, expr);
      hi = parseValue(b ?? '', f, expr);
      if (lo > hi) throw bad(expr, `${f.name}: range ${range} runs backwards`);
    } else {
      lo = parseValue(range, f, expr);
      // `5/15` means from 5 to the end in steps of 15.
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseSchedule(input: string): Schedule {
  const expr = input.trim();
  const every = /^@every\s+(\d+)\s*(ms|s|m|h|d)$/i.exec(expr);
  if (every) {
    const everyMs = Number(every[1]) * UNIT_MS[every[2]!.toLowerCase()]!;
    if (everyMs < 1) throw bad(expr, 'interval must be positive');
    return { kind: 'interval', expr, everyMs, next: (after) => after + everyMs };
  }
  const fields = (ALIASES[expr.toLowerCase()] ?? expr).split(/\s+/);
  if (fields.length !== 5) throw bad(expr, 'expected 5 fields (minute hour day-of-month month day-of-week) or @every <n><unit>');
  const [minute, hour, dom, month, dow] = fields.map((t, i) => parseField(t, FIELDS[i]!, expr)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (dow.delete(7)) dow.add(0);
  const domRestricted = !fields[2]!.startsWith('*');
  const dowRestricted = !fields[4]!.startsWith('*');
  const dayMatches = (d: Date): boolean => {
    const a = dom.has(d.getUTCDate());
    const b = dow.has(d.getUTCDay());
    if (domRestricted && dowRestricted) return a || b;
    return (!domRestricted || a) && (!dowRestricted || b);
  };
  const next = (after: number): number => {
    const d = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
    const limit = d.getUTCFullYear() + 8; // covers leap-day-only schedules; anything rarer never fires
    while (d.getUTCFullYear() <= limit) {
      if (!month.has(d.getUTCMonth() + 1)) d.setUTCMonth(d.getUTCMonth() + 1, 1), d.setUTCHours(0, 0, 0, 0);
      else if (!dayMatches(d)) d.setUTCDate(d.getUTCDate() + 1), d.setUTCHours(0, 0, 0, 0);
      else if (!hour.has(d.getUTCHours())) d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      else if (!minute.has(d.getUTCMinutes())) d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      else return d.getTime();
    }
    throw bad(expr, 'it never matches a real date');
  };
  next(Date.UTC(2024, 0, 1)); // fail at parse time, not at 02:00 some night
  return { kind: 'cron', expr, next };
}
