/**
 * Store calls of one turn on DynamoDB Local beside SQLite (a benchmark, not a test): the run
 * created already leased, the session owner and the last 20 turns read, the user's summary and
 * facts read, a checkpoint per step (step record + run patch + lease check), the turn pair
 * appended, the final checkpoint with the result, and the two budget reads. Same calls, same
 * order, on both adapters; sequential turns (latency) and then --concurrency turns at once
 * (throughput). DynamoDB Local is a Java emulator on this machine, so its figures are for
 * comparing call patterns, not a forecast of DynamoDB's own latency (single-digit ms per call).
 *
 *   npx tsx bench/dynamo-stores.ts [--turns 200] [--concurrency 20] [--steps 6]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { UsageLedger } from '../src/learning/budget.js';
import type { MemoryStore } from '../src/memory/memory-store.js';
import type { SessionStore } from '../src/memory/session-store.js';
import { connectDynamo, ensureTables } from '../src/stores/dynamodb/client.js';
import { DynamoMemoryStore } from '../src/stores/dynamodb/memory-store.js';
import { DynamoRunStore } from '../src/stores/dynamodb/run-store.js';
import { DynamoSessionStore } from '../src/stores/dynamodb/session-store.js';
import { DynamoRunUsageLedger } from '../src/stores/dynamodb/usage-ledger.js';
import { openDatabase } from '../src/stores/sqlite/database.js';
import { SqliteMemoryStore } from '../src/stores/sqlite/memory-store.js';
import { SqliteRunStore } from '../src/stores/sqlite/run-store.js';
import { SqliteSessionStore } from '../src/stores/sqlite/session-store.js';
import { SqliteRunUsageLedger } from '../src/stores/sqlite/usage-ledger.js';
import type { RunStore } from '../src/workflow/run-store.js';
import type { RunResult } from '../src/workflow/types.js';
import { startDynamoLocal } from '../test/dynamo-local-process.js';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '20' }, steps: { type: 'string', default: '6' } } });
const TURNS = Math.min(Number(values.turns), 10_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 200);
const STEPS = Math.min(Number(values.steps), 20);

interface Stores {
  runs: RunStore;
  sessions: SessionStore;
  memory: MemoryStore;
  usage: UsageLedger;
}

let calls = 0;
/** Per call kind (store.method), the sequential phase's durations. */
let byCall: Map<string, number[]> | null = null;
function timed<T extends object>(name: string, store: T): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const key = `${name}.${String(prop)}${prop === 'used' ? `(${String(args[0])})` : ''}`;
          if (byCall) (byCall.get(key) ?? byCall.set(key, []).get(key)!).push(performance.now() - t0);
        }
      };
    },
  });
}
const wrap = (s: Stores): Stores => ({ runs: timed('runs', s.runs), sessions: timed('sessions', s.sessions), memory: timed('memory', s.memory), usage: timed('usage', s.usage) });
const breakdown = new Map<string, Map<string, number>>();
async function turn(s: Stores, i: number, tag: string): Promise<void> {
  const runId = `${tag}_run_${i}`;
  const sessionId = `s${i % 50}`;
  const now = Date.now();
  const owner = 'bench-engine';
  const tenantId = 'bench';
  await s.runs.createRun({ runId, traceId: `tr_${i}`, tenantId, sessionId, userId: 'u', message: 'What is the rate limit?', currentState: 'Dispatch', createdAt: now, lease: { owner, until: now + 60_000 } });
  await Promise.all([
    s.sessions.sessionOwner({ tenantId, sessionId }),
    s.sessions.recentTurns({ tenantId, sessionId, limit: 20 }),
    s.memory.getSummary({ tenantId, sessionId }),
    s.memory.listFacts({ tenantId, userId: 'u', limit: 20 }),
    s.usage.used('session', `${tenantId}/${sessionId}`),
    s.usage.used('tenant', tenantId),
  ]);
  calls += 7;
  for (let k = 0; k < STEPS; k++) {
    const step = { step: `Step${k}`, attempt: 1, status: 'succeeded' as const, input: { k }, output: { note: 'x'.repeat(200) }, startedAt: now + k, finishedAt: now + k + 1 };
    await s.runs.checkpoint({ runId, owner, step, patch: { currentState: `Step${k + 1}`, attemptsDelta: 1 }, now: now + k + 1, leaseUntil: now + 60_000 });
    calls++;
  }
  await s.sessions.appendTurns({
    turns: [
      { tenantId, sessionId, userId: 'u', role: 'user', content: [{ text: 'What is the rate limit?' }], inputTokens: 10, outputTokens: 0, runId },
      { tenantId, sessionId, userId: 'u', role: 'assistant', content: [{ text: 'The limit is 100 req/s.' }], inputTokens: 0, outputTokens: 12, runId },
    ],
  });
  const result = { runId, traceId: `tr_${i}`, sessionId, status: 'COMPLETED', answer: 'The limit is 100 req/s.', learnings: [], toolCalls: [], usage: { inputTokens: 10, outputTokens: 12, totalTokens: 22 }, iterations: 1 } as RunResult;
  await s.runs.checkpoint({ runId, owner, patch: { status: 'COMPLETED', result, release: true }, now: now + STEPS + 2, leaseUntil: 0 });
  calls += 2;
}

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(name: string, raw: Stores): Promise<string> {
  const s = wrap(raw);
  for (let i = 0; i < 10; i++) await turn(s, i, `${name}_warm`);
  calls = 0;
  byCall = new Map();
  const lat: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const t0 = performance.now();
    await turn(s, i, `${name}_seq`);
    lat.push(performance.now() - t0);
  }
  const perTurn = calls / TURNS;
  breakdown.set(name, new Map([...byCall].map(([k, xs]) => [k, pct(xs, 50)])));
  byCall = null;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TURNS) await turn(s, next++, `${name}_par`);
    }),
  );
  const tps = TURNS / ((performance.now() - t0) / 1000);
  return `${name.padEnd(16)} ${perTurn.toFixed(0).padStart(5)} ${pct(lat, 50).toFixed(2).padStart(9)} ${pct(lat, 95).toFixed(2).padStart(9)} ${tps.toFixed(0).padStart(12)}`;
}

