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
import { createRuntime, openRuntime, type Runtime } from '../../src/runtime.js';
import type { Backend } from '../../src/backend.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';
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
  /** The LORE_* variables that point a CLI at this stack's store (empty on SQLite: --data-dir does). */
  storeEnv: Record<string, string>;
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
  // LORE_TEST_STORE=dynamodb (npm run test:http:dynamodb): the same stack on DynamoDB Local and a
  // local SQS server, selected through the config (LORE_STORE=dynamodb, LORE_SQS_ENDPOINT) as a deployment would.
  const dynamo = TEST_STORE === 'dynamodb' ? await startDynamoStore() : undefined;
  const config = loadConfig(dynamo?.env ?? {}, { dataDir, logLevel: 'silent', ...opts.config });
  const tools = [createRefundTool() as unknown as AnyTool];
  const rt = dynamo ? await openRuntime(config, { tools }) : createRuntime(config, { tools });
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
    storeEnv: dynamo?.env ?? {},
    async close() {
      await server.close();
      await service.close();
      await rt.close();
      await dynamo?.close();
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

/** Which backend the HTTP stacks run on: LORE_TEST_STORE=sqlite (default) | dynamodb. */
export const TEST_STORE: 'sqlite' | 'dynamodb' = process.env.LORE_TEST_STORE === 'dynamodb' ? 'dynamodb' : 'sqlite';
/** For a test that exercises SQLite itself (pragmas, backup files, disk full): skipped on DynamoDB with this reason. */
export const sqliteOnly = TEST_STORE !== 'sqlite';

/**
 * DynamoDB for one stack: fresh tables (unique prefix) on the run's DynamoDB Local and queues on a
 * local SQS JSON server of its own, as LORE_* variables; close() drops the tables and stops the server.
 */
async function startDynamoStore(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const [{ acquireDynamoLocal, tablePrefix }, { startSqsServer }] = await Promise.all([import('../dynamo-local.js'), import('../aws-wire/sqs-server.js')]);
  const ddb = await acquireDynamoLocal();
  const sqsServer = await startSqsServer();
  const { endpoint, region, credentials } = ddb.local;
  // The SDK's default credential chain reads these (DynamoDB Local and the SQS server accept any keys).
  process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
  const prefix = tablePrefix();
  const env = { LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: endpoint, LORE_DYNAMODB_TABLE_PREFIX: prefix, AWS_REGION: region, LORE_SQS_ENDPOINT: sqsServer.url };
  return {
    env,
    async close() {
      const [{ DeleteTableCommand, DynamoDBClient }, { TABLES }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('../../src/stores/dynamodb/tables.js')]);
      const c = new DynamoDBClient({ endpoint, region, credentials });
      const tables = [...Object.keys(TABLES), 'knowledge'].map((k) => `${prefix}${k}`);
      await Promise.all(tables.map((TableName) => c.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
      c.destroy();
      await sqsServer.close();
      await ddb.release();
    },
  };
}

/**
 * What the stack's storage holds, per table: SQLite row counts (rowCounts), or on DynamoDB the
 * item count of every table of the stack plus its queues' depths. Two equal snapshots mean no
 * request wrote anything.
 */
export async function storeCounts(s: Stack): Promise<Record<string, number>> {
  if (s.rt.backend.kind === 'sqlite') return rowCounts(sqliteDb(s.rt));
  const b = s.rt.backend as Backend & { dynamo: { raw: { send(c: unknown): Promise<{ Count?: number }> }; names: Record<string, string> } };
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const names = { ...b.dynamo.names, knowledge: b.dynamo.names.runs!.replace(/runs$/, 'knowledge') };
  const out: Record<string, number> = {};
  for (const [k, TableName] of Object.entries(names)) {
    let n = 0;
    let start: unknown;
    do {
      const r = (await b.dynamo.raw.send(new ScanCommand({ TableName, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start as never } : {}) }))) as { Count?: number; LastEvaluatedKey?: unknown };
      n += r.Count ?? 0;
      start = r.LastEvaluatedKey;
    } while (start);
    out[k] = n;
  }
  const d = await s.queue.depth();
  out.queue = d.ready + d.inFlight + d.dead;
  return out;
}

/**
 * Every stored row (SQLite, FTS shadow tables left out) or item (DynamoDB: every table of the
 * stack) as one line of text, for "nothing mentions X any more" checks.
 */
export async function storedRows(s: Stack): Promise<string[]> {
  if (s.rt.backend.kind === 'sqlite') {
    const db = sqliteDb(s.rt);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'chunks_fts%'`).all() as Array<{ name: string }>;
    return tables.flatMap(({ name }) =>
      (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>).map((row) => `${name}: ${Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('\u0001')}`),
    );
  }
  const b = s.rt.backend as Backend & { dynamo: { doc: { send(c: unknown): Promise<unknown> }; names: Record<string, string> } };
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const names = { ...b.dynamo.names, knowledge: b.dynamo.names.runs!.replace(/runs$/, 'knowledge') };
  const out: string[] = [];
  for (const [k, TableName] of Object.entries(names)) {
    let start: unknown;
    do {
      const r = (await b.dynamo.doc.send(new ScanCommand({ TableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start as never } : {}) }))) as { Items?: unknown[]; LastEvaluatedKey?: unknown };
      for (const it of r.Items ?? []) out.push(`${k}: ${JSON.stringify(it)}`);
      start = r.LastEvaluatedKey;
    } while (start);
  }
  return out;
}

/** Row count of every table (FTS shadow tables included: a stray index write shows up too). */
export function rowCounts(db: SqliteDatabase): Record<string, number> {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT count(*) FROM "${n}"`).pluck().get() as number]));
}
