import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/**
 * The layer rules of src/ (docs/decisions.md "Ports and backends"), checked over every import —
 * static, `export … from`, and dynamic `import('…')`, type-only ones included. Test files
 * (*.test.ts, *.contract.ts) may import anything.
 */
export interface Rule {
  name: string;
  /** Does this rule apply to an import of `target` (a src-relative path, or a package name) from `from`? */
  forbids(from: string, target: string): boolean;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
const isPackage = (t: string, name: string) => t === name || t.startsWith(`${name}/`);

export const RULES: Rule[] = [
  {
    name: 'stores/* is imported only by src/server.ts, src/cli/, the backend registry, the Lambda composition roots (aws/container.ts, aws/kb-sync.ts) and other stores',
    forbids: (from, target) =>
      under(target, 'stores') && !under(from, 'stores') && !under(from, 'cli') && !['server.ts', 'backend-registry.ts', 'aws/container.ts', 'aws/kb-sync.ts'].includes(from),
  },
  {
    name: 'memory/ imports nothing from agent/, workflow/, ingress/, http/ or jobs/',
    forbids: (from, target) => under(from, 'memory') && ['agent', 'workflow', 'ingress', 'http', 'jobs'].some((d) => under(target, d)),
  },
  {
    name: '@aws-sdk/* only under stores/, models/, aws/ and infra/',
    forbids: (from, target) => isPackage(target, '@aws-sdk') && !['stores', 'models', 'aws', 'infra'].some((d) => under(from, d)),
  },
  {
    name: 'better-sqlite3 only under stores/sqlite/',
    forbids: (from, target) => isPackage(target, 'better-sqlite3') && !under(from, 'stores/sqlite'),
  },
];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Imports of one file's source: relative ones resolved to src-relative paths (".js" → ".ts"), packages as named. */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  // Comments mention paths too ("see stores/sqlite/gdpr.ts"): drop them before matching.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) out.push(posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
    else if (!spec.startsWith('node:')) out.push(spec);
  }
  return out;
}

export interface Violation {
  rule: string;
  from: string;
  target: string;
}

/** Every rule broken by a set of files ({ src-relative path: source }). */
export function violations(files: Record<string, string>, rules: Rule[] = RULES): Violation[] {
  const found: Violation[] = [];
  for (const [from, source] of Object.entries(files)) {
    if (/\.(test|contract)\.ts$/.test(from)) continue;
    for (const target of importsOf(from, source)) {
      for (const r of rules) if (r.forbids(from, target)) found.push({ rule: r.name, from, target });
    }
  }
  return found;
}

/** The .ts files under a directory, keyed by their path relative to it (with "/" separators). */
export function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) files[relative(root, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return files;
}
