import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, REPO, startServe, stop } from '../config/project.js';

/**
 * Lore as a user gets it: `npm pack` (which builds dist/ first), the tarball installed into a
 * project of its own outside the repo, imported by name, its bin run with plain node. The
 * tarball's dependencies are linked from this checkout's node_modules instead of downloaded (an
 * install would recompile better-sqlite3); tsx is deliberately not among them.
 */

const APP = `import { createAgent, defineTool, z, type RunResult } from 'lore-agents';

const lookups: string[] = [];
const orderStatus = defineTool({
  name: 'order_status',
  description: 'Look up the shipping status of an order by its id.',
  input: z.object({ order_id: z.string().min(1) }),
  handler: ({ order_id }) => {
    lookups.push(order_id);
    return { order_id, status: 'shipped' };
  },
});

const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false, tools: [orderStatus] });
const result: RunResult = await agent.ask('What is the status of order A-77?', { sessionId: 'pkg' });
await agent.close();
console.log(JSON.stringify({ status: result.status, tools: result.toolCalls.map((t) => t.name), lookups, answer: result.answer }));
`;

const TOOL = `import { defineTool, z } from 'lore-agents';

export const greet = defineTool({
  name: 'greet_customer',
  description: 'Write the greeting for a customer by name.',
  input: z.object({ name: z.string().min(1) }),
  handler: ({ name }) => \`Welcome aboard, \${name}!\`,
});
`;

const CONFIG = `import { defineConfig } from 'lore-agents';
import { greet } from './tools/greet.js';

export default defineConfig({
  systemPrompt: 'You greet the customers of Acme.',
  tools: [greet],
  evaluation: { enabled: false },
});
`;

describe('the packed package, installed in a project of its own', () => {
  let work: string;
  let project: string;
  let pkg: { dependencies: Record<string, string>; devDependencies?: Record<string, string>; bin: Record<string, string> };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lore-pack-'));
    // `npm pack` runs the prepare script: `npm run build` (src/ only → dist/).
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // The report is the JSON array at the end of stdout (lifecycle script output may come before it).
    const json = /\[\s*\{[\s\S]*\]\s*$/.exec(out)?.[0];
    if (!json) throw new Error(`npm pack printed no JSON report: ${out}`);
    const tarball = join(work, (JSON.parse(json) as Array<{ filename: string }>)[0]!.filename);

    project = join(work, 'app');
    const installed = join(project, 'node_modules', 'lore-agents');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as typeof pkg;
    for (const dep of Object.keys(pkg.dependencies)) {
      mkdirSync(dirname(join(project, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(REPO, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'acme-agent', private: true, type: 'module', dependencies: { 'lore-agents': `file:${tarball}` } }, null, 2));
    writeFileSync(join(project, 'app.ts'), APP);
    mkdirSync(join(project, 'tools'));
    writeFileSync(join(project, 'tools', 'greet.ts'), TOOL);
    writeFileSync(join(project, 'lore.config.ts'), CONFIG);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], outDir: 'out' }, files: ['app.ts'] }),
    );
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the built JS, types, bin and web page, and no tsx, sources or tests', () => {
    const root = join(project, 'node_modules', 'lore-agents');
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies?.tsx).toBeDefined();
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'bin/lore.js', 'web/index.html', 'README.md']) expect(existsSync(join(root, f)), f).toBe(true);
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(existsSync(join(root, 'dist', 'lib', 'agent.test.js'))).toBe(false);
    // Nothing in the installed project resolves tsx: the CLI cannot be using it.
    expect(() => createRequire(join(root, 'package.json')).resolve('tsx')).toThrow();
  });

  it('type-checks and runs a program that imports lore-agents, defines a tool and runs a turn', () => {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, stdio: 'pipe' });
    const out = execFileSync(process.execPath, [join(project, 'out', 'app.js')], { cwd: project, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { status: string; tools: string[]; lookups: string[]; answer: string };
    expect(r).toMatchObject({ status: 'COMPLETED', tools: ['order_status'], lookups: ['A-77'] });
    expect(r.answer).toContain('shipped');
  }, 60_000);

  // `npm init -y` makes a CommonJS project. The package is ESM; Node ≥ 20.19 require()s ESM, which
  // needs an exports condition that require matches ("default"): with "import" alone, require
  // failed with ERR_PACKAGE_PATH_NOT_EXPORTED while TypeScript's types said it was fine.
  it.runIf((process.features as { require_module?: boolean }).require_module)('a CommonJS project can require() it', () => {
    const out = execFileSync(process.execPath, ['--no-warnings', '-e', "const l = require('lore-agents'); console.log(typeof l.createAgent, typeof l.defineTool, typeof l.z.object)"], { cwd: project, encoding: 'utf8' });
    expect(out.trim()).toBe('function function function');
  });

  it('runs `lore --help` and `lore --version` with plain node', () => {
    const bin = join(project, 'node_modules', 'lore-agents', pkg.bin.lore!);
    expect(execFileSync(process.execPath, [bin, '--version'], { cwd: project, encoding: 'utf8' }).trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(execFileSync(process.execPath, [bin, '--help'], { cwd: project, encoding: 'utf8' })).toMatch(/Usage: lore/);
  });

  it('`lore init` scaffolds a config that type-checks against the package and parks a large refund', () => {
    const bin = join(project, 'node_modules', 'lore-agents', pkg.bin.lore!);
    const scaffold = join(project, 'scaffold');
    mkdirSync(scaffold);
    symlinkSync(join(project, 'node_modules'), join(scaffold, 'node_modules'), 'dir');
    execFileSync(process.execPath, [bin, 'init'], { cwd: scaffold, encoding: 'utf8' });
    writeFileSync(
      join(scaffold, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], noEmit: true }, files: ['lore.config.ts', 'tools/refund.ts'] }),
    );
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scaffold], { cwd: scaffold, stdio: 'pipe' });
    const r = spawnSync(process.execPath, [bin, 'ask', 'Please issue a refund of $1500 for order A-1001.'], { cwd: scaffold, encoding: 'utf8', env: { ...process.env, LORE_LOG_LEVEL: 'error' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/waiting for approval apr_\w+: issue_refund \{"order_id":"A-1001","amount":1500\} \(amount 1500 is above 1000 \(approval rule for issue_refund in lore\.config\.ts\)\)/);
  }, 60_000);

  it("`lore serve` in the project picks up its lore.config.ts and the agent uses the project's tool", async () => {
    const bin = join(project, 'node_modules', 'lore-agents', pkg.bin.lore!);
    const server = await startServe(process.execPath, [bin, 'serve', '--port', '0'], project, { LORE_DATA_DIR: join(project, '.lore') });
    try {
      expect(server.output()).toContain('agent from lore.config.ts');
      const r = await http(`${server.url}/chat`, { method: 'POST', body: { session_id: 'pkg', message: 'Please greet the customer named Ada Lovelace.' } });
      expect(r.status).toBe(200);
      expect(r.json.tool_calls.map((t: { name: string }) => t.name)).toEqual(['greet_customer']);
      expect(r.json.answer).toContain('Welcome aboard');
    } finally {
      await stop(server.child);
    }
  }, 60_000);
});
