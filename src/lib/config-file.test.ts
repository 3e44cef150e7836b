import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { loadConfigFile, toolsExportedBy } from './config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'lore-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOOL = (name: string) => `{ name: '${name}', description: 'd', input: { parse: (x) => x }, handler: () => 'ok' }`;
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'p-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
const names = (tools: unknown) => (tools as Array<{ name: string }>).map((t) => t.name);

describe('tool modules named in a .json config', () => {
  it('takes a default export (a tool or an array) and, without one, the named exports that are tools', async () => {
    const root = project({
      'lore.config.json': JSON.stringify({ tools: ['./tools/one.mjs', './tools/many.mjs', './tools/named.ts', './tools/named.mjs'] }),
      'tools/one.mjs': `export default ${TOOL('one')};`,
      'tools/many.mjs': `export default [${TOOL('two')}, ${TOOL('three')}];`,
      // What `lore init` writes: a named export, through jiti (which gives such a module a synthetic default).
      'tools/named.ts': `export const issueRefund = ${TOOL('issue_refund')};\nexport const LIMIT = 5;`,
      'tools/named.mjs': `export const a = ${TOOL('four')};\nexport const b = ${TOOL('five')};\nexport const note = 'not a tool';`,
    });
    const loaded = await loadConfigFile(join(root, 'lore.config.json'));
    expect(names(loaded.definition.tools)).toEqual(['one', 'two', 'three', 'issue_refund', 'four', 'five']);
  });

  it('says what to export when a module offers no tool', async () => {
    const root = project({ 'lore.config.json': JSON.stringify({ tools: ['./tools/none.mjs'] }), 'tools/none.mjs': 'export const limit = 5;' });
    const err = await loadConfigFile(join(root, 'lore.config.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      'lore.config.json: tools[0]: "./tools/none.mjs" exports no tool (export default a tool or an array of tools, or export tools made with defineTool by name)',
    );
  });

  it('passes a malformed default tool on, so the schema check names its bad field', () => {
    const bad = { name: 'x', handler: 'not a function' };
    expect(toolsExportedBy({ default: bad })).toEqual([bad]);
    expect(toolsExportedBy(null)).toEqual([]);
  });
});

describe('stdio MCP servers of a config file', () => {
  it("start in the file's directory unless they name their own cwd", async () => {
    const root = project({
      'lore.config.json': JSON.stringify({
        mcpServers: {
          here: { transport: 'stdio', command: 'node', args: ['shop-mcp.js'] },
          there: { transport: 'stdio', command: 'node', args: ['x.js'], cwd: '/srv/x' },
          web: { transport: 'http', url: 'http://127.0.0.1:9/mcp' },
        },
      }),
    });
    const { definition } = await loadConfigFile(join(root, 'lore.config.json'));
    const servers = definition.mcpServers as Record<string, { cwd?: string }>;
    expect([servers.here!.cwd, servers.there!.cwd, servers.web!.cwd]).toEqual([root, '/srv/x', undefined]);
  });
});
