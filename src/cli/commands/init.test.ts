import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, REPO, TSX, userProject } from '../../../test/config/project.js';
import { INIT_TRY_MESSAGE } from './init.js';

/** The CLI from the sources in `cwd`, with `input` on stdin and LORE_LOG_LEVEL as given (unset: the CLI's own default). */
function cli(args: string[], cwd: string, o: { input?: string; logLevel?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.LORE_LOG_LEVEL;
  if (o.logLevel) env.LORE_LOG_LEVEL = o.logLevel;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(o.input ?? '');
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lore init, then what it suggests', () => {
  let dir: string;
  beforeAll(async () => {
    dir = userProject({});
    const r = await cli(['init'], dir);
    expect(r.code, r.stderr).toBe(0);
    // Single quotes: in double quotes a shell would expand "$1500" to "500".
    expect(r.stdout).toContain(`lore ask '${INIT_TRY_MESSAGE}'`);
    // The scaffold imports the package by name; this checkout's sources stand in for it.
    const src = pathToFileURL(join(REPO, 'src', 'index.ts')).href;
    for (const f of ['lore.config.ts', join('tools', 'refund.ts')]) {
      writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8').replaceAll("from 'lore-agents'", `from '${src}'`));
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the suggested message calls the sample tool and parks for approval, with no JSON log lines in between', { timeout: 120_000 }, async () => {
    const r = await cli(['ask', INIT_TRY_MESSAGE], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/needs a person's approval.*issue_refund/);
    expect(r.stderr).toMatch(/waiting for approval apr_\w+: issue_refund \{"order_id":"A-1001","amount":1500\}/);
    expect(r.stderr).not.toContain('"level"');
  });

  it('LORE_LOG_LEVEL still turns the logs back on', { timeout: 120_000 }, async () => {
    const r = await cli(['ask', INIT_TRY_MESSAGE, '--session', 'logs'], dir, { logLevel: 'warn' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('"event":"approval_requested"');
  });

  // Each case spawns the CLI through tsx (several seconds each on a loaded machine).
  it('lore chat --session uses the session it is given', { timeout: 120_000 }, async () => {
    const r = await cli(['chat', '--session', 'my-session'], dir, { input: 'hello\n/exit\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('session my-session.');
    // Without the flag, a fresh session each time.
    const fresh = await cli(['chat'], dir, { input: '' });
    expect(fresh.stdout).toMatch(/session sess_\w+\./);
  });
});
