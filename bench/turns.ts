/**
 * Engine micro-benchmark: turns straight through the agent service (durable workflow engine,
 * offline model, SQLite on a temp dir), no HTTP. Prints, in one run:
 *   - the durable turn ONE AT A TIME (median and p90 µs of CPU per turn) and at --concurrency;
 *   - commits (SQLite transactions) per turn, counted by wrapping the better-sqlite3 connection;
 *   - "stores alone": the same store calls those turns made (run row, step checkpoints with the
 *     recorded step JSON, every read of the session, memory and knowledge stores recorded while
 *     the turns ran — history, knowledge search, user memory, the summariser's after-turn reads —,
 *     run context, the turn pair), replayed without the engine, model, tools or spans: the floor of
 *     a durable turn on this storage;
 *   - the in-memory agent loop (model + tools over an already built context, nothing durable);
 *   - telemetry with no exporter: the default (spans recorded for GET /runs/:id/trace) against
 *     `telemetry.recentTraces: false` (nobody listens: no span recorded), turns interleaved;
 *   - async hooks: the turn with no telemetry path, with and without the process's one
 *     AsyncLocalStorage (OpenTelemetry's context manager, which also carries the log ids), in
 *     alternating blocks: the most that passing span parents and log ids explicitly could save.
 *
 *   npx tsx bench/turns.ts [--turns 3000] [--concurrency 50] [--sessions 500] [--dynamodb]
 *   (--dynamodb: the same turns on DynamoDB Local beside SQLite at the end; bench/turns-dynamodb.ts)
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/turns.ts   (to profile)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import Database from 'better-sqlite3';
import { runAgentLoop } from '../src/agent/loop.js';
import { buildTurnContext } from '../src/agent/turn.js';
import { loadConfig } from '../src/config.js';
import { createOfflineProvider } from '../src/models/offline/index.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createAgentService, type AgentService } from '../src/service.js';
import { SqliteRunStore } from '../src/stores/sqlite/run-store.js';
import { sqliteDb } from '../src/stores/sqlite/backend.js';
import type { RunRecord } from '../src/workflow/types.js';

const DOC = 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.';
const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];

const { values } = parseArgs({ options: { turns: { type: 'string', default: '3000' }, concurrency: { type: 'string', default: '50' }, sessions: { type: 'string', default: '500' }, dynamodb: { type: 'boolean', default: false } } });
const total = Math.min(Number(values.turns), 100_000);
const concurrency = Math.min(Number(values.concurrency), 500);
const sessions = Number(values.sessions);

// ---- Commit counter: every real transaction on any connection (not savepoints, which nest in one).
let commits = 0;
{
  const proto = Database.prototype as unknown as { transaction: (fn: (...a: unknown[]) => unknown) => unknown; exec: (sql: string) => unknown };
  const transaction = proto.transaction;
  proto.transaction = function (this: Database.Database, fn) {
    const t = transaction.call(this, fn) as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown);
    const db = this;
    const count = (f: (...a: unknown[]) => unknown) =>
      function (this: unknown, ...a: unknown[]) {
        if (!db.inTransaction) commits++;
        return f.apply(this, a);
      };
    const wrapped = count(t) as unknown as Record<string, unknown>;
    for (const k of ['deferred', 'immediate', 'exclusive']) wrapped[k] = count(t[k]!);
    wrapped.default = wrapped;
    return wrapped;
  };
  const exec = proto.exec;
  proto.exec = function (this: Database.Database, sql: string) {
    if (/^\s*BEGIN\b/i.test(sql) && !this.inTransaction) commits++;
    return exec.call(this, sql);
  };
  // A write statement run outside a transaction is a commit of its own (autocommit).
  const probe = new Database(':memory:');
  const stmtProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown; database: Database.Database };
  probe.close();
  const run = stmtProto.run;
  const control = /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i; // run by transaction() itself
  stmtProto.run = function (this: { readonly: boolean; source: string; database: Database.Database }, ...a: unknown[]) {
    if (!this.readonly && !this.database.inTransaction && !control.test(this.source)) commits++;
    return run.apply(this, a);
  };
}

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const median = (xs: number[]) => pct(xs, 0.5);
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

interface Rig {
  dataDir: string;
  rt: Runtime;
  svc: AgentService;
}
/**
 * Telemetry modes, all without an exporter: 'recording' is the default (spans kept for
 * GET /runs/:id/trace); 'noop' is `telemetry.recentTraces: false`, where nobody listens; 'none'
 * takes the telemetry path out altogether (no tracer, uninstrumented model provider, so no model
 * metrics either) as the reference for what 'noop' should cost: ~nothing more.
 */
