/**
 * Engine micro-benchmark: turns straight through the agent service (durable workflow engine,
 * offline model, SQLite on a temp dir), no HTTP. Isolates what a turn costs beyond the ingress,
 * and prints the rows and bytes a turn writes. Bounded by --turns.
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
const stats = rt.db
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
await svc.close();
rt.close();
rmSync(dataDir, { recursive: true, force: true });
