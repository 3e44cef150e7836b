import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMcpToolSources, loadToolSources, type McpServerConfigInput, type McpToolSource } from '../../src/mcp/index.js';
import { executeToolCall, type ToolOutcome } from '../../src/tools/execute.js';
import { ToolRegistry } from '../../src/tools/registry.js';
import type { AnyTool } from '../../src/tools/tool.js';
import { startHttpMcpServer, TOOLS, type HttpMcpServer } from '../servers/mcp-server.js';

const SERVER_FILE = fileURLToPath(new URL('../servers/mcp-server.ts', import.meta.url));
const stdio = (extra: Partial<McpServerConfigInput> = {}): McpServerConfigInput =>
  ({ transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', SERVER_FILE, 'stdio'], ...extra }) as McpServerConfigInput;
const http = (url: string, extra: Partial<McpServerConfigInput> = {}): McpServerConfigInput => ({ transport: 'http', url, ...extra }) as McpServerConfigInput;

const ctx = { sessionId: 's', userId: 'u', tenantId: 't', traceId: 'tr' };
let seq = 0;
const call = (reg: ToolRegistry, name: string, input: unknown): Promise<ToolOutcome> =>
  executeToolCall(reg, { toolUseId: `tu${++seq}`, name, input }, ctx, 10_000);
const errorOf = (o: ToolOutcome) => (o.output as { error: { code: string; message: string; expectedSchema?: unknown; issues?: Array<{ path: string; message: string }> } }).error;

/** The same suite over both transports: a child process on stdio, an in-process HTTP server. */
describe.each(['stdio', 'http'] as const)('MCP client over %s', (transport) => {
  let httpServer: HttpMcpServer | undefined;
  let source: McpToolSource;
  let tools: AnyTool[];
  let reg: ToolRegistry;
  const config = (extra: Partial<McpServerConfigInput> = {}) => (transport === 'stdio' ? stdio(extra) : http(httpServer!.url, extra));
  /** What the server received; over stdio the child's state is read through its own whoami tool. */
  const serverCalls = async (name: string): Promise<number> => {
    if (httpServer) return httpServer.state.calls.filter((c) => c.name === name).length;
    const o = await call(reg, 'shop__whoami', {});
    return (o.output as { calls: number }).calls;
  };

  beforeAll(async () => {
    if (transport === 'http') httpServer = await startHttpMcpServer();
    source = createMcpToolSources({ shop: config({ timeoutMs: 5000, tools: { slow_task: { timeoutMs: 300 } } }) }, { backoffMs: () => 20 })[0]!;
    tools = await source.load();
    reg = new ToolRegistry(tools);
  });
  afterAll(async () => {
    await source.close();
    await httpServer?.close();
  });

  it('lists every page of tools, namespaced, with their JSON Schemas, descriptions and annotation flags', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'shop__lookup_order',
      'shop__add_numbers',
      'shop__issue_refund',
      'shop__check_warehouse',
      'shop__slow_task',
      'shop__whoami',
      expect.stringMatching(/^shop__get_weather_report_[0-9a-f]{6}$/),
      'shop__strict_params',
    ]);
    for (const t of tools) expect(t.name).toMatch(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/);
    const specs = reg.specs();
    const lookup = specs.find((s) => s.name === 'shop__lookup_order')!;
    expect(lookup.description).toBe(TOOLS[0]!.description);
    // The server's schema as sent (minus $schema, which Converse does not accept).
    const { $schema: _, ...schema } = TOOLS[0]!.inputSchema as Record<string, unknown>;
    expect(lookup.inputSchema.json).toEqual(schema);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('shop__lookup_order')).toMatchObject({ mutating: false, idempotent: true, timeoutMs: 5000 });
    expect(byName.get('shop__issue_refund')).toMatchObject({ mutating: true, idempotent: false });
    expect(byName.get('shop__issue_refund')!.requiresApproval).toBeUndefined();
    expect(byName.get('shop__slow_task')!.timeoutMs).toBe(300);
  });

  it('calls tools: text content as text, structured content as JSON', async () => {
    const o = await call(reg, 'shop__lookup_order', { order_id: 'A-1001' });
    expect(o).toMatchObject({ status: 'success', output: 'Order A-1001: shipped on 2026-03-02 via parcel, 2 items.' });
    expect(await call(reg, 'shop__add_numbers', { a: 2, b: 40 })).toMatchObject({ status: 'success', output: { sum: 42 } });
    const weather = tools.find((t) => t.name.startsWith('shop__get_weather'))!;
    expect((await call(reg, weather.name, { city: 'Oslo' })).output).toBe('sunny in Oslo');
  });

  it('rejects input that breaks the JSON Schema before it reaches the server (TOOL_INPUT_INVALID + expected schema)', async () => {
    const before = await serverCalls('lookup_order');
    const bad = await call(reg, 'shop__lookup_order', { order_id: 'nope', extra: 1 });
    expect(bad).toMatchObject({ status: 'error', errorCode: 'TOOL_INPUT_INVALID' });
    const e = errorOf(bad);
    expect(e.expectedSchema).toMatchObject({ required: ['order_id'], additionalProperties: false });
    expect(e.issues).toEqual(expect.arrayContaining([{ path: 'order_id', message: expect.stringMatching(/pattern/) }, { path: 'extra', message: 'unknown property' }]));
    const missing = errorOf(await call(reg, 'shop__add_numbers', { a: 1 }));
    expect(missing.issues).toEqual([{ path: 'b', message: expect.stringMatching(/required property/) }]);
    expect(errorOf(await call(reg, 'shop__add_numbers', 'not an object')).code).toBe('TOOL_INPUT_INVALID');
    if (httpServer) expect(await serverCalls('lookup_order')).toBe(before);
  });

  it('turns isError results and JSON-RPC errors into structured MCP_TOOL_ERROR results', async () => {
    const down = await call(reg, 'shop__check_warehouse', { sku: 'X1' });
    expect(down).toMatchObject({ status: 'error', errorCode: 'MCP_TOOL_ERROR' });
    expect(errorOf(down).message).toMatch(/warehouse API is down/);
    const rpc = await call(reg, 'shop__strict_params', {});
    expect(rpc).toMatchObject({ status: 'error', errorCode: 'MCP_TOOL_ERROR' });
    expect(errorOf(rpc).message).toMatch(/refuses these parameters/);
    // The connection is still fine afterwards.
    expect((await call(reg, 'shop__add_numbers', { a: 1, b: 1 })).output).toEqual({ sum: 2 });
    expect(source.connection.connects).toBe(1);
  });

  it('times a slow call out (TOOL_TIMEOUT) and keeps serving', async () => {
    const slow = await call(reg, 'shop__slow_task', { ms: 5000 });
    expect(slow).toMatchObject({ status: 'error', errorCode: 'TOOL_TIMEOUT' });
    expect(await call(reg, 'shop__slow_task', { ms: 1 })).toMatchObject({ status: 'success', output: 'done' });
  });

  it('reconnects on the next call after the server went away', async () => {
    const before = source.connection.connects;
    if (transport === 'stdio') {
      const pid = source.connection.pid!;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      // Wait until the transport noticed the exit (the next call must not race the old pipe).
      for (let i = 0; i < 200 && source.connection.pid === pid; i++) await new Promise((r) => setTimeout(r, 10));
      const o = await call(reg, 'shop__whoami', {});
      expect(o.status).toBe('success');
      expect((o.output as { pid: number }).pid).not.toBe(pid);
    } else {
      // A restart on the same port: the old session id is unknown (404), so the client re-initialises.
      const port = httpServer!.port;
      await httpServer!.close();
      httpServer = await startHttpMcpServer({ port });
      expect(await call(reg, 'shop__lookup_order', { order_id: 'B-2' })).toMatchObject({ status: 'success', output: expect.stringMatching(/Order B-2/) });
      expect(httpServer.state.calls).toEqual([{ name: 'lookup_order', args: { order_id: 'B-2' } }]);
    }
    expect(source.connection.connects).toBe(before + 1);
  });
});

