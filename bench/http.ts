/**
 * HTTP benchmark: POST /chat (offline model, real workflow engine, durable SQLite writes) against
 * a bare Hono route, same machine, same run. The servers run in a child process so the load
 * generator (autocannon) does not share their event loop.
 *
 *   npx tsx bench/http.ts [--duration 10] [--connections 50] [--processes 1]
 *   --processes N serves /chat from N processes (node:cluster, one SQLite file), as `lore serve
 *   --processes N` does; the bare route and the HTTP-layer-only server stay one process.
 *   LORE_BENCH_EVALUATE=1 also runs the sampled LLM judge after each turn, as `lore serve` does by default.
 */
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sqliteDb } from '../src/stores/sqlite/backend.js';

const DOC = 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.';
const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];

/** A cluster worker of the /chat server: the same runtime and service as below, on the shared port. */
async function serveChatWorker(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { createRuntime } = await import('../src/runtime.js');
  const { createAgentService } = await import('../src/service.js');
  const { SqliteFeedbackStore } = await import('../src/stores/sqlite/feedback-store.js');
  const { startServer } = await import('../src/ingress/server.js');
  const config = loadConfig({}, { dataDir: process.env.LORE_BENCH_DATA_DIR, logLevel: 'warn', 'server.rateLimitPerMinute': 100_000_000 });
  const rt = createRuntime(config);
  const svc = createAgentService(rt, { evaluate: process.env.LORE_BENCH_EVALUATE === '1' });
  const lore = await startServer(
    { config, runner: svc, sessions: rt.sessions, knowledge: rt.knowledge, feedback: new SqliteFeedbackStore(sqliteDb(rt)), metrics: rt.metrics, tracer: rt.tracing.tracer, logger: rt.logger },
    { host: '127.0.0.1', port: Number(process.env.LORE_BENCH_PORT) },
  );
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd !== 'stop') return;
    await lore.close();
    await svc.close();
    rt.close();
    process.exit(0);
  });
  process.send!({ ready: true });
}

