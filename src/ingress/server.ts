import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.js';
import { assertSafeToListen, createAuthenticator } from './auth.js';
import type { AppDeps, Lifecycle } from './deps.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** Graceful: idempotent, resolves once everything has stopped. The caller closes the database. */
  close(): Promise<void>;
}

export interface ServerOptions {
  host: string;
  port: number;
  /** How long in-flight requests and queued jobs get to finish before runs are aborted. */
  drainMs?: number;
  /**
   * Called when the drain deadline passes with requests still running: stop the runs at their
   * next checkpoint so they resume after restart (the engine's close()).
   */
  stopRuns?: () => Promise<void>;
  /** After stopRuns, how long requests get to answer before sockets are cut. */
  stopGraceMs?: number;
}

/**
 * The Node wrapper around the app's fetch handler. Shutdown order: stop accepting (healthz turns
 * 503 so a load balancer stops routing here), stop the scheduler and the workers, let in-flight
 * requests finish within drainMs, then stop the runs still going (they park at their next
 * checkpoint and resume later via recoverInFlight) and cut the remaining connections.
 */
export async function startServer(deps: AppDeps, opts: ServerOptions): Promise<RunningServer> {
  const auth = deps.auth ?? createAuthenticator(deps.config);
  assertSafeToListen(auth, opts.host);
  const lifecycle: Lifecycle = { draining: false };
  const app = createApp({ ...deps, auth, lifecycle });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Node's default 5 s keep-alive is shorter than many client pools; 65 s outlives typical LB idle timeouts.
  server.keepAliveTimeout = 65_000;

  let inFlight = 0;
  const idleWaiters = new Set<() => void>();
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) for (const w of idleWaiters) w();
    });
  });
  const whenIdle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const done = () => {
        clearTimeout(t);
        idleWaiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      idleWaiters.add(done);
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  deps.workers?.start();
  deps.scheduler?.start();

  let closing: Promise<void> | undefined;
  const drainMs = opts.drainMs ?? 10_000;
  const close = () =>
    (closing ??= (async () => {
      lifecycle.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([deps.scheduler?.stop({ waitMs: drainMs }), deps.workers?.stop({ drainMs }), whenIdle(drainMs)]);
      if (inFlight > 0 && opts.stopRuns) {
        await Promise.race([opts.stopRuns().catch(() => {}), new Promise((r) => setTimeout(r, opts.stopGraceMs ?? 2000).unref())]);
        await whenIdle(opts.stopGraceMs ?? 2000);
      }
      server.closeAllConnections();
      await closed;
    })());

  return { url: `http://${host}:${port}`, port, server, close };
}
