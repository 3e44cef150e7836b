/**
 * Memory benchmark (not a test): a 200-turn session with the offline model, run twice — without
 * compression (a window of the last 200 turns: everything) and with it (window of 10 turns /
 * 1000 tokens, the rest folded into a rolling summary). Prints the context tokens per turn (the
 * memory blocks and turns, not the fixed instructions), whether turn 200 still recalls turn 2, the
 * time the summarisation took after each turn (off the critical path), and the turn latency.
 *
 *   npx tsx bench/memory.ts [--turns 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTurnContext } from '../src/agent/turn.js';
import { loadConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { createAgentService } from '../src/service.js';
import { estimateTokens } from '../src/util/tokens.js';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '200' } } });
const TURNS = Number(values.turns);
if (!(TURNS >= 5)) throw new Error('--turns must be at least 5');

/**
 * Turn 2 states a fact about the user (kept in their own memory, in every session) and turn 3 one
 * only this conversation holds (no learning: only the window or the summary can bring it back).
 */
function message(n: number): string {
  if (n === 2) return 'My invoice number is INV-4471 and my account manager is Priya.';
  if (n === 3) return 'The ticket for this delivery problem is TCK-5521.';
  if (n === TURNS - 1) return 'What was the ticket for this delivery problem?';
  if (n === TURNS) return 'What is my invoice number?';
  if (n % 3 === 0) return `The courier for parcel ${n} is DHL, and the parcel weighs ${n % 17} kg.`;
  if (n % 3 === 1) return `What is the usual delivery time for parcel ${n}?`;
  return `Can you check the status of shipment ${n} for me, please?`;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

async function run(label: string, overrides: Record<string, unknown>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-bench-memory-'));
  const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent', ...overrides }));
  const svc = createAgentService(rt, { evaluate: false });
  const tokens: number[] = [];
  const latency: number[] = [];
  let last = '';
  let ticket = '';
  try {
    for (let n = 1; n <= TURNS; n++) {
      const input = { runId: `probe-${n}`, traceId: 't', tenantId: rt.config.tenant, sessionId: 'long', userId: 'ana', message: message(n) };
      const ctx = await buildTurnContext(rt.turnDeps, input);
      const memory = ctx.system.slice(1).map((b) => ('text' in b ? b.text : '')).join('\n');
      tokens.push(estimateTokens(memory) + estimateTokens(JSON.stringify(ctx.messages)));
      const t0 = performance.now();
      last = (await svc.start({ tenantId: rt.config.tenant, sessionId: 'long', userId: 'ana', message: input.message })).answer;
      if (n === TURNS - 1) ticket = last;
      latency.push(performance.now() - t0);
      await svc.memoryJobs.drain();
    }
    const summ = svc.memoryJobs.timings;
    console.log(`\n== ${label}`);
    console.log(`context tokens at turn   ${[1, 10, 25, 50, 100, 150, TURNS].filter((t) => t <= TURNS).map((t) => `${t}: ${tokens[t - 1]}`).join('  ')}`);
    console.log(`context tokens max       ${Math.max(...tokens)}   mean ${Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length)}`);
    console.log(`turn ${TURNS - 1} recalls turn 3   ${ticket.includes('TCK-5521') ? 'yes' : 'no'}  (said in the session only: "${ticket.slice(0, 70)}")`);
    console.log(`turn ${TURNS} recalls turn 2   ${last.includes('INV-4471') ? 'yes' : 'no'}  (a fact about the user, in their memory: "${last.slice(0, 70)}")`);
    console.log(`turn latency ms          p50 ${pct(latency, 50).toFixed(1)}  p95 ${pct(latency, 95).toFixed(1)}`);
    if (summ.length) console.log(`summarisation ms (after the turn, off the critical path)  p50 ${pct(summ, 50).toFixed(2)}  p95 ${pct(summ, 95).toFixed(2)}  max ${Math.max(...summ).toFixed(2)}  (${summ.length} jobs)`);
    const s = await rt.memory.store.getSummary({ tenantId: rt.config.tenant, sessionId: 'long' });
    if (s) console.log(`summary                  ${s.coveredTurns} turns in ${estimateTokens(s.text)} tokens`);
  } finally {
    await svc.close();
    rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`Memory benchmark: one ${TURNS}-turn session, offline model, SQLite.`);
await run('without compression (window = every turn)', { 'memory.historyTurns': 200, 'memory.summary.enabled': false, 'memory.sessionTtlSeconds': 86_400 });
await run('with compression (window 10 turns / 1000 tokens + rolling summary of 300 tokens)', { 'memory.historyTurns': 10, 'memory.summary.windowTokens': 1000, 'memory.summary.maxTokens': 300, 'memory.sessionTtlSeconds': 86_400 });