async function serve(processes: number): Promise<void> {
  if (cluster.isWorker) return serveChatWorker();
  const { createAdaptorServer } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const { loadConfig } = await import('../src/config.js');
  const { createRuntime } = await import('../src/runtime.js');
  const { createAgentService } = await import('../src/service.js');
  const { SqliteFeedbackStore } = await import('../src/stores/sqlite/feedback-store.js');
  const { startServer } = await import('../src/ingress/server.js');

  const dataDir = mkdtempSync(join(tmpdir(), 'lore-bench-'));
  const config = loadConfig({}, { dataDir, logLevel: 'warn', 'server.rateLimitPerMinute': 100_000_000 });
  const rt = createRuntime(config);
  // What `lore serve` runs: the durable engine + budgets, metrics and (if enabled) the sampled judge.
  const svc = createAgentService(rt, { evaluate: process.env.LORE_BENCH_EVALUATE === '1' });
  await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
  const lore =
    processes > 1
      ? await chatCluster(processes, dataDir)
      : await startServer(
          { config, runner: svc, sessions: rt.sessions, knowledge: rt.knowledge, feedback: new SqliteFeedbackStore(sqliteDb(rt)), metrics: rt.metrics, tracer: rt.tracing.tracer, logger: rt.logger },
          { host: '127.0.0.1', port: 0 },
        );

  // The same app with a runner that answers at once: what the HTTP layer itself costs per turn.
  const canned = { runId: 'run_x', traceId: 't', sessionId: 's', status: 'COMPLETED' as const, answer: 'ok', learnings: [], toolCalls: [], usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, iterations: 1 };
  const noop = { ...svc, start: async (p: { sessionId: string; runId?: string }) => ({ ...canned, sessionId: p.sessionId, runId: p.runId ?? 'run_x' }) };
  const ingressOnly = await startServer(
    { config, runner: noop, sessions: rt.sessions, knowledge: rt.knowledge, feedback: new SqliteFeedbackStore(sqliteDb(rt)), metrics: rt.metrics, logger: rt.logger },
    { host: '127.0.0.1', port: 0 },
  );

  const bare = new Hono();
  bare.post('/bare', async (c) => c.json({ ok: true, got: ((await c.req.json()) as { message?: string }).message?.length ?? 0 }));
  const bareServer = createAdaptorServer({ fetch: bare.fetch });
  await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));
  const barePort = (bareServer.address() as { port: number }).port;

  // Event-loop delay of the server process (all three servers share it; read per load phase):
  // a seconds-long p99 with a short p50 means the loop stalls, not that turns are slow.
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  let cpuFrom = process.cpuUsage();
  process.send!({ lore: lore.url, ingress: ingressOnly.url, bare: `http://127.0.0.1:${barePort}` });
  process.on('message', async (m: { cmd: string; drain?: boolean }) => {
    if (m.cmd === 'eld') {
      // After the warm-up, count the after-turn memory work it left running too.
      if (m.drain) await svc.memoryJobs.drain();
      // CPU of the server process over the phase: per turn, it moves far less with the neighbours'
      // load than req/s does.
      const cpu = process.cpuUsage(cpuFrom);
      process.send!({ eld: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6, cpuUs: cpu.user + cpu.system } });
      eld.reset();
      cpuFrom = process.cpuUsage();
    } else if (m.cmd === 'stats') {
      const counts = sqliteDb(rt).prepare(`SELECT (SELECT count(*) FROM workflow_runs) AS runs, (SELECT count(*) FROM workflow_steps) AS steps, (SELECT count(*) FROM turns) AS turns`).get();
      process.send!({ counts });
    } else if (m.cmd === 'stop') {
      await lore.close();
      await ingressOnly.close();
      await svc.close();
      bareServer.close();
      rt.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
}

/** Fork the /chat workers on one free port; resolves once all listen. */
async function chatCluster(processes: number, dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((r) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => r(p));
    });
  });
  const workers = Array.from({ length: processes }, () => cluster.fork({ LORE_BENCH_DATA_DIR: dataDir, LORE_BENCH_PORT: String(port) }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => Promise.all(workers.map((w) => new Promise((r) => (w.once('exit', r), w.send({ cmd: 'stop' }))))).then(() => {}),
  };
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

function load(name: string, url: string, duration: number, connections: number): Promise<Result> {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        duration,
        connections,
        headers: { 'content-type': 'application/json' },
        // Many sessions, a mix of KB questions, arithmetic (a tool call) and chitchat.
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ session_id: `bench-${n % 500}`, message: QUESTIONS[n++ % QUESTIONS.length] }) }) }],
      },
      (err, r) => {
        if (err) return reject(err);
        const ok = r['2xx'];
        resolve({ name, rps: ok / r.duration, p50: r.latency.p50, p99: r.latency.p99, ok, errors: r.non2xx + r.errors + r.timeouts });
      },
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, processes: { type: 'string', default: '1' }, serve: { type: 'boolean' } },
  });
  const processes = Math.max(1, Math.min(Number(values.processes), 16));
  if (values.serve) return serve(processes);
  const duration = Math.min(Number(values.duration), 30);
  const connections = Math.min(Number(values.connections), 50);
  // LORE_BENCH_PROFILE=<dir> writes a CPU profile of the server process there, to see where turns spend their time.
  const prof = process.env.LORE_BENCH_PROFILE;
  const execArgv = ['--import', 'tsx', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])];
  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--processes', String(processes)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const urls = await new Promise<{ lore: string; ingress: string; bare: string }>((r) => child.once('message', (m) => r(m as { lore: string; ingress: string; bare: string })));
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`load: autocannon, ${connections} connections, ${duration} s each (after a 2 s warm-up); /chat served by ${processes} process${processes > 1 ? 'es' : ''}\n`);

  type Eld = { p50: number; p99: number; max: number; cpuUs: number };
  const eldOf = async (drain = false): Promise<Eld> => {
    child.send({ cmd: 'eld', drain });
    return new Promise((r) => child.once('message', (m) => r((m as { eld: Eld }).eld)));
  };
  await eldOf();
  // The /chat warm-up is where the bench's 500 sessions (all of one user) start: each new session
  // also finalises the user's earlier sessions, after the turn.
  const warm = await load('warm-up', `${urls.lore}/chat`, 2, connections);
  const warmEld = await eldOf(true);
  await load('warm-up', `${urls.bare}/bare`, 2, connections);
  await eldOf();
  const chat = await load(`POST /chat (offline model, durable${processes > 1 ? `, ×${processes}` : ''})`, `${urls.lore}/chat`, duration, connections);
  const chatEld = await eldOf();
  const bare = await load('POST /bare (bare Hono)', `${urls.bare}/bare`, duration, connections);
  const ingress = await load('POST /chat (no-op runner: HTTP layer only)', `${urls.ingress}/chat`, duration, connections);
  child.send({ cmd: 'stats' });
  const stats = await new Promise<{ counts: Record<string, number> }>((r) => child.once('message', (m) => r(m as { counts: Record<string, number> })));

  for (const r of [chat, bare, ingress]) {
    console.log(`${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   ok ${r.ok}   errors ${r.errors}`);
  }
  const ms = (v: number): string => v.toFixed(0);
  console.log(`event-loop delay of the server during /chat${processes > 1 ? ' (the primary; workers not measured)' : ''}: p50 ${ms(chatEld.p50)} ms, p99 ${ms(chatEld.p99)} ms, max ${ms(chatEld.max)} ms`);
  if (processes === 1) console.log(`server CPU per /chat turn in the warm-up (sessions starting; after-turn jobs drained): ${(warmEld.cpuUs / Math.max(1, warm.ok)).toFixed(0)} µs (${warm.ok} turns)`);
  if (processes === 1) console.log(`server CPU per /chat turn: ${(chatEld.cpuUs / chat.ok).toFixed(0)} µs (${chat.ok} turns, ${(chatEld.cpuUs / 1e6).toFixed(1)} s CPU in ${duration} s)`);
  const ratio = chat.rps / bare.rps;
  console.log(`\nturns/s: ${chat.rps.toFixed(0)}   ratio to bare route: ${(ratio * 100).toFixed(1)} % (target ≥ 15 %)`);
  console.log(`HTTP layer alone: ${ingress.rps.toFixed(0)} req/s = ${((ingress.rps / bare.rps) * 100).toFixed(0)} % of the bare route; the rest of a turn's time is the engine and its stores.`);
  console.log(`written during the whole run (incl. warm-up): ${JSON.stringify(stats.counts)}`);
  child.send({ cmd: 'stop' });
}

await main();
