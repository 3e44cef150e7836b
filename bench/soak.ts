/**
 * Soak benchmark (not a test): `lore serve`'s stack in a child process, driven for a while with
 * mixed traffic — sync and async chats, learnings taught and listed, feedback, approvals, searches,
 * ingests, health and metrics scrapes. Once a minute it prints the server's RSS and heap (after a
 * GC), open handles, DB and WAL size, and p50/p99 of the requests of that minute, so a leak or a
 * latency drift shows as a trend. The summary extrapolates memory growth per hour (least squares
 * over the minutes after the first) and compares p99 of the first and the last minute.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--concurrency 8] [--heap-snapshots <dir>]
 *
 * --heap-snapshots writes a V8 heap snapshot of the server after the first and the last minute
 * (open both in Chrome DevTools, "Comparison" view, to see what a growing heap holds).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sqliteDb } from '../src/stores/sqlite/backend.js';

interface ServerStats {
  rss: number;
  heapUsed: number;
  external: number;
  handles: Record<string, number>;
  dbBytes: number;
  walBytes: number;
  runs: number;
  queue: { ready: number; inFlight: number; dead: number };
}

/** The child: what `lore serve` builds (runtime, agent service with the judge, queue + workers, scheduler). */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { createRuntime } = await import('../src/runtime.js');
  const { createAgentService } = await import('../src/service.js');
  const { SqliteFeedbackStore } = await import('../src/stores/sqlite/feedback-store.js');
  const { startServer } = await import('../src/ingress/server.js');
  const { SqliteQueue } = await import('../src/stores/sqlite/queue.js');
  const { CHAT_QUEUE, decodeChatJob } = await import('../src/jobs/queue.js');
  const { chatJobHandler, createWorkerPool } = await import('../src/ingress/worker.js');
  const { createScheduler } = await import('../src/ingress/scheduler.js');
  const { createRefundTool } = await import('../src/tools/examples/refund.js');
  const { createStorageMonitor } = await import('../src/ingress/storage-monitor.js');
  const dataDir = process.env.LORE_SOAK_DATA_DIR!;
  const config = loadConfig({}, { dataDir, logLevel: 'error', 'server.rateLimitPerMinute': 100_000_000 });
  // The example refund tool stands in for a payment system and keeps every refund in memory (its
  // `issued` list, searched linearly): cleared each minute so the figures measure Lore, not it.
  const issued: Array<{ idempotencyKey: string }> = [];
  const rt = createRuntime(config, { tools: [createRefundTool(issued as never) as never] });
  const svc = createAgentService(rt);
  const queue = new SqliteQueue(sqliteDb(rt), { name: CHAT_QUEUE, decode: decodeChatJob });
  const scheduler = createScheduler({
    jobs: [
      { name: 'session-ttl-purge', schedule: '@every 1m', run: () => rt.sessions.purgeExpired() },
      { name: 'approval-expiry', schedule: '@every 1m', run: () => svc.engine.sweepApprovals() },
    ],
    logger: rt.logger,
  });
  const server = await startServer(
    {
      config,
      runner: svc,
      sessions: rt.sessions,
      knowledge: rt.knowledge,
      feedback: new SqliteFeedbackStore(sqliteDb(rt)),
      queue,
      workers: createWorkerPool({ queue, handle: chatJobHandler(svc), concurrency: config.server.workers, logger: rt.logger }),
      scheduler,
      traces: rt.tracing.spans,
      metrics: rt.metrics,
      logger: rt.logger,
      storage: createStorageMonitor(rt.backend, { metrics: rt.metrics, logger: rt.logger }),
    },
    { host: '127.0.0.1', port: 0, stopRuns: () => svc.engine.close() },
  );
  const dbPath = join(dataDir, 'lore.db');
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd === 'stats') {
      issued.length = 0;
      (globalThis as { gc?: () => void }).gc?.();
      const mem = process.memoryUsage();
      const handles: Record<string, number> = {};
      for (const h of process.getActiveResourcesInfo()) handles[h] = (handles[h] ?? 0) + 1;
      const stats: ServerStats = {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        external: mem.external,
        handles,
        dbBytes: size(dbPath),
        walBytes: size(`${dbPath}-wal`),
        runs: sqliteDb(rt).prepare('SELECT count(*) FROM workflow_runs').pluck().get() as number,
        queue: await queue.depth(),
      };
      process.send!({ stats });
    } else if (m.cmd === 'snapshot') {
      (globalThis as { gc?: () => void }).gc?.();
      const { writeHeapSnapshot } = await import('node:v8');
      process.send!({ snapshot: writeHeapSnapshot(join((m as { dir?: string }).dir!, `soak-${Date.now()}.heapsnapshot`)) });
    } else if (m.cmd === 'stop') {
      await server.close();
      await svc.close();
      rt.close();
      process.exit(0);
    }
  });
  process.send!({ url: server.url });
}

