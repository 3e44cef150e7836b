import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LoreError } from '../errors.js';
import { scenarioGroupSchema, scenarioSchema, type Scenario } from './scenario.js';

const EXT = new Set(['.yaml', '.yml', '.json']);

export function scenarioFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new LoreError('VALIDATION_FAILED', `no such file or directory: ${path}`);
  }
  if (!st.isDirectory()) return [path];
  // Sub-folders too (evals/governance/ …), files before folders, each sorted by name.
  const names = readdirSync(path).sort();
  const files = names.filter((f) => EXT.has(extname(f).toLowerCase())).map((f) => join(path, f));
  const dirs = names.map((f) => join(path, f)).filter((p) => statSync(p).isDirectory());
  return [...files, ...dirs.flatMap(scenarioFiles)];
}

/** Parse and validate a scenario file; errors name the file and the offending field. */
export function loadScenario(file: string): Scenario {
  const all = loadScenarios(file);
  if (all.length !== 1) throw new LoreError('VALIDATION_FAILED', `${file}: holds ${all.length} scenarios, expected one`);
  return all[0]!;
}

/** One scenario, or a group (`scenarios: [...]` with a shared class) — as a list either way. */
export function loadScenarios(file: string): Scenario[] {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new LoreError('VALIDATION_FAILED', `${file}: cannot parse (${(e as Error).message.split('\n')[0]})`);
  }
  const isGroup = !!data && typeof data === 'object' && 'scenarios' in data;
  const parsed = isGroup ? scenarioGroupSchema.safeParse(data) : scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new LoreError('VALIDATION_FAILED', `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  if (!('scenarios' in parsed.data)) return [parsed.data];
  const { class: cls, min_pass_rate: min, scenarios } = parsed.data;
  return scenarios.map((s) => ({ ...s, ...(cls && !s.class ? { class: cls } : {}), ...(min !== undefined && s.min_pass_rate === undefined ? { min_pass_rate: min } : {}) }));
}
