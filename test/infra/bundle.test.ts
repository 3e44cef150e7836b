import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoreApp } from '../../infra/lib/app.js';
import { REPO_ROOT } from '../../infra/lib/lambda.js';

/**
 * `cdk synth` with real esbuild bundling (the locally installed esbuild, no Docker), once for the
 * file. Each handler's bundle is inspected through its source map (which files went in) and the
 * step handler's bundle is invoked in a child process on a real run.
 */
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

describe('Lambda bundles (npx cdk synth with esbuild)', () => {
  let outdir: string;
  let assets: Map<string, { handler: string; dir: string; env: Record<string, unknown> }>;

  beforeAll(() => {
    // Inside the repo: a bundle resolves its externals (better-sqlite3 while the SQLite store is
    // the runtime's) from the repo's node_modules, as a Lambda would from the runtime or a layer.
    mkdirSync(join(REPO_ROOT, 'infra', 'cdk.out'), { recursive: true });
    outdir = mkdtempSync(join(REPO_ROOT, 'infra', 'cdk.out', 'test-'));
    const { app, stack } = createLoreApp({ outdir });
    app.synth();
    const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    assets = new Map();
    for (const [id, f] of Object.entries(fns)) {
      // The code's S3 key is the asset hash; the staged asset sits in asset.<hash>.
      const hash = String(f.Properties.Code.S3Key).replace(/\.zip$/, '');
      assets.set(id, { handler: f.Properties.Handler, dir: join(outdir, `asset.${hash}`), env: f.Properties.Environment?.Variables ?? {} });
    }
  }, 300_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('bundles every function from src/aws/handlers, each ≤ 5 MB, without the AWS SDK or better-sqlite3', () => {
    expect(assets.size).toBe(14);
    for (const [id, a] of assets) {
      const bundle = join(a.dir, 'index.js');
      expect({ id, small: statSync(bundle).size <= MAX_BUNDLE_BYTES }).toEqual({ id, small: true });
      const sources = (JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] }).sources;
      expect(sources.some((s) => s.includes('src/aws/handlers/'))).toBe(true);
      expect(sources.filter((s) => /node_modules\/(@aws-sdk\/|better-sqlite3\/|sqlite-vec)/.test(s))).toEqual([]);
      if (sources.some((s) => s.endsWith('src/aws/handlers/kb-sync.ts'))) {
        // The ingestion sync needs the ledger and the KB client only: no runtime, no SQLite backend.
        expect(sources.some((s) => s.endsWith('src/stores/bedrock-kb/sync.ts'))).toBe(true);
        expect(sources.filter((s) => /src\/(runtime|agent\/|stores\/sqlite\/)/.test(s))).toEqual([]);
        continue;
      }
      // The DynamoDB backend the stack selects (LORE_STORE=dynamodb) is inside the bundle.
      expect(sources.some((s) => s.endsWith('src/stores/dynamodb/backend.ts'))).toBe(true);
    }
  });

  it('the bundled step handler runs a real Dispatch step in a fresh Node process', () => {
    const [, step] = [...assets].find(([, a]) => a.env.LORE_STEP === 'Dispatch')!;
    const data = mkdtempSync(join(tmpdir(), 'lore-bundle-'));
    try {
      const event = { input: { runId: 'run_bundle_1', traceId: 'a'.repeat(32), tenantId: 'default', sessionId: 's1', userId: 'u1', message: 'What is 12*12?' } };
      // Lambda loads index.js as CommonJS (no package.json in /var/task); inside this repo
      // ("type": "module") it needs the .cjs name to be read the same way.
      copyFileSync(join(step.dir, 'index.js'), join(step.dir, 'index.cjs'));
      const script = `const m = await import(${JSON.stringify(`file://${join(step.dir, 'index.cjs')}`)}); process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(event)})));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: step.dir,
        env: { PATH: process.env.PATH, LORE_STEP: 'Dispatch', LORE_DATA_DIR: data, LORE_MODEL: 'offline', LORE_LOG_LEVEL: 'silent', LORE_TRACE_EXPORTER: 'none', AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      // The last line is the step output (EMF metric lines come before it on stdout).
      const lines = out.trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ intent: 'question', blocked: false });
      expect(lines.some((l) => l.includes('"CloudWatchMetrics"') && l.includes('StepDuration'))).toBe(true);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
