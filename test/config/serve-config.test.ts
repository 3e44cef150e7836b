import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, MAIN, TSX, runCli, startServe, stop, userProject } from './project.js';

// The user's tool: a plain object (no import of Lore needed), whose effect is a line in a file,
// so the test can count how many times the refund really happened.
const REFUND_TOOL = `import { appendFileSync } from 'node:fs';
import { z } from 'zod';

export const issueRefund = {
  name: 'issue_refund',
  description: 'Issue a refund to a customer for an order. Amounts are in US dollars.',
  input: z.object({ order_id: z.string().min(1), amount: z.number().positive() }).strict(),
  mutating: true,
  handler: ({ order_id, amount }: { order_id: string; amount: number }) => {
    appendFileSync(new URL('../refunds.log', import.meta.url), \`\${order_id} \${amount}\\n\`);
    return { status: 'issued', order_id, amount };
  },
};
`;

const CONFIG = `import { issueRefund } from './tools/refund.js';

export default {
  systemPrompt: 'You are the refund desk of Acme.',
  tools: [issueRefund],
  // Above the default threshold on purpose: the rule below is what parks a large refund.
  approvals: { amountThreshold: 1000000, rules: [{ tool: 'issue_refund', field: 'amount', above: 1000 }] },
  schedules: [{ name: 'nightly-summary', cron: '0 3 * * *', message: 'What did you learn today?' }],
  evaluation: { enabled: false },
};
`;

describe('lore serve with a lore.config.ts', () => {
  let dir: string;
  let server: { url: string; child: ChildProcess };
  const refunds = () => (existsSync(join(dir, 'refunds.log')) ? readFileSync(join(dir, 'refunds.log'), 'utf8').trim().split('\n') : []);

  beforeAll(async () => {
    dir = userProject({ 'lore.config.ts': CONFIG, 'tools/refund.ts': REFUND_TOOL });
    server = await startServe(process.execPath, ['--import', TSX, MAIN, 'serve', '--port', '0'], dir, { LORE_DATA_DIR: join(dir, 'data') });
  }, 60_000);

  afterAll(async () => {
    if (server) await stop(server.child);
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  it('parks a refund above the config rule, runs it once when approved over HTTP, and runs a small one at once', async () => {
    const small = await http(`${server.url}/chat`, { method: 'POST', body: { session_id: 'cfg-small', message: 'Please issue a refund of $50 for order A-1001.' } });
    expect(small.status).toBe(200);
    expect(small.json.status).toBe('COMPLETED');
    expect(refunds()).toEqual(['A-1001 50']);

    const big = await http(`${server.url}/chat`, { method: 'POST', body: { session_id: 'cfg-big', message: 'Please issue a refund of $1500 for order A-1002.' } });
    expect(big.status).toBe(202);
    expect(big.json.status).toBe('AWAITING_APPROVAL');
    expect(refunds()).toEqual(['A-1001 50']);
    const pending = await http(`${server.url}/approvals?status=pending`);
    expect(pending.json.approvals).toHaveLength(1);
    const approval = pending.json.approvals[0];
    expect(approval.tool).toBe('issue_refund');
    expect(approval.reason).toBe('amount 1500 is above 1000 (approval rule for issue_refund in lore.config.ts)');

    const approved = await http(`${server.url}/approvals/${approval.approval_id}`, { method: 'POST', body: { decision: 'approve' } });
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('COMPLETED');
    expect(refunds()).toEqual(['A-1001 50', 'A-1002 1500']);

    // A second approval of the same call is refused, and the refund is not issued again.
    const again = await http(`${server.url}/approvals/${approval.approval_id}`, { method: 'POST', body: { decision: 'approve' } });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(refunds()).toEqual(['A-1001 50', 'A-1002 1500']);
    const run = await http(`${server.url}/runs/${big.json.run_id}`);
    expect(run.json.status).toBe('COMPLETED');
  }, 60_000);

  it("registers the config's schedules with the server's scheduler", async () => {
    const health = await http(`${server.url}/healthz`);
    const job = health.json.jobs.find((j: { name: string }) => j.name === 'agent:nightly-summary');
    expect(job).toBeDefined();
    expect(job.next_run_at).toMatch(/T03:00:00\.000Z$/);
  });
});

describe('config file errors', () => {
  it('name the file and the key path, and exit 2', async () => {
    const dir = userProject({ 'lore.config.ts': `export default { tools: [{ name: 'bad name', description: 'x', input: {}, handler: () => 1 }] };\n` });
    try {
      const r = await runCli(['ask', 'hello'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe('lore: invalid configuration: lore.config.ts: tools[0].name: expected a name matching ^[a-zA-Z][a-zA-Z0-9_-]{0,63}$');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('in a .json config: unknown keys, bad settings and tool module paths', async () => {
    const dir = userProject({
      'a.json': JSON.stringify({ memory: { topK: 0 } }),
      'b.json': JSON.stringify({ colour: 'blue' }),
      'c.json': JSON.stringify({ tools: ['./tools/refund.ts'], approvals: { rules: [{ tool: 'issue_refund' }] }, dataDir: 'data' }),
      'tools/refund.ts': REFUND_TOOL.replace('export const issueRefund =', 'export default'),
      'd.mjs': `import { z } from 'zod';\nexport default async () => ({ dataDir: 'data-d', tools: [{ name: 'echo_text', description: 'Repeat a text back.', input: z.object({ text: z.string() }), handler: ({ text }) => text }] });\n`,
    });
    try {
      const a = await runCli(['--config', 'a.json', 'tools'], dir);
      expect(a.stderr.trim()).toBe('lore: invalid configuration: a.json: memory.topK: expected at least 1, got 0');
      const b = await runCli(['--config', 'b.json', 'tools'], dir);
      expect(b.stderr).toMatch(/^lore: invalid configuration: b\.json: unknown key "colour"; settings keys are model, dataDir/);
      const missing = await runCli(['--config', 'nope.ts', 'tools'], dir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--config: file not found: .*nope\.ts/);
      // A .mjs config may export a (async) function returning the definition.
      const d = await runCli(['--config', 'd.mjs', 'tools'], dir);
      expect(d.code).toBe(0);
      expect(d.stdout).toMatch(/^echo_text\n  Repeat a text back\.$/m);
      const c = await runCli(['--config', 'c.json', 'ask', 'Please issue a refund of $20 for order B-7.'], dir);
      expect(c.stderr).toMatch(/waiting for approval apr_\w+: issue_refund .*issue_refund always requires approval \(approval rule in c\.json\)/);
      expect(existsSync(join(dir, 'refunds.log'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('lore init scaffolds a config and a tool, and refuses to overwrite them', async () => {
    const dir = userProject({});
    try {
      const first = await runCli(['init'], dir);
      expect(first.code).toBe(0);
      expect(readFileSync(join(dir, 'lore.config.ts'), 'utf8')).toContain("rules: [{ tool: 'issue_refund', field: 'amount', above: 1000 }]");
      expect(existsSync(join(dir, 'tools', 'refund.ts'))).toBe(true);
      const second = await runCli(['init'], dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/already exist; nothing was written/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
