/**
 * Engine micro-benchmark: turns straight through the agent service (durable workflow engine,
 * offline model, SQLite on a temp dir), no HTTP. Isolates what a turn costs beyond the ingress,
 * and prints the rows and bytes a turn writes. Bounded by --turns.
 *
 * Then, as a baseline in the same run, "stores alone": the same store calls those turns made
 * (the run row, every status change and step checkpoint with the recorded step JSON, the history
 * read, the knowledge search, the turn pair) replayed without the engine, model, tools or spans.
 * That is the floor of a durable turn on this storage design; the difference is the engine.
 *
 *   npx tsx bench/turns.ts [--turns 3000] [--concurrency 50] [--sessions 500]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/turns.ts   (to profile)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { createAgentService } from '../src/service.js';
import { SqliteRunStore } from '../src/stores/sqlite/run-store.js';
import type { RunRecord } from '../src/workflow/types.js';
import { sqliteDb } from '../src/stores/sqlite/backend.js';

const DOC = 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.';
const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];

const { values } = parseArgs({ options: { turns: { type: 'string', default: '3000' }, concurrency: { type: 'string', default: '50' }, sessions: { type: 'string', default: '500' } } });
const total = Math.min(Number(values.turns), 100_000);
const concurrency = Math.min(Number(values.concurrency), 500);
const sessions = Number(values.sessions);

const dataDir = mkdtempSync(join(tmpdir(), 'lore-turns-'));
const config = loadConfig({}, { dataDir, logLevel: 'warn' });
const rt = createRuntime(config);
const svc = createAgentService(rt, { evaluate: false });
await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });

let n = 0;
let failed = 0;
async function worker(limit: number): Promise<void> {
  while (n < limit) {
    const i = n++;
    const r = await svc.start({ tenantId: config.tenant, sessionId: `bench-${i % sessions}`, userId: 'bench', message: QUESTIONS[i % QUESTIONS.length]! });
    if (r.status !== 'COMPLETED') failed++;
  }
}
async function round(limit: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => worker(limit)));
  return performance.now() - t0;
}

await round(Math.min(500, total)); // warm-up
const start = n;
const cpu0 = process.cpuUsage();
const ms = await round(start + total);
const cpu = process.cpuUsage(cpu0);
const stats = sqliteDb(rt)
  .prepare(
    `SELECT (SELECT count(*) FROM workflow_runs) AS runs, (SELECT count(*) FROM workflow_steps) AS steps,
      (SELECT coalesce(sum(length(input)) + sum(length(output)), 0) FROM workflow_steps) AS step_bytes,
      (SELECT coalesce(sum(length(data)), 0) FROM workflow_progress) AS progress_bytes,
      (SELECT coalesce(sum(length(result)), 0) FROM workflow_runs) AS result_bytes`,
  )
  .get() as Record<string, number>;
const runs = stats.runs!;
console.log(`${total} turns, concurrency ${concurrency}, ${sessions} sessions: ${((total / ms) * 1000).toFixed(0)} turns/s, ${((ms * 1000) / total).toFixed(0)} µs/turn wall, ${((cpu.user + cpu.system) / total).toFixed(0)} µs/turn CPU (user ${(cpu.user / total).toFixed(0)} + sys ${(cpu.system / total).toFixed(0)}), failed ${failed}`);
console.log(
  `per run: ${(stats.steps! / runs).toFixed(2)} step rows, ${(stats.step_bytes! / runs).toFixed(0)} B step JSON, ${(stats.progress_bytes! / runs).toFixed(0)} B progress, ${(stats.result_bytes! / runs).toFixed(0)} B result`,
);

// Stores alone: replay the recorded runs' store calls, same concurrency.
const runStore = new SqliteRunStore(sqliteDb(rt));
const runIds = sqliteDb(rt).prepare('SELECT run_id FROM workflow_runs ORDER BY created_at DESC LIMIT ?').pluck().all(Math.min(total, 2000)) as string[];
const records = (await Promise.all(runIds.map((id) => runStore.getRun({ runId: id })))).filter((r): r is RunRecord => r !== null);
const owner = 'bench-replay';
async function replay(r: RunRecord, i: number): Promise<void> {
  const runId = `replay_${i}`;
  const t = Date.now();
  const lease = { runId, owner, now: t, leaseUntil: t + 60_000 };
  await runStore.createRun({ runId, traceId: r.traceId, tenantId: r.tenantId, sessionId: r.sessionId, userId: r.userId, message: r.message, currentState: 'Dispatch', createdAt: t, lease: { owner, until: t + 60_000 } });
  for (const step of r.steps) {
    if (step.step === 'BuildContext') {
      await Promise.all([rt.sessions.recentTurns({ tenantId: r.tenantId, sessionId: r.sessionId, limit: config.memory.historyTurns }), rt.knowledge.search({ tenantId: r.tenantId, query: r.message, topK: config.memory.topK })]);
    }
    if (step.step === 'Reason') await runStore.checkpoint({ ...lease, patch: { status: 'REASONING' } });
    await runStore.checkpoint({ ...lease, patch: { currentState: step.step, attemptsDelta: 1 }, step });
    if (step.step === 'HandleResponse') {
      const base = { tenantId: r.tenantId, sessionId: r.sessionId, userId: r.userId, runId, traceId: r.traceId, inputTokens: 0, outputTokens: 0 };
      await rt.sessions.appendTurns({ turns: [{ ...base, role: 'user', content: [{ text: r.message }] }, { ...base, role: 'assistant', content: [{ text: r.result?.answer ?? '' }] }] });
    }
  }
  await runStore.checkpoint({ ...lease, patch: { status: 'COMPLETED', result: r.result ?? null, release: true } });
}
let k = 0;
const replayCpu0 = process.cpuUsage();
const replayT0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  for (let i = k++; i < records.length; i = k++) await replay(records[i]!, i);
}));
const replayMs = performance.now() - replayT0;
const replayCpu = process.cpuUsage(replayCpu0);
const perTurnCpu = (cpu.user + cpu.system) / total;
const replayPerTurnCpu = (replayCpu.user + replayCpu.system) / records.length;
console.log(
  `stores alone (the same store calls, no engine/model/spans), ${records.length} runs: ${((records.length / replayMs) * 1000).toFixed(0)} turns/s, ${replayPerTurnCpu.toFixed(0)} µs/turn CPU = ${((replayPerTurnCpu / perTurnCpu) * 100).toFixed(0)} % of a full turn`,
);
await svc.close();
rt.close();
rmSync(dataDir, { recursive: true, force: true });
