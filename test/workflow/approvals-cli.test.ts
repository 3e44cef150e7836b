import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerApprovals } from '../../src/cli/commands/approvals.js';
import { makeHarness, refundTool, tempDir, T } from './fixtures.js';

/** The same global flags as `lore`, so withService reads --data-dir like the real CLI. */
function program(): Command {
  const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
  registerApprovals(p);
  return p;
}

describe('lore approvals', () => {
  let tmp: ReturnType<typeof tempDir>;
  let out: string[];

  beforeEach(() => {
    tmp = tempDir();
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.cleanup();
  });

  const run = (...args: string[]) => program().parseAsync(['node', 'lore', '--data-dir', tmp.dir, '--model', 'offline', ...args]);

  it('lists a pending approval and rejects it; the agent answers that it did not act', async () => {
    const executions: never[] = [];
    const h = makeHarness({ dbPath: join(tmp.dir, 'lore.db'), tools: [refundTool(executions)] });
    const paused = await h.engine.start({ ...T, sessionId: 'cli', message: 'Please issue a refund of $4000 for order C-4000' });
    await h.close();
    const id = paused.pendingApprovals![0]!.approvalId;

    await run('approvals', 'list');
    expect(out.join('\n')).toContain(id);
    expect(out.join('\n')).toMatch(/pending\s+issue_refund \{"order_id":"C-4000","amount":4000\}\s+asked by alice/);

    out.length = 0;
    await run('approvals', 'reject', id, '--reason', 'not eligible', '--actor', 'ops');
    const text = out.join('\n');
    expect(text).toContain(`run ${paused.runId}: COMPLETED`);
    expect(text).toMatch(/did not carry out issue_refund.*rejected by ops: not eligible/);
    expect(executions).toHaveLength(0);

    out.length = 0;
    await run('approvals', 'list', '--status', 'rejected', '--json');
    expect(JSON.parse(out.join('\n'))).toMatchObject([{ approvalId: id, status: 'rejected', decidedBy: 'ops', decisionReason: 'not eligible' }]);
  });

  it('rejects malformed ids and unknown statuses as usage errors', async () => {
    await expect(run('approvals', 'approve', 'nope')).rejects.toThrow(/not an approval id/);
    await expect(run('approvals', 'list', '--status', 'maybe')).rejects.toThrow(/--status must be one of/);
    await expect(run('approvals', 'approve', 'apr_0123456789abcdef01234567')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
