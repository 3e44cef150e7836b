import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, TSX } from './config/project.js';

/** Each example is a program a user would run (`npx tsx examples/<name>.ts`): run it the same way. */
const run = async (name: string) =>
  (await promisify(execFile)(process.execPath, ['--import', TSX, `examples/${name}.ts`], { cwd: REPO, env: { ...process.env, LORE_LOG_LEVEL: 'silent' } })).stdout;

describe('examples/', () => {
  it('support-agent: a small refund runs, a large one waits for approval and then runs once', async () => {
    const out = await run('support-agent');
    expect(out).toContain('$50 refund: COMPLETED');
    expect(out).toContain('$1500 refund: AWAITING_APPROVAL — amount 1500 is above 1000 (approval rule for issue_refund in createAgent())');
    expect(out).toContain('refunds issued so far: 1');
    expect(out).toContain('after approval: COMPLETED');
    expect(out).toContain('refunds issued: A-1001 $50, A-1002 $1500\n');
  }, 30_000);

  it('knowledge-agent: answers from a document, learns a correction, streams the new answer in another session', async () => {
    const out = await run('knowledge-agent');
    expect(out).toMatch(/^before: The internal API has a rate limit of 100 req\/s/m);
    expect(out).toMatch(/^learned: UPDATE "The internal API has a rate limit of 500 req\/s per client\."/m);
    expect(out).toMatch(/^after \(streamed\): The internal API has a rate limit of 500 req\/s/m);
    expect(out).toContain('status: COMPLETED');
    expect(out).toMatch(/^learnings: The internal API has a rate limit of 500 req\/s per client\.$/m);
  }, 30_000);
});
