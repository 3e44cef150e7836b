import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAuthenticator } from '../../src/ingress/auth.js';
import { createRateLimiter } from '../../src/ingress/rate-limit.js';
import { startMcpHttpServer, type McpHttpServer } from '../../src/mcp/http.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAgentService, type AgentService } from '../../src/service.js';
import { DOC, hs256Auth, QUESTION, startStack, token, UPDATE } from '../http/support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOOL_NAMES = ['ask', 'search_knowledge', 'list_learnings', 'show_learning', 'learning_history'];

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const c = new Client({ name: 'lore-test', version: '1.0.0' });
  await c.connect(transport);
  return c;
}

type Result = CallToolResult & { structuredContent?: any };
const callTool = async (c: Client, name: string, args: Record<string, unknown>) => (await c.callTool({ name, arguments: args })) as Result;

/** The checks both transports must pass, against one client. */
async function exerciseTools(c: Client) {
  expect((await c.listTools()).tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());

  const search = await callTool(c, 'search_knowledge', { query: 'internal API rate limit' });
  expect(search.isError).toBeFalsy();
  expect(search.structuredContent.results[0]).toMatchObject({ source: 'docs/internal-api.md', text: DOC, kind: 'document' });
  expect(search.structuredContent.results[0].score).toBeGreaterThan(0);

  const first = await callTool(c, 'ask', { message: QUESTION });
  expect(first.isError).toBeFalsy();
  expect(first.structuredContent).toMatchObject({ status: 'COMPLETED', run_id: expect.any(String), session_id: expect.stringMatching(/^mcp-/) });
  expect((first.content[0] as { text: string }).text).toMatch(/100/);

  const update = await callTool(c, 'ask', { message: UPDATE, session_id: first.structuredContent.session_id });
  expect(update.structuredContent.session_id).toBe(first.structuredContent.session_id);
  const learned = update.structuredContent.learnings.find((l: { learning_id?: string }) => l.learning_id);
  expect(learned).toMatchObject({ event: expect.stringMatching(/ADD|UPDATE/), fact: expect.stringMatching(/500/) });

  const list = await callTool(c, 'list_learnings', { text: '500' });
  // Shared at once for the local curator; with auth on, personal and pending review (the trust model).
  expect(list.structuredContent.learnings).toMatchObject([{ id: learned.learning_id, status: expect.stringMatching(/^(active|pending)$/) }]);
  const show = await callTool(c, 'show_learning', { id: learned.learning_id });
  expect(show.structuredContent).toMatchObject({ id: learned.learning_id, text: expect.stringMatching(/500/) });
  const history = await callTool(c, 'learning_history', { id: learned.learning_id });
  expect(history.structuredContent.history[0]).toMatchObject({ action: 'created', actor: expect.any(String) });

  const missing = await callTool(c, 'show_learning', { id: 'no-such-learning' });
  expect(missing.isError).toBe(true);
  expect(missing.structuredContent).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/not found/) } });
  // The active learnings are resources too, scoped like the tools.
  const resources = (await c.listResources()).resources;
  expect(resources.map((r) => r.uri)).toContain(`lore://learnings/${learned.learning_id}`);
  const read = await c.readResource({ uri: `lore://learnings/${learned.learning_id}` });
  expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ id: learned.learning_id, history: expect.arrayContaining([expect.objectContaining({ action: 'created' })]) });
  await expect(c.readResource({ uri: 'lore://learnings/nope' })).rejects.toMatchObject({ code: -32002 });
  // Input validation is the SDK's: a bad argument is an error result, not a crash.
  const bad = await callTool(c, 'search_knowledge', { query: '' });
  expect(bad.isError).toBe(true);
  return { learningId: learned.learning_id as string, runId: first.structuredContent.run_id as string };
}

describe('lore mcp over stdio (a spawned `lore mcp`)', () => {
  let dataDir: string;
  let client: Client;
  let transport: StdioClientTransport;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lore-mcp-stdio-'));
    const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent' }));
    await rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
    rt.close();
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--data-dir', dataDir, 'mcp'],
      cwd: ROOT,
      env: { LORE_LOG_LEVEL: 'info' },
      stderr: 'pipe',
    });
    client = await connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the tools to an SDK client, as the local user of the configured tenant; logs stay off stdout', async () => {
    const { runId } = await exerciseTools(client);
    // The run is durable and recorded for the local user.
    await client.close();
    const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent' }));
    try {
      const svc = createAgentService(rt, { evaluate: false });
      expect(await svc.getRun({ tenantId: 'default', runId })).toMatchObject({ status: 'COMPLETED', userId: 'local' });
      await svc.close();
    } finally {
      rt.close();
    }
  });
});

