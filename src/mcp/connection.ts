import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode as RpcCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { abortError, LoreError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { McpServerConfig } from './config.js';

export interface McpConnectionOptions {
  /** The server's name in config (logs, error messages). */
  name: string;
  config: McpServerConfig;
  logger?: Logger;
  /** Sent in the initialize handshake. */
  clientInfo?: { name: string; version: string };
  /** Backoff before reconnect attempt n (0-based); default 100 ms doubling to 2 s. */
  backoffMs?: (attempt: number) => number;
}

const MAX_PAGES = 100;
/** Last lines of a stdio child's stderr kept for the error when it cannot be reached. */
const STDERR_TAIL = 30;

/**
 * What to quote of a dead child's stderr: the lines that name an error (a Node crash ends with
 * its stack and version, the line that says what is wrong comes before them), else the last few.
 */
export function stderrGist(lines: string[]): string[] {
  const errors = lines.filter((l) => /\b(error|exception|cannot|not found|no such|denied|ENOENT|EACCES)\b/i.test(l) && !/^\s+at /.test(l));
  return (errors.length ? errors.slice(0, 3) : lines.slice(-3)).map((l) => l.trim());
}

/**
 * One MCP server behind a connect-on-demand client. A dropped connection (stdio child exited,
 * HTTP session gone, server restarted) is noticed and re-established on the next call, with a
 * bounded number of attempts. Failures surface as LoreErrors with MCP codes, never raw SDK errors.
 */
export class McpConnection {
  private client: Client | null = null;
  private transport: Transport | null = null;
  private connecting: Promise<Client> | null = null;
  private closed = false;
  private readonly stderrTail: string[] = [];
  /** How many times a connection was established (1 = never reconnected). */
  connects = 0;

  constructor(private readonly opts: McpConnectionOptions) {}

  get name(): string {
    return this.opts.name;
  }

  /** The stdio child's pid while connected (null for HTTP or when down). */
  get pid(): number | null {
    return this.transport instanceof StdioClientTransport ? this.transport.pid : null;
  }

  /** Every tool the server lists, following pagination cursors. */
  async listTools(signal?: AbortSignal): Promise<Tool[]> {
    return this.withReconnect(signal, true, async (client) => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await client.listTools(cursor ? { cursor } : {}, { ...(signal ? { signal } : {}), timeout: this.opts.config.connectTimeoutMs });
        tools.push(...r.tools);
        cursor = r.nextCursor;
        if (!cursor) return tools;
      }
      throw new LoreError('MCP_TOOL_ERROR', `MCP server "${this.name}" returned more than ${MAX_PAGES} pages of tools`);
    });
  }

  /**
   * Call a tool. `retrySafe`: the call may be sent again if the connection broke while it was in
   * flight (read-only or idempotent tools); otherwise only calls that surely never reached the
   * server are retried, so a mutating call runs at most once.
   */
  async callTool(name: string, args: Record<string, unknown>, o: { signal?: AbortSignal; timeoutMs: number; retrySafe: boolean }): Promise<CallToolResult> {
    return this.withReconnect(o.signal, o.retrySafe, async (client) => {
      // A bit longer than the executor's own timer, which should win and report TOOL_TIMEOUT.
      const r = await client.callTool({ name, arguments: args }, undefined, { ...(o.signal ? { signal: o.signal } : {}), timeout: o.timeoutMs + 1000 });
      return r as CallToolResult;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Tell an HTTP server the session is over (DELETE) so it can free it; best effort.
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId) {
      await this.transport.terminateSession().catch(() => undefined);
    }
    await this.drop();
  }

  private async withReconnect<T>(signal: AbortSignal | undefined, retrySafe: boolean, fn: (c: Client) => Promise<T>): Promise<T> {
    const attempts = this.opts.config.reconnectAttempts + 1;
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      if (attempt > 0) await sleep(this.backoff(attempt - 1), signal);
      let client: Client;
      try {
        client = await this.connected(signal);
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        last = e;
        continue;
      }
      try {
        return await fn(client);
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        const kind = classify(e);
        if (kind === 'server') throw toMcpError(this.name, e);
        // The transport is broken either way: start from a fresh connection next time.
        await this.drop(client);
        last = e;
        if (kind === 'in-flight' && !retrySafe) {
          throw new LoreError('MCP_UNAVAILABLE', `MCP server "${this.name}" dropped the connection during the call; it may or may not have run`, { cause: e });
        }
      }
    }
    // A stdio child that died at start-up says why on its stderr ("Cannot find module …"): "Connection closed" alone does not.
    const said = this.stderrTail.length ? `; its stderr: ${stderrGist(this.stderrTail).join(' | ')}` : '';
    throw new LoreError('MCP_UNAVAILABLE', `MCP server "${this.name}" is unavailable: ${describe(last)}${said}`, { cause: last });
  }

  private backoff(attempt: number): number {
    return this.opts.backoffMs?.(attempt) ?? Math.min(100 * 2 ** attempt, 2000);
  }

  private async connected(signal?: AbortSignal): Promise<Client> {
    if (this.closed) throw new LoreError('MCP_UNAVAILABLE', `MCP server "${this.name}" is closed`);
    if (this.client) return this.client;
    this.connecting ??= this.connect(signal).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(signal?: AbortSignal): Promise<Client> {
    const c = this.opts.config;
    const transport: Transport =
      c.transport === 'stdio'
        ? new StdioClientTransport({ command: c.command, args: c.args, ...(c.env ? { env: c.env } : {}), ...(c.cwd ? { cwd: c.cwd } : {}), stderr: 'pipe' })
        : new StreamableHTTPClientTransport(new URL(c.url), { ...(c.headers ? { requestInit: { headers: c.headers } } : {}) });
    if (transport instanceof StdioClientTransport) this.forwardStderr(transport.stderr as Readable | null);
    const client = new Client(this.opts.clientInfo ?? { name: 'lore', version: '0.1.0' }, { capabilities: {} });
    client.onclose = () => {
      if (this.client === client) {
        this.client = null;
        this.transport = null;
        this.opts.logger?.warn({ mcpServer: this.name }, 'MCP server connection closed; reconnecting on the next call');
      }
    };
    client.onerror = (e) => this.opts.logger?.debug({ mcpServer: this.name, err: describe(e) }, 'MCP transport error');
    try {
      await client.connect(transport, { timeout: c.connectTimeoutMs, ...(signal ? { signal } : {}) });
    } catch (e) {
      await client.close().catch(() => undefined);
      throw e;
    }
    if (this.closed) {
      await client.close().catch(() => undefined);
      throw new LoreError('MCP_UNAVAILABLE', `MCP server "${this.name}" is closed`);
    }
    this.client = client;
    this.transport = transport;
    this.connects++;
    this.opts.logger?.info({ mcpServer: this.name, transport: c.transport, connects: this.connects }, 'MCP server connected');
    return client;
  }

  /** Close the current client (or only `which`, if it is still current). Closing kills a stdio child. */
  private async drop(which?: Client): Promise<void> {
    const client = this.client;
    if (!client || (which && client !== which)) {
      if (which) await which.close().catch(() => undefined);
      return;
    }
    this.client = null;
    this.transport = null;
    await client.close().catch(() => undefined);
  }

  private forwardStderr(stream: Readable | null): void {
    if (!stream) return;
    // The child's stderr is its log; keep it out of ours unless debugging.
    createInterface({ input: stream }).on('line', (line) => {
      this.opts.logger?.debug({ mcpServer: this.name }, line);
      if (!line.trim()) return;
      this.stderrTail.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    });
  }
}