const rows: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'lore-bench-stores-'));
const db = openDatabase(join(dir, 'lore.db'));
rows.push(await measure('sqlite', { runs: new SqliteRunStore(db), sessions: new SqliteSessionStore(db, { ttlSeconds: 3600 }), memory: new SqliteMemoryStore(db), usage: new SqliteRunUsageLedger(db) }));
db.close();
rmSync(dir, { recursive: true, force: true });

const local = await startDynamoLocal({ steadyState: true });
try {
  const d = connectDynamo({ endpoint: local.endpoint, region: local.region, credentials: local.credentials, tablePrefix: 'bench-' });
  await ensureTables(d);
  rows.push(await measure('dynamodb-local', { runs: new DynamoRunStore(d), sessions: new DynamoSessionStore(d, { ttlSeconds: 3600 }), memory: new DynamoMemoryStore(d), usage: new DynamoRunUsageLedger(d) }));
  d.raw.destroy();
} finally {
  await local.stop();
}

console.log(`\nStore calls of one turn (${STEPS} step checkpoints), ${TURNS} turns sequential, then ${TURNS} at concurrency ${CONCURRENCY}`);
console.log(`${'backend'.padEnd(16)} calls   p50(ms)   p95(ms)  turns/s(par)`);
for (const r of rows) console.log(r);

console.log(`\np50 per call (ms), sequential phase`);
const names = [...breakdown.keys()];
console.log(`${'call'.padEnd(34)}${names.map((n) => n.padStart(16)).join('')}`);
for (const call of breakdown.get(names[0]!)!.keys()) console.log(`${call.padEnd(34)}${names.map((n) => (breakdown.get(n)!.get(call) ?? NaN).toFixed(2).padStart(16)).join('')}`);
