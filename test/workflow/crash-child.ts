/**
 * A Lore process for the crash test: opens the database, recovers whatever the previous (killed)
 * process left in flight, then runs turns until it is killed with SIGKILL.
 *
 *   node --import tsx test/workflow/crash-child.ts <dbPath> <effectLogPath>
 *
 * stdout protocol, one line each: READY · RECOVERED <n> · ACCEPTED <runId> (the run row is
 * committed: the turn is acknowledged) · STEP <runId> <state> (a workflow step starts, so the
 * parent knows where a kill landed) · DONE <runId> <status>.
 */
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import { createRuntime } from '../../src/runtime.js';
import { SqliteRunStore } from '../../src/stores/sqlite/run-store.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { defineTool, type AnyTool } from '../../src/tools/tool.js';
import { createWorkflowEngine } from '../../src/workflow/engine.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/** The mutating tool: its "side effect" is one appended line carrying the idempotency key. */
export function ledgerRefundTool(logPath: string): AnyTool {
  return defineTool({
    name: 'issue_refund',
    description: 'Issue a refund of an amount of money for an order.',
    input: z.object({ order_id: z.string(), amount: z.number().positive() }),
    mutating: true,
    handler: (input, ctx) => {
      appendFileSync(logPath, `${ctx.idempotencyKey} ${input.order_id} ${input.amount}\n`);
      return { refund_id: `rf_${input.order_id}`, status: 'refunded', amount: input.amount };
    },
  }) as unknown as AnyTool;
}

/** Turn n's message: learnings, a mutating tool, a read-only tool, feedback and a KB question. */
export function messageFor(n: number): string {
  switch (n % 5) {
    case 0:
      return `Update: the cache TTL of service svc-${n} was changed to ${(n % 97) + 3} minutes.`;
    case 1:
      return `Please issue a refund of $${100 + (n % 800)} for order O-${n}`;
    case 2:
      return `What is ${n % 89}*${(n % 13) + 2}?`;
    case 3:
      return 'thumbs up, great answer';
    default:
      return `What is the cache TTL of service svc-${n - 4}?`;
  }
}

export function openLore(dbPath: string, logPath: string) {
  const config = loadConfig({}, { dataDir: dirname(dbPath), logLevel: 'silent' });
  const rt = createRuntime(config, { dbPath, provider: createOfflineProvider(), tools: [ledgerRefundTool(logPath)] });
  const runs = new SqliteRunStore(sqliteDb(rt));
  const engine = createWorkflowEngine({ turnDeps: rt.turnDeps, runs, approvals: config.approvals, logger: createLogger({ level: 'silent' }), recoveryConcurrency: 2 });
  return { rt, runs, engine };
}

async function main(): Promise<void> {
  const [dbPath, logPath] = process.argv.slice(2);
  if (!dbPath || !logPath) throw new Error('usage: crash-child.ts <dbPath> <effectLogPath>');
  const { engine } = openLore(dbPath, logPath);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('READY');
  say(`RECOVERED ${await engine.recoverInFlight()}`);
  // Two sessions in parallel so kills also land while runs interleave.
  let n = (process.pid % 10_000) * 1000;
  const worker = async (session: string) => {
    for (;;) {
      const i = n++;
      const { runId } = await engine.enqueue({ tenantId: 'default', sessionId: session, userId: 'crash', message: messageFor(i) });
      say(`ACCEPTED ${runId}`);
      const r = await engine.resume(runId, { onEvent: (e) => e.type === 'step_started' && say(`STEP ${runId} ${e.step}`) });
      say(`DONE ${runId} ${r.status}`);
    }
  };
  await Promise.all([worker(`s-${process.pid}-a`), worker(`s-${process.pid}-b`)]);
}

if (process.argv[1] && /crash-child[\w-]*\.(ts|js|mjs)$/.test(process.argv[1])) {
  main().catch((e) => {
    process.stderr.write(`crash-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
