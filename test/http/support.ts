import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config.js';
import type { ChatJob, Queue } from '../../src/jobs/queue.js';
import type { RunningServer } from '../../src/ingress/server.js';
import { createService, listen } from '../../src/server.js';
import type { WorkerPool } from '../../src/ingress/worker.js';
import type { SqliteDatabase } from '../../src/stores/sqlite/database.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createRefundTool } from '../../src/tools/examples/refund.js';
import type { AnyTool } from '../../src/tools/tool.js';
import type { AgentService } from '../../src/service.js';
import type { WorkflowEngine } from '../../src/workflow/engine.js';
import type { TurnRunner } from '../../src/workflow/types.js';

export const SECRET = 'test-secret-that-is-at-least-32-characters-long';
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'lore-api';

export interface Stack {
  url: string;
  rt: Runtime;
  engine: WorkflowEngine;
  svc: AgentService;
  queue: Queue<ChatJob>;
  workers: WorkerPool;
  server: RunningServer;
  dataDir: string;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Config overrides by path, e.g. {'server.rateLimitPerMinute': 5}. */
  config?: Record<string, unknown>;
  /** Wrap the runner (e.g. to count resumes); the app and workers get the wrapper. */
  wrap?: (runner: TurnRunner) => TurnRunner;
  workerOptions?: { visibilityTimeoutMs?: number; pollIntervalMs?: number; retryDelayMs?: (n: number) => number };
  /** Use this (existing, empty) directory for the database instead of a fresh temp dir. */
  dataDir?: string;
  /** Storage write-probe interval (default 5 s, as in `lore serve`). */
  storageProbeIntervalMs?: number;
}

/** The real thing on 127.0.0.1: runtime (offline model, SQLite in a temp dir), engine, queue, workers, server. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lore-http-'));
  const config = loadConfig({}, { dataDir, logLevel: 'silent', ...opts.config });
  const rt = createRuntime(config, { tools: [createRefundTool() as unknown as AnyTool] });
  // The service exactly as `lore serve` assembles it (src/server.ts): agent service, queue,
  // workers, storage monitor with recovery of runs a storage fault left in flight.
  const service = createService(rt, {
    evaluate: false,
    ...(opts.wrap ? { wrapRunner: opts.wrap } : {}),
    workerOptions: { pollIntervalMs: 50, ...opts.workerOptions },
    ...(opts.storageProbeIntervalMs !== undefined ? { storageProbeIntervalMs: opts.storageProbeIntervalMs } : {}),
  });
  const svc = service.runner;
  const engine = svc.engine;
  const { queue } = service;
  const workers = service.workers!;
  const server = await listen(service, { host: '127.0.0.1', port: 0, drainMs: 2000 });
  return {
    url: server.url,
    rt,
    engine,
    svc,
    queue,
    workers,
    server,
    dataDir,
    async close() {
      await server.close();
      await service.close();
      await rt.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** HS256 auth; tokens without a tenant claim belong to the (explicitly configured) tenant "default". */
export const hs256Auth = { 'auth.hs256Secret': SECRET, 'auth.issuer': ISSUER, 'auth.audience': AUDIENCE, 'auth.defaultTenant': 'default' };

export async function token(
  sub: string,
  o: { tenant?: string; aud?: string; iss?: string; expiresIn?: string | number | null; secret?: string; iat?: number | null; nbf?: number; roles?: string[] } = {},
): Promise<string> {
  let jwt = new SignJWT({ ...(o.tenant ? { 'custom:tenant': o.tenant } : {}), ...(o.roles ? { 'lore:roles': o.roles } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE);
  // null = leave the claim out.
  if (o.iat !== null) jwt = jwt.setIssuedAt(o.iat);
  if (o.nbf !== undefined) jwt = jwt.setNotBefore(o.nbf);
  if (o.expiresIn !== null) jwt = jwt.setExpirationTime(o.expiresIn ?? '5m');
  return jwt.sign(new TextEncoder().encode(o.secret ?? SECRET));
}

export interface Api {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/** A client for user `sub` (HS256 token) of a stack started with hs256Auth. */
export async function userClient(s: Stack, sub: string, o: { roles?: string[] } = {}): Promise<Api> {
  return client(s.url, await token(sub, o));
}

/** A tiny JSON client bound to a base URL and (optionally) a bearer token. */
export function client(url: string, bearer?: string): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (metrics, html)
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** Poll until `fn` returns a truthy value (or time out). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const DOC = 'The internal API rate limit is 100 req/s.';
export const QUESTION = 'What is the rate limit of our internal API?';
export const UPDATE = 'Update: the rate limit was increased to 500 req/s last month.';

/** Row count of every table (FTS shadow tables included: a stray index write shows up too). */
export function rowCounts(db: SqliteDatabase): Record<string, number> {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT count(*) FROM "${n}"`).pluck().get() as number]));
}
