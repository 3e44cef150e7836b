/**
 * CLI start-up: how long `lore --version` and `lore --help` take, before and after the CLI ran
 * from compiled JS in one process.
 *
 *   npx tsx bench/startup.ts [--runs 15] [--before <git ref>]
 *
 * before: the CLI at <git ref> (default: the last commit before the change), extracted to a temp
 *         dir and started the way its bin/lore.js did: node → a second node process with tsx →
 *         src/cli/main.ts, every command's modules imported up front. (That CLI had no --version:
 *         it answers "unknown option" after loading the same modules, so the time is comparable.)
 * after:  bin/lore.js of this checkout → dist/cli/main.js in the same process, command modules
 *         imported only when their command runs. Built first if dist/ is missing.
 * Each figure is the median wall time of N runs (after one warm-up run), spawned from this process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BEFORE_REF = '4227ce8';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const runs = Number(arg('runs', '15'));
const ref = arg('before', BEFORE_REF);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function time(args: string[], cwd: string): { ms: number; out: string } {
  const samples: number[] = [];
  let out = '';
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    const ms = performance.now() - t0;
    out = `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
    if (i > 0) samples.push(ms); // the first run warms the file-system cache
  }
  return { ms: median(samples), out };
}

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
  console.log('dist/ is missing: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

const beforeDir = mkdtempSync(join(tmpdir(), 'lore-startup-before-'));
let before: { label: string; dir: string };
try {
  const tar = execFileSync('git', ['archive', ref, 'src', 'bin', 'package.json'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', beforeDir], { input: tar });
  symlinkSync(join(REPO, 'node_modules'), join(beforeDir, 'node_modules'), 'dir');
  before = { label: `${ref}, tsx in a 2nd process`, dir: beforeDir };
} catch (e) {
  console.log(`(git ref ${ref} unavailable: ${(e as Error).message.split('\n')[0]}; "before" runs this checkout's sources the old way)`);
  before = { label: "this checkout's sources, tsx in a 2nd process", dir: REPO };
}

const cpu = cpus();
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} ×${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, node ${process.version}`);
console.log(`median of ${runs} runs each\n`);

const baseline = time(['-e', '0'], REPO);
const rows: Array<[string, string, { ms: number; out: string }]> = [];
for (const cmd of ['--version', '--help']) {
  // The old bin/lore.js: resolve tsx, spawn node on src/cli/main.ts, wait for it.
  const oldBin = join(before.dir, 'bin', 'lore.js');
  rows.push([`before (${before.label})`, cmd, time([oldBin, cmd], before.dir)]);
  rows.push(['after  (bin/lore.js → dist, one process)', cmd, time([join(REPO, 'bin', 'lore.js'), cmd], REPO)]);
}
rmSync(beforeDir, { recursive: true, force: true });

console.log(`${'node -e 0 (floor)'.padEnd(58)} ${baseline.ms.toFixed(0).padStart(6)} ms`);
for (const [label, cmd, r] of rows) console.log(`${`${label} lore ${cmd}`.padEnd(58)} ${r.ms.toFixed(0).padStart(6)} ms   ${r.out.slice(0, 50)}`);
const v = rows.filter(([, c]) => c === '--version');
const ratio = v[0]![2].ms / v[1]![2].ms;
console.log(`\nlore --version: ${v[0]![2].ms.toFixed(0)} ms → ${v[1]![2].ms.toFixed(0)} ms (${ratio.toFixed(1)}× faster; target ≤ 150 ms: ${v[1]![2].ms <= 150 ? 'met' : 'NOT met'})`);