async function rig(mode: 'recording' | 'noop' | 'none'): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-turns-'));
  const config = loadConfig({}, { dataDir, logLevel: 'warn', 'telemetry.recentTraces': mode === 'recording' });
  const rt0 = createRuntime(config);
  const provider = createOfflineProvider();
  const rt: Runtime = mode === 'none' ? { ...rt0, provider, turnDeps: { ...rt0.turnDeps, provider, tracer: undefined } } : rt0;
  const svc = createAgentService(rt, { evaluate: false });
  await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
  return { dataDir, rt, svc };
}
async function close(r: Rig): Promise<void> {
  await r.svc.close();
  r.rt.close();
  rmSync(r.dataDir, { recursive: true, force: true });
}

/** Each rig walks the same sequence of sessions and questions (interleaved rigs get the same mix). */
const seqs = new Map<string, number>();
const rigIds = new WeakMap<Rig, number>();
let rigCount = 0;
/** `prefix` names the sessions and users: the warm-up's own ones leave the measured mix as it was. */
async function turn(r: Rig, prefix = 'bench'): Promise<boolean> {
  if (!rigIds.has(r)) rigIds.set(r, rigCount++);
  const key = `${rigIds.get(r)}/${prefix}`;
  const i = seqs.get(key) ?? 0;
  seqs.set(key, i + 1);
  const res = await r.svc.start({ tenantId: r.rt.config.tenant, sessionId: `${prefix}-${i % sessions}`, userId: `${prefix}-user-${i % sessions}`, message: QUESTIONS[i % QUESTIONS.length]! });
  return res.status === 'COMPLETED';
}

/**
 * The floor replays the store calls the measured turns really made. Reads of the session, memory
 * and knowledge stores are recorded per turn (method and arguments) while the turns run, and
 * replayed verbatim; the run store's writes and the turn pair are replayed from the run records
 * (fresh run ids, so they are real writes). Other writes (summaries, learnings, facts: rare in this
 * mix) are counted and printed, not replayed.
 */
const READS: Record<string, string[]> = {
  sessions: ['recentTurns', 'getSession', 'sessionOwner', 'listSessions'],
  memory: ['getSummary', 'searchSummaries', 'listSummaries', 'listFacts', 'getFact'],
  knowledge: ['getDocument', 'listDocuments', 'findByHash', 'search', 'history', 'countLearningsSince', 'runContext', 'runContextChunks'],
};
const WRITES: Record<string, string[]> = {
  sessions: ['appendTurns', 'setTurnText', 'deleteSession'],
  memory: ['putSummary', 'deleteSummary', 'addFact', 'updateFact', 'deleteFact', 'forgetUser'],
  knowledge: ['upsertDocument', 'supersede', 'deleteDocument', 'restoreDocument', 'recordEvent', 'review', 'vote', 'recordRunContext'],
};
const REPLAYED_WRITES = new Set(['appendTurns', 'recordRunContext']);
interface StoreCall { target: Record<string, (...a: unknown[]) => Promise<unknown>>; method: string; args: unknown[] }
let callLog: StoreCall[][] | undefined;
let otherWrites = 0;
function recordStoreCalls(rt: Runtime): void {
  const stores: Record<string, object> = { sessions: rt.sessions, memory: rt.memory.store, knowledge: rt.knowledge };
  for (const [name, store] of Object.entries(stores)) {
    const target = store as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const method of [...READS[name]!, ...WRITES[name]!]) {
      if (typeof target[method] !== 'function') continue;
      const original = target[method]!.bind(store);
      const read = READS[name]!.includes(method);
      target[method] = (...args: unknown[]) => {
        if (callLog) {
          if (read) callLog.at(-1)?.push({ target, method, args });
          else if (!REPLAYED_WRITES.has(method)) otherWrites++;
        }
        return original(...args);
      };
    }
  }
}

/** One turn at a time: per-turn CPU (median, p90) and commits per turn. */
async function serial(r: Rig, count: number, prefix?: string): Promise<{ median: number; p90: number; commits: number; failed: number; first: number; later: number }> {
  const samples: number[] = [];
  const first: number[] = [];
  const later: number[] = [];
  let failed = 0;
  const c0 = commits;
  for (let k = 0; k < count; k++) {
    callLog?.push([]);
    const t0 = cpuNow();
    if (!(await turn(r, prefix))) failed++;
    const cpu = cpuNow() - t0;
    samples.push(cpu);
    (k < sessions ? first : later).push(cpu);
  }
  return { median: median(samples), p90: pct(samples, 0.9), commits: (commits - c0) / count, failed, first: median(first), later: median(later) };
}

/** `concurrency` turns in flight at once. */
async function concurrent(r: Rig, count: number): Promise<{ perTurnCpu: number; turnsPerS: number; commits: number; failed: number }> {
  let left = count;
  let failed = 0;
  const c0 = commits;
  const cpu0 = cpuNow();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) if (!(await turn(r))) failed++;
    }),
  );
  const ms = performance.now() - t0;
  return { perTurnCpu: (cpuNow() - cpu0) / count, turnsPerS: (count / ms) * 1000, commits: (commits - c0) / count, failed };
}

