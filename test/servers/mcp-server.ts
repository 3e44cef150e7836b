/**
 * A small MCP server written with the official SDK, for Lore's MCP client tests. Run it as a
 * child (`node --import tsx test/servers/mcp-server.ts stdio`) or in-process over Streamable HTTP
 * (`startHttpMcpServer`). Low-level `Server` on purpose: tools/list is paginated (2 per page) and
 * input schemas are raw JSON Schema, as third-party servers send them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, isInitializeRequest, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';

export interface ServerState {
  /** Every tools/call the server received: name and arguments. */
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  refunds: number;
  listPages: number;
}

export const newState = (): ServerState => ({ calls: [], refunds: 0, listPages: 0 });

export const TOOLS: Tool[] = [
  {
    name: 'lookup_order',
    description: 'Look up the shipping status of a customer order by its order id.',
    inputSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d+$', description: 'order id, e.g. A-1001' } },
      required: ['order_id'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'add_numbers',
    description: 'Add two numbers and return their sum as structured content.',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    annotations: { readOnlyHint: true, idempotentHint: true },
  },
  {
    name: 'issue_refund',
    description: 'Issue a refund of an amount of money for an order.',
    inputSchema: { type: 'object', properties: { order_id: { type: 'string', description: 'the order id' }, amount: { type: 'number', description: 'amount in dollars' } }, required: ['order_id', 'amount'] },
    annotations: { destructiveHint: true },
  },
  {
    name: 'check_warehouse',
    description: 'Check stock in the warehouse system (currently broken: always reports an error).',
    inputSchema: { type: 'object', properties: { sku: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'slow_task',
    description: 'Wait for the given number of milliseconds, then answer.',
    inputSchema: { type: 'object', properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'whoami',
    description: 'Report the server process id and how many calls it served.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get.weather report',
    description: 'A tool whose name is not a valid Bedrock tool name.',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'strict_params',
    description: 'Rejects every call with a JSON-RPC invalid-params error.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
];

const PAGE = 2;
const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    }, { once: true });
  });
}

export function createTestMcpServer(state: ServerState): Server {
  const server = new Server({ name: 'shop-test', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (req) => {
    state.listPages++;
    const start = Number(req.params?.cursor ?? 0);
    const next = start + PAGE;
    return { tools: TOOLS.slice(start, next), ...(next < TOOLS.length ? { nextCursor: String(next) } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    state.calls.push({ name: req.params.name, args });
    switch (req.params.name) {
      case 'lookup_order':
        return text(`Order ${String(args.order_id)}: shipped on 2026-03-02 via parcel, 2 items.`);
      case 'add_numbers': {
        const sum = Number(args.a) + Number(args.b);
        return { content: [{ type: 'text', text: String(sum) }], structuredContent: { sum } };
      }
      case 'issue_refund':
        state.refunds++;
        return text(`refund rf_${state.refunds} issued for order ${String(args.order_id)}: $${String(args.amount)}`);
      case 'check_warehouse':
        return { content: [{ type: 'text', text: 'warehouse API is down (HTTP 503 from upstream)' }], isError: true };
      case 'slow_task':
        await sleep(Number(args.ms), extra.signal);
        return text('done');
      case 'whoami':
        return { content: [{ type: 'text', text: `pid ${process.pid}` }], structuredContent: { pid: process.pid, calls: state.calls.length } };
      case 'get.weather report':
        return text(`sunny in ${String(args.city ?? 'nowhere')}`);
      case 'strict_params':
        throw new McpError(ErrorCode.InvalidParams, 'strict_params refuses these parameters');
      default:
        throw new McpError(ErrorCode.MethodNotFound, `unknown tool ${req.params.name}`);
    }
  });
  return server;
}

export interface HttpMcpServer {
  url: string;
  port: number;
  state: ServerState;
  /** Sessions the server holds open (a client's DELETE ends one). */
  openSessions(): number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : undefined;
}

/** Streamable HTTP with sessions (one Server per session), as the SDK's docs show it. */
export async function startHttpMcpServer(opts: { port?: number; state?: ServerState } = {}): Promise<HttpMcpServer> {
  const state = opts.state ?? newState();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http: HttpServer = createServer(async (req, res) => {
    try {
      const sid = req.headers['mcp-session-id'];
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
      if (!transport) {
        if (sid || !isInitializeRequest(body)) {
          res.writeHead(sid ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'unknown session' }, id: null }));
          return;
        }
        const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, t) });
        t.onclose = () => {
          if (t.sessionId) sessions.delete(t.sessionId);
        };
        await createTestMcpServer(state).connect(t);
        transport = t;
      }
      await transport.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    state,
    openSessions: () => sessions.size,
    async close() {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      sessions.clear();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'stdio') {
  await createTestMcpServer(newState()).connect(new StdioServerTransport());
}
