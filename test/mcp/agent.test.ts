import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpToolSources, loadToolSources, type LoadedToolSources, type McpServerConfigInput } from '../../src/mcp/index.js';
import { makeHarness, tempDir, T, type Harness } from '../workflow/fixtures.js';
import { startHttpMcpServer, type HttpMcpServer } from '../servers/mcp-server.js';

/**
 * MCP tools inside durable agent turns (offline model, SQLite engine): the model sees the
 * namespaced tools, calls them, and the approval policies apply to them like to code tools.
 */
describe('MCP tools in an agent turn', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: HttpMcpServer;
  let loaded: LoadedToolSources | undefined;
  let h: Harness | undefined;

  const start = async (extra: Partial<McpServerConfigInput> = {}) => {
    loaded = await loadToolSources(createMcpToolSources({ shop: { transport: 'http', url: server.url, ...extra } as McpServerConfigInput }), { required: true });
    h = makeHarness({ dbPath: join(tmp.dir, 'lore.db'), tools: loaded.tools });
    return h;
  };

  beforeEach(async () => {
    tmp = tempDir('lore-mcp-');
    server = await startHttpMcpServer();
  });
  afterEach(async () => {
    await h?.close();
    await loaded?.close();
    await server.close();
    h = undefined;
    loaded = undefined;
    tmp.cleanup();
  });

  it('the model calls an MCP tool and answers from its result', async () => {
    const { engine } = await start();
    const r = await engine.start({ ...T, sessionId: 'a', message: 'Use the shop to lookup order A-1001, please.' });
    expect(r.status).toBe('COMPLETED');
    expect(r.toolCalls).toMatchObject([{ name: 'shop__lookup_order', status: 'success' }]);
    expect(r.answer).toMatch(/shipped on 2026-03-02/);
    expect(server.state.calls).toEqual([{ name: 'lookup_order', args: { order_id: 'A-1001' } }]);
  });

  it('requiresApproval from config parks the durable run; approval executes the MCP call exactly once', async () => {
    const { engine } = await start({ tools: { issue_refund: { requiresApproval: true } } });
    const paused = await engine.start({ ...T, sessionId: 'b', message: 'Please issue a shop refund of $50 for order A-1001' });
    expect(paused.status).toBe('AWAITING_APPROVAL');
    expect(paused.pendingApprovals).toMatchObject([{ tool: 'shop__issue_refund', input: { order_id: 'A-1001', amount: 50 }, reason: expect.stringMatching(/always requires approval/) }]);
    expect(server.state.refunds).toBe(0);

    const done = await engine.decideApproval({ tenantId: T.tenantId, approvalId: paused.pendingApprovals![0]!.approvalId, decision: 'approve', actor: 'bob' });
    expect(done.status).toBe('COMPLETED');
    expect(done.toolCalls).toMatchObject([{ name: 'shop__issue_refund', status: 'success' }]);
    expect(done.answer).toMatch(/rf_1/);
    expect(server.state.refunds).toBe(1);
    // Resuming the finished run again does not call the server again (the effect ledger replays).
    await engine.resume(paused.runId);
    expect(server.state.refunds).toBe(1);
  });

  it('a destructive MCP tool is mutating by its annotation, so the amount policy applies without config', async () => {
    const { engine } = await start();
    const small = await engine.start({ ...T, sessionId: 'c', message: 'Please issue a shop refund of $20 for order A-7' });
    expect(small.status).toBe('COMPLETED');
    expect(server.state.refunds).toBe(1);
    const big = await engine.start({ ...T, sessionId: 'd', message: 'Please issue a shop refund of $1500 for order A-8' });
    expect(big.status).toBe('AWAITING_APPROVAL');
    expect(big.pendingApprovals![0]!.reason).toMatch(/above the approval threshold/);
    expect(server.state.refunds).toBe(1);
  });

  it('a server error reaches the model as a structured tool error, and the turn still completes', async () => {
    const { engine } = await start();
    const r = await engine.start({ ...T, sessionId: 'e', message: 'Check the shop warehouse for sku X1' });
    expect(r.status).toBe('COMPLETED');
    expect(r.toolCalls).toMatchObject([{ name: 'shop__check_warehouse', status: 'error', errorCode: 'MCP_TOOL_ERROR' }]);
    expect(r.answer).toMatch(/warehouse API is down/);
  });
});

describe('mcpServers in an agent definition (config file or createAgent)', () => {
  it('lists the servers’ tools in the agent and answers through them; a bad entry names its key path', async () => {
    const { createAgent } = await import('../../src/index.js');
    const tmp = tempDir('lore-mcp-def-');
    const server = await startHttpMcpServer();
    try {
      const agent = await createAgent({ dataDir: tmp.dir, logLevel: 'silent', evaluate: false, mcpServers: { shop: { transport: 'http', url: server.url } } });
      try {
        expect(agent.runtime.tools.names()).toEqual(expect.arrayContaining(['shop__lookup_order', 'shop__issue_refund']));
        const r = await agent.ask('Use the shop to lookup order A-1001, please.', { sessionId: 's1' });
        expect(r.toolCalls).toMatchObject([{ name: 'shop__lookup_order', status: 'success' }]);
        expect(server.state.calls).toEqual([{ name: 'lookup_order', args: { order_id: 'A-1001' } }]);
      } finally {
        await agent.close();
      }
      // TypeScript rejects this entry; a JavaScript caller (or a .json config) gets the runtime check.
      await expect(createAgent({ dataDir: tmp.dir, logLevel: 'silent', mcpServers: { shop: { transport: 'carrier-pigeon' } as never } })).rejects.toThrow(/mcpServers\.shop\.transport/);
    } finally {
      await server.close();
      tmp.cleanup();
    }
  });
});
