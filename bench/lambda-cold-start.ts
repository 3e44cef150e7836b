/**
 * Each Lambda handler's bundle size and cold start on this machine (a benchmark, not a test):
 * synthesizes the CDK app with real esbuild bundling, then for every distinct bundle starts fresh
 * Node processes that time `import()` of the bundle (module evaluation = the Lambda INIT phase,
 * minus the runtime's own start) and, for the step handler, the first invocation, which builds
 * the runtime once per container (config, stores, model, tools).
 *
 *   npx tsx bench/lambda-cold-start.ts [--runs 5]
 *
 * Targets: bundle ≤ 5 MB per handler, import ≤ 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Template } from 'aws-cdk-lib/assertions';
import { createLoreApp } from '../infra/lib/app.js';
import { REPO_ROOT } from '../infra/lib/lambda.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 5) : 5;
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_IMPORT_MS = 300;

mkdirSync(join(REPO_ROOT, 'infra', 'cdk.out'), { recursive: true });
const outdir = mkdtempSync(join(REPO_ROOT, 'infra', 'cdk.out', 'bench-'));
const data = mkdtempSync(join(tmpdir(), 'lore-cold-'));
try {
  const t0 = performance.now();
  const { app, stack } = createLoreApp({ outdir });
  app.synth();
  console.log(`cdk synth with esbuild bundling: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // One row per distinct bundle (all step functions share one).
  const bundles = new Map<string, { names: string[]; handler: string; env: Record<string, string> }>();
  for (const [id, f] of Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
    const dir = join(outdir, `asset.${String(f.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    const key = `${dir}#${f.Properties.Handler}`;
    const row = bundles.get(key) ?? { names: [] as string[], handler: String(f.Properties.Handler).replace(/^index\./, ''), env: f.Properties.Environment?.Variables ?? {} };
    row.names.push(id.replace(/[0-9A-F]{8}$/, ''));
    bundles.set(key, row);
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows: string[][] = [];
  let ok = true;
  for (const [key, b] of bundles) {
    const dir = key.split('#')[0]!;
    // Lambda loads index.js as CommonJS (no package.json in /var/task); here the repo's
    // "type": "module" would make it ESM, so it is loaded under a .cjs name beside it.
    const file = join(dir, 'index.cjs');
    copyFileSync(join(dir, 'index.js'), file);
    const bytes = statSync(file).size;
    const gz = gzipSync(readFileSync(file)).length;
    const step = typeof b.env.LORE_STEP === 'string';
    const event = { input: { runId: 'run_cold', traceId: 'a'.repeat(32), tenantId: 'default', sessionId: 's', userId: 'u', message: 'What is 12*12?' } };
    const script = `
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const m = await import(${JSON.stringify(`file://${file}`)});
      const t1 = performance.now();
      const cpu = process.cpuUsage(c0);
      // streamHandler exists only under Lambda's runtime (awslambda.streamifyResponse); 'handler' everywhere.
      if (typeof m.handler !== 'function' && typeof m[${JSON.stringify(b.handler)}] !== 'function') throw new Error('no handler export');
      ${step ? `await m.handler(${JSON.stringify(event)});` : ''}
      const t2 = performance.now();
      process.stderr.write('\\nCOLD ' + JSON.stringify({ importMs: t1 - t0, importCpuMs: (cpu.user + cpu.system) / 1000, firstInvokeMs: t2 - t1 }) + '\\n');`;
    const imports: number[] = [];
    const cpuTimes: number[] = [];
    const invokes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = mkdtempSync(join(data, 'run-'));
      const env = { PATH: process.env.PATH ?? '', LORE_DATA_DIR: run, LORE_MODEL: 'offline', LORE_LOG_LEVEL: 'silent', LORE_TRACE_EXPORTER: 'none', AWS_REGION: 'us-east-1', ...(step ? { LORE_STEP: 'Dispatch' } : {}), LORE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Lore-turn' };
      // Timings on stderr: stdout carries the handler's EMF metric lines.
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${b.names[0]}: ${r.stderr}`);
      const m = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('COLD '))!.slice(5)) as { importMs: number; importCpuMs: number; firstInvokeMs: number };
      imports.push(m.importMs);
      cpuTimes.push(m.importCpuMs);
      invokes.push(m.firstInvokeMs);
    }
    const importMs = median(imports);
    const cpuMs = median(cpuTimes);
    const verdict = [bytes <= MAX_BYTES ? 'size ok' : 'size OVER', cpuMs <= MAX_IMPORT_MS ? 'cpu ok' : 'cpu OVER', importMs <= MAX_IMPORT_MS ? 'wall ok' : 'wall OVER'].join(', ');
    const pass = bytes <= MAX_BYTES && importMs <= MAX_IMPORT_MS;
    ok &&= pass;
    rows.push([b.names.length > 1 ? `step (${b.names.length} functions)` : b.names[0]!, b.handler, `${(bytes / 1024 / 1024).toFixed(2)} MB`, `${(gz / 1024 / 1024).toFixed(2)} MB`, `${importMs.toFixed(0)} ms`, `${cpuMs.toFixed(0)} ms`, step ? `${median(invokes).toFixed(0)} ms` : '-', verdict]);
  }
  const head = ['function', 'export', 'bundle', 'gzip', `import (median of ${RUNS})`, 'import CPU', 'first Dispatch', 'targets'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
  console.log(`\nLoad average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall time grows with it; CPU time much less).`);
  console.log(`Targets: bundle ≤ 5 MB, import ≤ ${MAX_IMPORT_MS} ms. ${ok ? 'All met.' : 'NOT all met.'}`);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}
