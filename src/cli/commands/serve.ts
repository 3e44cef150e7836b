import type { Command } from 'commander';
import { UsageError } from '../errors.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and the chat page (default http://127.0.0.1:8787)')
    .option('--host <host>', 'listen address (overrides LORE_HOST)')
    .option('--port <port>', 'listen port (overrides LORE_PORT)')
    .option('--processes <n>', 'HTTP server processes sharing the port and the database (config server.processes; default 1)')
    .action(async (opts: { host?: string; port?: string; processes?: string }, cmd: Command) => {
      if (opts.port !== undefined && !/^\d+$/.test(opts.port)) throw new UsageError('--port must be a number');
      if (opts.processes !== undefined && !/^\d+$/.test(opts.processes)) throw new UsageError('--processes must be a number');
      // The server's modules load only when it starts, so `lore --help` stays fast.
      const { runServe } = await import('./serve-run.js');
      await runServe(opts, cmd);
    });
}