type Failure = 'server' | 'not-sent' | 'in-flight';

/**
 * 'server': the server answered with an error (nothing to reconnect). 'not-sent': the request
 * surely never ran (refused connection, unknown session, not connected), safe to send again.
 * 'in-flight': the connection broke while the request was out; it may have run.
 */
function classify(e: unknown): Failure {
  if (e instanceof LoreError) return 'server';
  if (e instanceof McpError) return e.code === RpcCode.ConnectionClosed && /connection closed/i.test(e.message) ? 'in-flight' : 'server';
  if (e instanceof StreamableHTTPError) {
    // 404: the server forgot our session (restarted); 5xx from a proxy: the request did not arrive.
    return e.code === 404 || e.code === 502 || e.code === 503 ? 'not-sent' : 'server';
  }
  const msg = describe(e);
  if (/not connected/i.test(msg)) return 'not-sent';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(msg)) return 'not-sent';
  return 'in-flight';
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message}` : '';
  return `${e.message}${cause}`;
}

function toMcpError(server: string, e: unknown): LoreError {
  if (e instanceof LoreError) return e;
  if (e instanceof McpError && e.code === RpcCode.RequestTimeout) {
    return new LoreError('TOOL_TIMEOUT', `MCP server "${server}" did not answer in time`, { cause: e });
  }
  const code = e instanceof McpError ? e.code : e instanceof StreamableHTTPError ? e.code : undefined;
  return new LoreError('MCP_TOOL_ERROR', `MCP server "${server}" returned an error: ${describe(e)}`, { cause: e, details: { server, ...(code !== undefined ? { rpcCode: code } : {}) } });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
