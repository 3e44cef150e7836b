import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, defineTool } from '../index.js';
import { loadConfigFile } from './config-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lore-lib-life-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('an agent closing', () => {
  it('lets a turn asked for just before close() finish, and refuses turns after it', async () => {
    const agent = await createAgent({ dataDir: dir, logLevel: 'silent', evaluate: false });
    const pending = [agent.ask('What is 2+3?', { sessionId: 'a' }), agent.ask('What is 4+5?', { sessionId: 'b' })];
    await agent.close();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(results[0]!.answer).toContain('5');
    await expect(agent.ask('hello')).rejects.toMatchObject({ code: 'ABORTED', message: expect.stringMatching(/closed/) });
    await agent.close();
  });

  it('says a decision other than approve/reject is invalid, not that the approval is missing', async () => {
    const agent = await createAgent({ dataDir: dir, logLevel: 'silent', evaluate: false });
    try {
      await expect(agent.approvals.decide('apr_x', 'maybe' as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(agent.approvals.decide('apr_x', 'approve')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await agent.close();
    }
  });

  it('names a data dir that cannot be created, with a stable code', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(createAgent({ dataDir: join(file, 'sub'), logLevel: 'silent' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/cannot create the directory .*a-file.*part of the path is a file/),
    });
  });
});

describe('definitions', () => {
  it('a bad tool name is a validation error with a code', () => {
    expect(() => defineTool({ name: '1 bad name', description: 'x', input: z.object({}), handler: () => 'ok' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('a config module with only named exports says the default export is missing', async () => {
    const file = join(dir, 'lore.config.mjs');
    writeFileSync(file, 'export const systemPrompt = "hi";\n');
    await expect(loadConfigFile(file)).rejects.toThrow(/has no default export/);
    writeFileSync(join(dir, 'ok.config.mjs'), 'export default { systemPrompt: "hi" };\n');
    await expect(loadConfigFile(join(dir, 'ok.config.mjs'))).resolves.toMatchObject({ definition: { systemPrompt: 'hi' } });
  });
});
