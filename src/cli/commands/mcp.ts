import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Command } from 'commander';
import { assembleFrom, configFrom } from '../context.js';
import { UsageError } from '../errors.js';

// The MCP SDK and the runtime are imported inside the action: `lore --help` loads none of them.

/** Resolves on SIGINT/SIGTERM (or when `also` resolves, e.g. the stdio client went away). */
function untilStopped(also?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void also?.then(stop);
  });
}


/** Counts requests received and not yet answered on a connected transport; `idle()` resolves when none is. */
export function trackInFlight(transport: Transport): { readonly size: number; idle(): Promise<void> } {
  const pending = new Set<string | number>();
  let wake: (() => void) | undefined;
  const onmessage = transport.onmessage;
  transport.onmessage = (m, extra) => {
    if ('id' in m && 'method' in m) pending.add(m.id);
    onmessage?.(m, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (m, o) => {
    try {
      await send(m, o);
    } finally {
      if ('id' in m && !('method' in m) && m.id !== undefined && pending.delete(m.id) && !pending.size) wake?.();
    }
  };
  return {
    get size() {
      return pending.size;
    },
    idle: () => (pending.size ? new Promise<void>((r) => (wake = r)) : Promise.resolve()),
  };
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve Lore as an MCP server (tools: ask, search_knowledge, list_learnings, show_learning, learning_history)')
    .option('--transport <transport>', 'stdio (for an IDE or agent that starts lore) | http (Streamable HTTP at /mcp)', 'stdio')
    .option('--host <host>', 'http: listen address (default: config server.host)')
    .option('--port <port>', 'http: listen port', '8788')
    .action(async (opts: { transport: string; host?: string; port: string }, cmd: Command) => {
      if (opts.transport !== 'stdio' && opts.transport !== 'http') throw new UsageError('--transport must be stdio or http');
      if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError('--port must be a number');
      const [{ StdioServerTransport }, { createAuthenticator, LOCAL_USER }, { createRateLimiter }, { startMcpHttpServer }, { createLoreMcpServer }, { createAgentService }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('../../ingress/auth.js'),
        import('../../ingress/rate-limit.js'),
        import('../../mcp/http.js'),
        import('../../mcp/server.js'),
        import('../../service.js'),
      ]);
      // The config file's agent (its tools, MCP servers, prompt) answers `ask`, as in `lore serve`.
      // stdout carries the protocol in stdio mode: logs already go to stderr; spans must not print.
      // Settings first (cheap), so the runtime and its tool sources are built once.
      const settings = await configFrom(cmd);
      const stdioConsole = opts.transport === 'stdio' && settings.telemetry.exporter === 'console';
      const assembled = await assembleFrom(cmd, stdioConsole ? { 'telemetry.exporter': 'none' } : {});
      const { rt, config } = assembled;
      const svc = createAgentService(rt);
      const deps = { runner: svc, knowledge: rt.knowledge, topK: config.memory.topK, logger: rt.logger };
      try {
        if (opts.transport === 'stdio') {
          // The local user of stdio is the one user, so the curator, as with `lore serve` without auth.
          const local = { tenantId: config.tenant, userId: LOCAL_USER, curator: true };
          const server = createLoreMcpServer(deps, () => local);
          const transport = new StdioServerTransport();
          await server.connect(transport);
          // A client may write its requests and close stdin at once (`… | lore mcp`): requests
          // still running then are answered before the server stops, not dropped with the process.
          const inFlight = trackInFlight(transport);
          const closed = new Promise<void>((resolve) => {
            const prior = transport.onclose;
            transport.onclose = () => {
              prior?.();
              resolve();
            };
            process.stdin.once('end', () => void inFlight.idle().then(resolve));
          });
          rt.logger.info({ transport: 'stdio', tenant: config.tenant }, 'lore MCP server ready on stdio');
          await untilStopped(closed);
          await server.close();
        } else {
          const auth = createAuthenticator(config);
          const rateLimiter = createRateLimiter(config.server.rateLimitPerMinute);
          const http = await startMcpHttpServer(deps, { auth, rateLimiter, host: opts.host ?? config.server.host, port: Number(opts.port), bodyLimitBytes: config.server.bodyLimitBytes });
          rt.logger.info({ transport: 'http', url: http.url, auth: auth.mode }, 'lore MCP server listening');
          console.error(`lore MCP server at ${http.url} (auth: ${auth.mode})`);
          await untilStopped();
          await http.close();
        }
      } finally {
        await svc.close();
        await assembled.close();
      }
    });
}
