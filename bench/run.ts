/**
 * Runs the benchmarks one after another, each in its own process (so one's warm caches and heap
 * do not flatter the next), and exits non-zero if any fails.
 *
 *   npm run bench                    # learning, turns, http, crash (50 trials)
 *   npm run bench -- http --processes 2
 *   npm run bench -- locomo <path-to-locomo10.json>
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
const DEFAULT: Array<[string, string[]]> = [
  ['learning', []],
  ['turns', []],
  ['http', []],
  ['crash', ['--trials', '50']],
];

const [name, ...args] = process.argv.slice(2);
const plan: Array<[string, string[]]> = name ? [[name, args]] : DEFAULT;
let failed = 0;
for (const [bench, benchArgs] of plan) {
  if (!/^[a-z-]+$/.test(bench) || bench === 'run' || !existsSync(here(bench))) {
    console.error(`unknown benchmark "${bench}"; one of: ${DEFAULT.map(([n]) => n).join(', ')}, locomo`);
    process.exit(2);
  }
  console.log(`\n=== bench/${bench}.ts ${benchArgs.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', here(bench), ...benchArgs], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${bench}.ts exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
