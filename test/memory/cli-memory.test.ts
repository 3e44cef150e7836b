import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerMemory } from '../../src/cli/commands/memory.js';
import { closeAll, say, stack } from './support.js';

function program(): Command {
  const p = new Command('lore').option('--data-dir <dir>').option('--model <spec>').option('--tenant <id>').exitOverride();
  registerMemory(p);
  return p;
}

describe('lore memory list|forget', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await closeAll();
  });

  it("lists a user's facts and summaries, forgets one, then all", async () => {
    const s = stack({ 'memory.historyTurns': 2 });
    const r = await say(s, { sessionId: 'a', userId: 'ana', message: 'Please remember that I prefer email.' });
    await say(s, { sessionId: 'a', userId: 'ana', message: 'Please remember that my team is in Berlin.' });
    await say(s, { sessionId: 'a', userId: 'ana', message: 'The Lisbon office opens in May.' });
    await s.svc.close();
    s.close();
    const run = (...args: string[]) => program().parseAsync(['node', 'lore', '--data-dir', s.dataDir, '--model', 'offline', 'memory', ...args]);

    await run('list', '--user', 'ana');
    const listed = out.join('\n');
    expect(listed).toContain(`${r.learnings[0]!.memoryId}  fact     I prefer email.`);
    expect(listed).toContain('My team is in Berlin.');
    expect(listed).toMatch(/a {2}summary {2}\(\d+ turns\)/);
    await run('list', '--user', 'bob');
    expect(out.at(-1)).toBe('Nothing is remembered about user "bob".');

    await run('forget', r.learnings[0]!.memoryId!, '--user', 'ana');
    await expect(run('forget', r.learnings[0]!.memoryId!, '--user', 'ana')).rejects.toMatchObject({ message: expect.stringContaining('no memory item') });
    await expect(run('forget', '--user', 'ana')).rejects.toMatchObject({ message: expect.stringContaining('--all') });
    await run('forget', '--all', '--user', 'ana');
    expect(out.at(-1)).toBe('Forgot 1 fact(s) and 1 session summary(ies) of user "ana".');
  });
});
