import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LoreError } from '../errors.js';
import { assertSafeToListen, type Authenticator, type Principal } from '../ingress/auth.js';
import { errorResponse, readCapped } from '../ingress/http.js';
import type { RateLimiter } from '../ingress/rate-limit.js';
import { createLoreMcpServer, type LoreMcpDeps } from './server.js';

export interface McpHttpOptions {
  auth: Authenticator;
  /** Per tenant+user, as in the HTTP API (429 with Retry-After); none when absent. */
  rateLimiter?: RateLimiter;
  /** Requests with a larger body are refused with 413 before they are read. */
  bodyLimitBytes?: number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Refuses what a stateless endpoint does not serve; null when the request may go on. */
const DEFAULT_BODY_LIMIT = 1_000_000;

function precheck(req: Request, bodyLimitBytes = DEFAULT_BODY_LIMIT): Response | null {
  if (req.method !== 'POST') {
    // Stateless: no standalone SSE stream (GET) and no session to delete (DELETE).
    return json(405, { error: { code: 'VALIDATION_FAILED', message: `${req.method} is not supported here; POST JSON-RPC messages` } }, { allow: 'POST' });
  }
  if (Number(req.headers.get('content-length') ?? 0) > bodyLimitBytes) {
    const e = errorResponse(new LoreError('PAYLOAD_TOO_LARGE', `the body exceeds ${bodyLimitBytes} bytes`));
    return json(e.status, e.body, e.headers);
  }
  return null;
}

/**
 * Serve one Streamable HTTP request for an already authenticated principal, stateless: a fresh
 * MCP server bound to that principal answers it, so no session can outlive a token or be picked
 * up by another caller. JSON responses (no SSE): every tool here answers once.
 */
export async function serveMcpRequest(raw: Request, deps: LoreMcpDeps, principal: Principal, opts: { bodyLimitBytes?: number } = {}): Promise<Response> {
  const refused = precheck(raw, opts.bodyLimitBytes);
  if (refused) return refused;
  let req = raw;
  if (raw.body && raw.headers.get('content-length') === null) {
    // A chunked body has no length to check up front: count it as it streams in, so the
    // configured limit holds here too (the SDK's own cap is 4 MB, whatever the config says).
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(raw.body, opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);
    } catch (err) {
      const e = errorResponse(err);
      return json(e.status, e.body, e.headers);
    }
    const headers = new Headers(raw.headers);
    headers.delete('transfer-encoding');
    req = new Request(raw.url, { method: raw.method, headers, body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }
  const server = createLoreMcpServer(deps, () => principal);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  try {
    await server.connect(transport);
    return await transport.handleRequest(req, { authInfo: { token: '', clientId: principal.userId, scopes: [], extra: { tenantId: principal.tenantId } } });
  } finally {
    // The response body is already built (JSON mode), so the per-request server can go.
    await server.close().catch(() => undefined);
  }
}

/** `serveMcpRequest` behind the HTTP API's authenticator: no valid bearer token → 401. */
export async function handleMcpHttp(req: Request, deps: LoreMcpDeps, opts: McpHttpOptions): Promise<Response> {
  const refused = precheck(req, opts.bodyLimitBytes);
  if (refused) return refused;
  let principal: Principal;
  try {
    principal = await opts.auth.authenticate(req.headers.get('authorization') ?? undefined);
    const r = await opts.rateLimiter?.take(`${principal.tenantId}\u0000${principal.userId}`);
    if (r && !r.ok) throw new LoreError('RATE_LIMITED', 'rate limit exceeded', { details: { retry_after_seconds: r.retryAfterSeconds } });
  } catch (err) {
    const e = errorResponse(err);
    return json(e.status, e.body, e.headers);
  }
  return serveMcpRequest(req, deps, principal, opts);
}

export interface McpHttpServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** `lore mcp --transport http`: the MCP endpoint at /mcp on its own port. */
export async function startMcpHttpServer(deps: LoreMcpDeps, opts: McpHttpOptions & { host: string; port: number }): Promise<McpHttpServer> {
  assertSafeToListen(opts.auth, opts.host);
  const fetch = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path !== '/mcp') return json(404, { error: { code: 'NOT_FOUND', message: 'the MCP endpoint is /mcp' } });
    return handleMcpHttp(req, deps, opts);
  };
  const server = createAdaptorServer({ fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/mcp`,
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