describe('MCP client failure modes', () => {
  let sources: McpToolSource[] = [];
  afterEach(async () => {
    await Promise.all(sources.map((s) => s.close()));
    sources = [];
  });

  it('a server that cannot be reached gives MCP_UNAVAILABLE after bounded attempts; loadToolSources skips it', async () => {
    const server = await startHttpMcpServer();
    const url = server.url;
    sources = createMcpToolSources({ gone: { transport: 'http', url, reconnectAttempts: 2 }, bad: stdio({ args: ['-e', 'process.exit(3)'] }) }, { backoffMs: () => 5 });
    const loaded = await loadToolSources([sources[0]!]);
    const reg = new ToolRegistry(loaded.tools);
    await server.close();
    const o = await call(reg, 'gone__lookup_order', { order_id: 'A-1' });
    expect(o).toMatchObject({ status: 'error', errorCode: 'MCP_UNAVAILABLE' });
    expect(errorOf(o).message).toMatch(/"gone" is unavailable/);

    const both = await loadToolSources(sources);
    expect(both.tools).toEqual([]);
    expect(both.failed.map((f) => f.source).sort()).toEqual(['bad', 'gone']);
    await expect(loadToolSources(sources, { required: true })).rejects.toMatchObject({ code: 'TOOL_FAILED' });
  });

  it('a mutating call whose connection drops mid-flight is not sent twice', async () => {
    sources = createMcpToolSources({ shop: stdio({ tools: { slow_task: { mutating: true, idempotent: false } } }) }, { backoffMs: () => 5 });
    const reg = new ToolRegistry(await sources[0]!.load());
    const source = sources[0]!;
    const pending = call(reg, 'shop__slow_task', { ms: 3000 });
    for (let i = 0; i < 200 && !source.connection.pid; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    process.kill(source.connection.pid!, 'SIGKILL');
    const o = await pending;
    expect(o).toMatchObject({ status: 'error', errorCode: 'MCP_UNAVAILABLE' });
    expect(errorOf(o).message).toMatch(/may or may not have run/);
    expect(source.connection.connects).toBe(1);
  });

  it('a read-only call whose connection drops mid-flight is sent again on a new connection', async () => {
    sources = createMcpToolSources({ shop: stdio() }, { backoffMs: () => 5 });
    const source = sources[0]!;
    const reg = new ToolRegistry(await source.load());
    const first = source.connection.pid!;
    const pending = call(reg, 'shop__slow_task', { ms: 300 });
    await new Promise((r) => setTimeout(r, 100));
    process.kill(first, 'SIGKILL');
    expect(await pending).toMatchObject({ status: 'success', output: 'done' });
    expect(source.connection.connects).toBe(2);
    expect(source.connection.pid).not.toBe(first);
  });

  it('closing an HTTP source ends its session on the server (DELETE)', async () => {
    const server = await startHttpMcpServer();
    try {
      sources = createMcpToolSources({ shop: http(server.url) });
      await sources[0]!.load();
      expect(server.openSessions()).toBe(1);
      await sources[0]!.close();
      expect(server.openSessions()).toBe(0);
      await sources[0]!.close(); // twice is fine
    } finally {
      await server.close();
    }
  });

  it('include/exclude and config flags (incl. "*") override annotations', async () => {
    sources = createMcpToolSources({
      s: stdio({ include: ['lookup_order', 'issue_refund', 'add_numbers'], exclude: ['add_numbers'], tools: { '*': { requiresApproval: true }, lookup_order: { requiresApproval: false, mutating: true }, issue_refund: { idempotent: true } } }),
    });
    const tools = await sources[0]!.load();
    expect(tools.map((t) => [t.name, t.mutating, t.requiresApproval, t.idempotent])).toEqual([
      ['s__lookup_order', true, false, true],
      ['s__issue_refund', true, true, true],
    ]);
  });

  it('rejects invalid server config with the field that is wrong', () => {
    expect(() => createMcpToolSources({ x: { transport: 'http', url: 'ftp://example.test' } as McpServerConfigInput })).toThrow(/url/);
    expect(() => createMcpToolSources({ '1bad': stdio() })).toThrow(/server name/);
    expect(() => createMcpToolSources({ x: stdio({ tools: { t: { mutating: 'yes' } } } as never) })).toThrow(/mutating/);
  });
});

describe('an MCP stdio server that dies at start-up', () => {
  it('is reported with the line of its stderr that says why, not its stack', async () => {
    const missing = join(tmpdir(), 'lore-no-such-dir', 'shop-mcp.js');
    const [source] = createMcpToolSources({ shop: { transport: 'stdio', command: process.execPath, args: [missing], reconnectAttempts: 2 } }, { backoffMs: () => 50 });
    try {
      const err = await source!.load().then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code).toBe('MCP_UNAVAILABLE');
      expect(err?.message).toContain(`; its stderr: Error: Cannot find module '${missing}'`);
      expect(err?.message).not.toMatch(/Node\.js v|\bat Module\./);
    } finally {
      await source!.close();
    }
  });
});
