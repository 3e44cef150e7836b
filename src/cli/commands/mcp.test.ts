import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, TSX } from '../../../test/config/project.js';

/** `lore mcp` on stdio, fed `lines` and then end-of-input; resolves with the JSON-RPC messages it wrote. */
function mcpOnce(dataDir: string, lines: unknown[]): Promise<{ code: number | null; messages: Array<{ id?: number; result?: { structuredContent?: { answer?: string } }; error?: unknown }>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, '--data-dir', dataDir, 'mcp'], { env: { ...process.env, LORE_LOG_LEVEL: 'error' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    child.once('exit', (code) =>
      resolve({ code, stderr, messages: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id?: number }) }),
    );
  });
}

describe('lore mcp on stdio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-mcp-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the requests already sent when the client closes stdin (`… | lore mcp`), then exits 0', { timeout: 120_000 }, async () => {
    const r = await mcpOnce(dir, [
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      'not json at all',
      { jsonrpc: '2.0', id: 1, method: 'no/such/method' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'ask', arguments: { message: 'what is 17*23?' } } },
    ]);
    expect(r.code, r.stderr).toBe(0);
    const byId = new Map(r.messages.map((m) => [m.id, m]));
    expect(byId.get(1)?.error).toMatchObject({ code: -32601 });
    // Before: the process stopped at end-of-input while this turn ran, and its answer was lost.
    expect(byId.get(2)?.result?.structuredContent?.answer).toContain('391');
  });
});