const us = (n: number) => `${n.toFixed(0)} µs`;
console.log(`machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);

const main = await rig('recording');
const serialCount = Math.max(50, Math.min(total, 1000));
// Warm-up (JIT, statement caches) on sessions of its own, so the measured turns are the same mix
// of new and returning sessions as without it: 1,000 turns, as many as are measured.
await serial(main, serialCount, 'warm');
recordStoreCalls(main.rt);
callLog = [];
const one = await serial(main, serialCount);
const windows = callLog;
callLog = undefined;
console.log(`durable turn, one at a time (${serialCount} turns): median ${us(one.median)} CPU, p90 ${us(one.p90)}, ${one.commits.toFixed(2)} commits/turn, failed ${one.failed}`);
console.log(`  of which a session's first turn: median ${us(one.first)}; a later turn of a session: median ${us(one.later)}`);
const many = await concurrent(main, total);
console.log(`durable turn, concurrency ${concurrency} (${total} turns): ${many.turnsPerS.toFixed(0)} turns/s, ${us(many.perTurnCpu)} CPU/turn, ${many.commits.toFixed(2)} commits/turn (group commit), failed ${many.failed}`);

const stats = sqliteDb(main.rt)
  .prepare(
    `SELECT (SELECT count(*) FROM workflow_runs) AS runs, (SELECT count(*) FROM workflow_steps) AS steps,
      (SELECT coalesce(sum(length(input)) + sum(length(output)), 0) FROM workflow_steps) AS step_bytes,
      (SELECT coalesce(sum(length(data)), 0) FROM workflow_progress) AS progress_bytes,
      (SELECT coalesce(sum(length(result)), 0) FROM workflow_runs) AS result_bytes`,
  )
  .get() as Record<string, number>;
const runs = stats.runs!;
console.log(
  `per run: ${(stats.steps! / runs).toFixed(2)} step rows, ${(stats.step_bytes! / runs).toFixed(0)} B step JSON, ${(stats.progress_bytes! / runs).toFixed(0)} B progress, ${(stats.result_bytes! / runs).toFixed(0)} B result`,
);

// ---- Stores alone: replay the recorded runs' store calls (what the engine calls per turn), one at a time.
const { rt } = main;
const runStore = new SqliteRunStore(sqliteDb(rt));
const runIds = sqliteDb(rt).prepare('SELECT run_id FROM workflow_runs ORDER BY created_at DESC LIMIT ?').pluck().all(serialCount) as string[];
const records = (await Promise.all(runIds.map((id) => runStore.getRun({ runId: id })))).filter((r): r is RunRecord => r !== null);
const owner = 'bench-replay';
let replayed = 0;
async function replay(r: RunRecord, reads: StoreCall[]): Promise<void> {
  const runId = `replay_${replayed++}`;
  const t = Date.now();
  const lease = { runId, owner, now: t, leaseUntil: t + 60_000 };
  await runStore.createRun({ runId, traceId: r.traceId, tenantId: r.tenantId, sessionId: r.sessionId, userId: r.userId, message: r.message, currentState: 'Dispatch', createdAt: t, lease: { owner, until: t + 60_000 } });
  // Issued the way the engine issues them: writes pipelined in order, only the last one awaited.
  const writes: Array<Promise<unknown>> = [];
  for (const step of r.steps) {
    if (step.step === 'BuildContext') {
      // Every read the turn made (history, knowledge, user memory, the summariser's after-turn reads).
      let hits: Array<{ docId: string }> = [];
      for (const c of reads) {
        const out = await c.target[c.method]!(...c.args);
        if (c.method === 'search') hits = out as Array<{ docId: string }>;
      }
      writes.push(rt.knowledge.recordRunContext({ tenantId: r.tenantId, runId, docIds: hits.map((h) => h.docId) }));
    }
    if (step.step === 'Reason') await runStore.getProgress({ runId, step: 'Reason' });
    if (step.step === 'HandleResponse') {
      const base = { tenantId: r.tenantId, sessionId: r.sessionId, userId: r.userId, runId, traceId: r.traceId, inputTokens: 0, outputTokens: 0 };
      writes.push(rt.sessions.appendTurns({ turns: [{ ...base, role: 'user', content: [{ text: r.message }] }, { ...base, role: 'assistant', content: [{ text: r.result?.answer ?? '' }] }] }));
    }
    const last = step === r.steps.at(-1);
    writes.push(runStore.checkpoint({ ...lease, patch: { currentState: step.step, attemptsDelta: 1, ...(last ? { status: 'COMPLETED', result: r.result ?? null, release: true } : {}) }, step }));
  }
  await Promise.all(writes);
}
const floorSamples: number[] = [];
const fc0 = commits;
records.reverse(); // oldest first, as the windows were recorded
for (const [k, r] of records.entries()) {
  const t0 = cpuNow();
  await replay(r, windows[k] ?? []);
  floorSamples.push(cpuNow() - t0);
}
const floor = median(floorSamples);
const readsPerTurn = windows.reduce((n, w) => n + w.length, 0) / windows.length;
console.log(
  `stores alone (the same store calls, no engine/model/spans), ${records.length} runs one at a time: median ${us(floor)} CPU, ${((commits - fc0) / records.length).toFixed(2)} commits/turn, ${readsPerTurn.toFixed(1)} reads/turn replayed (${(otherWrites / windows.length).toFixed(2)} other writes/turn not replayed); durable turn = ${(one.median / floor).toFixed(2)}× the floor`,
);

// ---- The in-memory agent loop: the model and tools over a built context, nothing durable.
const loopSamples: number[] = [];
const raw = createOfflineProvider();
for (let k = 0; k < serialCount; k++) {
  const input = { tenantId: rt.config.tenant, sessionId: `loop-${k % sessions}`, userId: 'bench', traceId: '0'.repeat(32), runId: `loop_${k}`, message: QUESTIONS[k % QUESTIONS.length]! };
  const ctx = await buildTurnContext(rt.turnDeps, input);
  const s = rt.turnDeps.settings;
  const t0 = cpuNow();
  await runAgentLoop({ provider: raw, tools: rt.tools, system: ctx.system, messages: ctx.messages, identity: input, maxIterations: s.maxIterations, turnTokenBudget: s.turnTokenBudget, toolTimeoutMs: s.toolTimeoutMs });
  loopSamples.push(cpuNow() - t0);
}
console.log(`in-memory agent loop (model + tools, nothing durable), ${serialCount} turns: median ${us(median(loopSamples.slice(50)))} CPU`);
await close(main);

// ---- Telemetry with no exporter vs none at all, one at a time, turns interleaved (A B A B …) so
// the machine's drift and the database's growth hit both alike.
const modes = [await rig('recording'), await rig('noop'), await rig('none')];
const samples: number[][] = modes.map(() => []);
for (let k = 0; k < serialCount + 200; k++) {
  for (let m = 0; m < modes.length; m++) {
    const t0 = cpuNow();
    await turn(modes[m]!);
    if (k >= 200) samples[m]!.push(cpuNow() - t0); // the first 200 warm up
  }
}
for (const r of modes) await close(r);
const [rec, noop, none] = samples.map(median) as [number, number, number];
console.log(
  `telemetry, no exporter (interleaved, ${serialCount} turns each, median CPU): recording spans for GET /runs/:id/trace (default) ${us(rec)}; nobody listening (telemetry.recentTraces false) ${us(noop)}; no telemetry path at all ${us(none)}. Spans cost ${us(rec - noop)} a turn (${(((rec - noop) / rec) * 100).toFixed(0)} %); the no-op path ${us(noop - none)} (${(((noop - none) / noop) * 100).toFixed(0)} %)`,
);

// ---- Async hooks: Node 20 runs an enabled AsyncLocalStorage's hooks on every promise of the
// process (~170 a turn). Switching the context manager off takes them out (spans then have no
// parents and log lines no run ids, so only for measuring). Blocks of 25 turns alternate, because
// switching costs a little; both rigs take the no-telemetry path, so only the hooks differ.
{
  const pair = [await rig('none'), await rig('none')];
  const hookSamples: number[][] = [[], []];
  const setHooks = (on: boolean) => {
    context.disable(); // unregisters the global manager (and disables its AsyncLocalStorage)
    if (on) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  };
  for (let k = 0; k < serialCount + 200; k += 25) {
    for (let m = 0; m < 2; m++) {
      setHooks(m === 0);
      for (let j = 0; j < 25; j++) {
        const t0 = cpuNow();
        await turn(pair[m]!);
        if (k >= 200) hookSamples[m]!.push(cpuNow() - t0);
      }
    }
  }
  setHooks(true);
  for (const r of pair) await close(r);
  const [on, off] = hookSamples.map(median) as [number, number];
  console.log(
    `async hooks (no telemetry path, alternating blocks, ${hookSamples[0]!.length} turns each, median CPU): with the context manager ${us(on)}; without ${us(off)}. Hooks cost ${us(on - off)} a turn (${(((on - off) / on) * 100).toFixed(0)} %)`,
  );
}

if (values.dynamodb) {
  const { dynamoColumn } = await import('./turns-dynamodb.js');
  await dynamoColumn({ turns: total, concurrency, sessions });
}
