import { describe, expect, it } from 'vitest';
import { createAgent } from '../lib/agent.js';
import { mcpServersSchema } from './config.js';

describe('mcpServers config errors', () => {
  it('a bad server name says what a name may be (zod alone said "Invalid key in record")', async () => {
    const r = mcpServersSchema.safeParse({ 'bad name!': { transport: 'stdio', command: 'node' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['bad name!'], message: expect.stringContaining('a server name is a letter then letters, digits, _ or -') });
    await expect(createAgent({ dbPath: ':memory:', logLevel: 'silent', mcpServers: { 'bad name!': { transport: 'stdio', command: 'node' } } })).rejects.toThrow(
      /createAgent\(\): mcpServers\.bad name!: "bad name!" is not a valid server name: a server name is a letter/,
    );
  });

  it('good names pass with their defaults filled in', () => {
    const r = mcpServersSchema.parse({ shop: { transport: 'http', url: 'http://127.0.0.1:9/mcp' } });
    expect(r.shop).toMatchObject({ transport: 'http', timeoutMs: 30_000, reconnectAttempts: 3 });
  });
});