const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there', 'What did I ask before?'];
const TEACH = ['Update: the rate limit was increased to 500 req/s last month.', 'Note: the staging database is rebuilt every Sunday night.', 'Correction: deploys need two approvals now.'];
const DOC = 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.';

type Op = 'chat' | 'async' | 'teach' | 'learnings' | 'feedback' | 'approval' | 'search' | 'ingest' | 'system';
const MIX: Array<[Op, number]> = [
  ['chat', 30],
  ['async', 12],
  ['teach', 8],
  ['learnings', 10],
  ['feedback', 10],
  ['approval', 5],
  ['search', 15],
  ['ingest', 3],
  ['system', 7],
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' }, 'heap-snapshots': { type: 'string' }, serve: { type: 'boolean' } } });
  if (values.serve) return serve();
  const minutes = Number(values.minutes);
  const concurrency = Number(values.concurrency);
  if (!(minutes > 0) || !Number.isInteger(concurrency) || concurrency < 1) throw new Error('--minutes must be > 0 and --concurrency a positive integer');
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-soak-'));
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, LORE_SOAK_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  const stats = () =>
    new Promise<ServerStats>((resolve) => {
      const on = (m: { stats?: ServerStats }) => m.stats && (child.off('message', on), resolve(m.stats));
      child.on('message', on);
      child.send({ cmd: 'stats' });
    });

  let lat: number[] = [];
  let byRoute = new Map<string, number[]>();
  const routeMinutes: Array<Map<string, number[]>> = [];
  let errors = 0;
  const errorKinds = new Map<string, number>();
  const runIds: string[] = [];
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const t0 = performance.now();
    const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    const ms = performance.now() - t0;
    lat.push(ms);
    const route = `${method} ${path.split('?')[0]!.replace(/\/(sessions|runs|approvals|learnings)\/[^/]+/, '/$1/:id')}${method === 'POST' && path === '/chat' && body && (body as { async?: boolean }).async ? ' async' : ''}`;
    (byRoute.get(route) ?? byRoute.set(route, []).get(route)!).push(ms);
    // 4xx are part of the mix (a session not created yet is a 404); 5xx and failed requests are errors.
    if (res.status >= 500) errors++;
    if (res.status >= 400) {
      const k = `${method} ${path.split('?')[0]!.replace(/\/(sessions|runs|approvals|learnings)\/[^/]+/, '/$1/:id')} ${res.status}`;
      errorKinds.set(k, (errorKinds.get(k) ?? 0) + 1);
    }
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const session = () => `soak-${Math.floor(Math.random() * 200)}`;
  const total = MIX.reduce((n, [, w]) => n + w, 0);
  const op = (): Op => {
    let r = Math.random() * total;
    for (const [o, w] of MIX) if ((r -= w) < 0) return o;
    return 'chat';
  };
  const remember = (id?: string) => id && (runIds.push(id), runIds.length > 500 && runIds.shift());
  const actions: Record<Op, () => Promise<unknown>> = {
    chat: async () => remember((await call('POST', '/chat', { session_id: session(), message: pick(QUESTIONS) })).body.run_id),
    async: async () => {
      const r = await call('POST', '/chat', { session_id: session(), message: pick(QUESTIONS), async: true });
      for (let i = 0; i < 40 && r.body.run_id; i++) {
        const got = await call('GET', `/runs/${r.body.run_id}`);
        if (got.body.status === 'COMPLETED' || got.body.status === 'FAILED') return remember(r.body.run_id);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    teach: async () => remember((await call('POST', '/chat', { session_id: session(), message: pick(TEACH) })).body.run_id),
    learnings: () => call('GET', `/learnings?status=active&limit=20`),
    feedback: async () => runIds.length && call('POST', '/feedback', { run_id: pick(runIds), rating: Math.random() < 0.7 ? 'up' : 'down' }),
    approval: async () => {
      const r = await call('POST', '/chat', { session_id: session(), message: `Please issue a refund of $${1500 + Math.floor(Math.random() * 500)} for order A-${1000 + Math.floor(Math.random() * 9000)}.` });
      const id = r.body.pending_approvals?.[0]?.approval_id;
      if (id) await call('POST', `/approvals/${id}`, { decision: Math.random() < 0.8 ? 'approve' : 'reject', reason: 'soak' });
    },
    search: async () => {
      const r = Math.random();
      if (r < 0.4) return call('GET', `/learnings?text=${encodeURIComponent(pick(['rate', 'database', 'deploys', '500']))}`);
      if (r < 0.7 && runIds.length) return call('GET', `/runs/${pick(runIds)}`);
      return call('GET', `/sessions/${session()}`).then(() => undefined);
    },
    ingest: () => call('POST', '/ingest', { documents: [{ source_uri: `docs/soak-${Math.floor(Math.random() * 20)}.md`, text: `${DOC} Revision ${Math.floor(Math.random() * 1000)}.` }] }),
    system: () => call('GET', Math.random() < 0.5 ? '/healthz' : '/metrics'),
  };

  console.log(`soak: ${minutes} min, ${concurrency} virtual users, server ${url}; machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const s0 = await stats();
  const rows: Array<{ minute: number; n: number; errors: number; p50: number; p99: number; s: ServerStats }> = [];
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`start: rss ${mb(s0.rss)} MB, heap ${mb(s0.heapUsed)} MB, handles ${JSON.stringify(s0.handles)}`);
  console.log('min  requests  errors   p50 ms   p99 ms   rss MB  heap MB  db MB  wal MB  runs    handles');
  const end = Date.now() + minutes * 60_000;
  let stop = false;
  const users = Array.from({ length: concurrency }, async () => {
    while (!stop) await actions[op()]().catch(() => errors++);
  });
  for (let minute = 1; Date.now() < end; minute++) {
    await new Promise((r) => setTimeout(r, Math.min(60_000, end - Date.now())));
    const sample = lat.sort((a, b) => a - b);
    lat = [];
    routeMinutes.push(byRoute);
    byRoute = new Map();
    const q = (p: number) => sample[Math.min(sample.length - 1, Math.floor(p * sample.length))] ?? 0;
    const s = await stats();
    const row = { minute, n: sample.length, errors, p50: q(0.5), p99: q(0.99), s };
    errors = 0;
    rows.push(row);
    const snapDir = values['heap-snapshots'];
    if (snapDir && (minute === 1 || Date.now() >= end)) {
      const path = await new Promise<string>((resolve) => {
        const on = (m: { snapshot?: string }) => m.snapshot && (child.off('message', on), resolve(m.snapshot));
        child.on('message', on);
        child.send({ cmd: 'snapshot', dir: snapDir });
      });
      console.log(`heap snapshot: ${path}`);
    }
    const handles = Object.entries(s.handles).map(([k, v]) => `${k}:${v}`).join(',');
    console.log(
      `${String(minute).padStart(3)}  ${String(row.n).padStart(8)}  ${String(row.errors).padStart(6)}  ${row.p50.toFixed(1).padStart(7)}  ${row.p99.toFixed(1).padStart(7)}  ${mb(s.rss).padStart(7)}  ${mb(s.heapUsed).padStart(7)}  ${mb(s.dbBytes).padStart(5)}  ${mb(s.walBytes).padStart(6)}  ${String(s.runs).padStart(5)}  ${handles}`,
    );
  }
  stop = true;
  await Promise.all(users);

  // Growth per hour: least-squares slope over the minutes after the first (start-up warms caches).
  const slope = (ys: number[]) => {
    const pts = ys.slice(1).map((y, i) => [i + 2, y] as const);
    if (pts.length < 2) return 0;
    const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
    const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
    return (pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / pts.reduce((a, [x]) => a + (x - mx) ** 2, 0)) * 60;
  };
  const first = rows[0]!;
  const last = rows.at(-1)!;
  console.log(
    `summary: ${rows.reduce((a, r) => a + r.n, 0)} requests, ${rows.reduce((a, r) => a + r.errors, 0)} errors; ` +
      `rss ${mb(s0.rss)} → ${mb(last.s.rss)} MB (${mb(slope(rows.map((r) => r.s.rss)))} MB/h), heap ${mb(s0.heapUsed)} → ${mb(last.s.heapUsed)} MB (${mb(slope(rows.map((r) => r.s.heapUsed)))} MB/h); ` +
      `p99 first minute ${first.p99.toFixed(1)} ms, last minute ${last.p99.toFixed(1)} ms; db ${mb(last.s.dbBytes)} MB, wal ${mb(last.s.walBytes)} MB; queue ${JSON.stringify(last.s.queue)}`,
  );
  // Per route: where a drift comes from (first vs last minute).
  const pct = (xs: number[] | undefined, p: number) => {
    if (!xs?.length) return NaN;
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  };
  const firstRoutes = routeMinutes[0]!;
  const lastRoutes = routeMinutes.at(-1)!;
  console.log('route                         n(first)  p50 first→last ms   p99 first→last ms');
  for (const route of [...new Set([...firstRoutes.keys(), ...lastRoutes.keys()])].sort()) {
    const f = firstRoutes.get(route);
    const l = lastRoutes.get(route);
    console.log(
      `${route.padEnd(30)}${String(f?.length ?? 0).padStart(8)}  ${pct(f, 0.5).toFixed(1).padStart(7)} → ${pct(l, 0.5).toFixed(1).padEnd(8)}  ${pct(f, 0.99).toFixed(1).padStart(7)} → ${pct(l, 0.99).toFixed(1)}`,
    );
  }
  if (errorKinds.size) console.log('4xx/5xx by kind:', JSON.stringify(Object.fromEntries(errorKinds)));
  await new Promise<void>((r) => {
    child.once('exit', () => r());
    child.send({ cmd: 'stop' });
  });
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
