/**
 * The DynamoDB Local column of bench/turns.ts (`--dynamodb`): the same durable turns through the
 * agent service (offline model, same questions and sessions), with every store on DynamoDB Local
 * (LORE_STORE=dynamodb through the config, as a deployment selects it), measured beside SQLite
 * opened the same way in the same run. DynamoDB Local is a JVM on this machine answering over
 * HTTP: its figures show the cost of the round trips and the SDK, not what DynamoDB in a region
 * does (there, latency is network-bound and throughput scales out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openRuntime, type Runtime } from '../src/runtime.js';
import { createAgentService, type AgentService } from '../src/service.js';
import { startDynamoLocal, type DynamoLocal } from '../test/dynamo-local-process.js';

const DOC = 'The internal API rate limit is 100 req/s. Authentication uses OAuth 2.0 client credentials.';
const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];

interface Column {
  name: string;
  rt: Runtime;
  svc: AgentService;
  done(): Promise<void>;
}

async function column(name: 'sqlite' | 'dynamodb', local?: DynamoLocal): Promise<Column> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-turns-ddb-'));
  const env: Record<string, string> = local
    ? { LORE_STORE: 'dynamodb', LORE_DYNAMODB_ENDPOINT: local.endpoint, LORE_DYNAMODB_TABLE_PREFIX: `bench_${Date.now()}_`, AWS_REGION: local.region }
    : {};
  const config = loadConfig(env, { dataDir, logLevel: 'warn' });
  const rt = await openRuntime(config);
  const svc = createAgentService(rt, { evaluate: false });
  await rt.knowledge.upsertDocument({ tenantId: config.tenant, sourceUri: 'docs/internal-api.md', kind: 'document', text: DOC });
  return {
    name, rt, svc,
    async done() {
      await svc.close();
      await rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
async function turn(c: Column, sessions: number): Promise<boolean> {
  const i = seq++;
  const r = await c.svc.start({ tenantId: c.rt.config.tenant, sessionId: `bench-${i % sessions}`, userId: `user-${i % sessions}`, message: QUESTIONS[i % QUESTIONS.length]! });
  return r.status === 'COMPLETED';
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** One at a time (wall ms and this process's CPU per turn), then `concurrency` in flight. */
async function measure(c: Column, o: { turns: number; concurrency: number; sessions: number }) {
  for (let k = 0; k < 20; k++) await turn(c, o.sessions); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  let failed = 0;
  for (let k = 0; k < o.turns; k++) {
    const t0 = performance.now();
    const c0 = cpuNow();
    if (!(await turn(c, o.sessions))) failed++;
    wall.push(performance.now() - t0);
    cpu.push(cpuNow() - c0);
  }
  let left = o.turns;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, async () => {
    while (left-- > 0) if (!(await turn(c, o.sessions))) failed++;
  }));
  const turnsPerS = (o.turns / (performance.now() - t0)) * 1000;
  return { wallMs: median(wall), cpuUs: median(cpu), turnsPerS, failed };
}

/** Prints one line per backend; `turns` per phase is capped (DynamoDB Local does a few hundred turns/s at best). */
export async function dynamoColumn(o: { turns: number; concurrency: number; sessions: number }): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const local = await startDynamoLocal();
  try {
    const turns = Math.min(o.turns, 300);
    const concurrency = Math.min(o.concurrency, 20);
    console.log(`\nSQLite beside DynamoDB Local (same turns, config-selected backend; ${turns} turns one at a time, then ${turns} at concurrency ${concurrency}):`);
    for (const name of ['sqlite', 'dynamodb'] as const) {
      const c = await column(name, name === 'dynamodb' ? local : undefined);
      try {
        const m = await measure(c, { turns, concurrency, sessions: o.sessions });
        console.log(`  ${name.padEnd(8)}  one at a time: median ${m.wallMs.toFixed(2)} ms wall, ${m.cpuUs.toFixed(0)} µs CPU (this process); concurrency ${concurrency}: ${m.turnsPerS.toFixed(0)} turns/s; failed ${m.failed}`);
      } finally {
        await c.done();
      }
    }
  } finally {
    await local.stop();
  }
}