describe('lore mcp over Streamable HTTP with JWT auth', () => {
  let dataDir: string;
  let rt: Runtime;
  let svc: AgentService;
  let http: McpHttpServer;

  const clientFor = async (bearer?: string) =>
    connect(new StreamableHTTPClientTransport(new URL(http.url), bearer ? { requestInit: { headers: { authorization: `Bearer ${bearer}` } } } : {}));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lore-mcp-http-'));
    const config = loadConfig({}, { dataDir, logLevel: 'silent', 'evaluation.enabled': false, ...hs256Auth });
    rt = createRuntime(config);
    svc = createAgentService(rt, { evaluate: false });
    await rt.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
    http = await startMcpHttpServer({ runner: svc, knowledge: rt.knowledge, topK: 5 }, { auth: createAuthenticator(config), host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http.close();
    await svc.close();
    rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a request without a valid token (401, the HTTP API error shape)', async () => {
    await expect(clientFor()).rejects.toMatchObject({ code: 401 });
    await expect(clientFor(await token('alice', { tenant: 'acme', secret: 'another-secret-that-is-also-32-chars-long!!' }))).rejects.toMatchObject({ code: 401 });
    const raw = await fetch(http.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Bearer');
    expect(await raw.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await fetch(http.url)).status).toBe(405);
  });

  it('serves the tools to the token holder, scoped to its tenant and user', async () => {
    const alice = await clientFor(await token('alice', { tenant: 'acme' }));
    const { runId, learningId } = await exerciseTools(alice);
    await alice.close();
    expect(await svc.getRun({ tenantId: 'acme', runId })).toMatchObject({ userId: 'alice' });

    // Tenant B sees none of tenant A's knowledge, learnings or their history.
    const bob = await clientFor(await token('bob', { tenant: 'globex' }));
    const search = await callTool(bob, 'search_knowledge', { query: 'internal API rate limit' });
    expect(search.structuredContent.results).toEqual([]);
    expect((await callTool(bob, 'list_learnings', {})).structuredContent.learnings).toEqual([]);
    expect((await callTool(bob, 'show_learning', { id: learningId })).structuredContent.error.code).toBe('NOT_FOUND');
    expect((await callTool(bob, 'learning_history', { id: learningId })).structuredContent.error.code).toBe('NOT_FOUND');
    expect((await bob.listResources()).resources).toEqual([]);
    await expect(bob.readResource({ uri: `lore://learnings/${learningId}` })).rejects.toMatchObject({ code: -32002 });
    const ask = await callTool(bob, 'ask', { message: QUESTION });
    expect((ask.content[0] as { text: string }).text).not.toMatch(/100 req\/s|500 req\/s/);
    expect(await svc.getRun({ tenantId: 'acme', runId: ask.structuredContent.run_id })).toBeNull();
    await bob.close();
  });
  it('applies the per-user rate limit when given one (429 + Retry-After)', async () => {
    const limited = await startMcpHttpServer({ runner: svc, knowledge: rt.knowledge, topK: 5 }, { auth: createAuthenticator(rt.config), rateLimiter: createRateLimiter(1), host: '127.0.0.1', port: 0 });
    try {
      const bearer = await token('carol', { tenant: 'acme' });
      const post = () =>
        fetch(limited.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
        });
      expect((await post()).status).toBe(200);
      const second = await post();
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /mcp in the HTTP API (`lore serve`)', () => {
  it('serves the same tools behind the API\'s auth and rate limit, scoped to the token\'s tenant', async () => {
    const s = await startStack({ config: hs256Auth });
    try {
      await s.rt.knowledge.upsertDocument({ tenantId: 'acme', sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
      const url = new URL('/mcp', s.url);
      await expect(connect(new StreamableHTTPClientTransport(url))).rejects.toMatchObject({ code: 401 });
      const as = async (tenant: string) => connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${await token('alice', { tenant })}` } } }));
      const acme = await as('acme');
      expect((await acme.listTools()).tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
      expect((await callTool(acme, 'search_knowledge', { query: 'internal API rate limit' })).structuredContent.results[0]).toMatchObject({ text: DOC });
      const globex = await as('globex');
      expect((await callTool(globex, 'search_knowledge', { query: 'internal API rate limit' })).structuredContent.results).toEqual([]);
      await acme.close();
      await globex.close();
    } finally {
      await s.close();
    }
  });
});
