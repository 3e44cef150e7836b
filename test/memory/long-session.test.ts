import { afterEach, describe, expect, it } from 'vitest';
import { buildTurnContext } from '../../src/agent/turn.js';
import { estimateTokens } from '../../src/util/tokens.js';
import { closeAll, say, stack, type Stack } from './support.js';

afterEach(closeAll);

// Learning off: turn 2 is also a fact about the user, which their own memory (or, without it, the
// knowledge base) would keep — these tests are about what the session's summary keeps.
const SMALL_WINDOW = { 'learning.mode': 'off', 'memory.historyTurns': 6, 'memory.summary.windowTokens': 200, 'memory.summary.batchTurns': 2, 'memory.summary.maxTokens': 150 };

/** Turn n of a long support conversation: the fact at turn 2, then questions and other details. */
function message(n: number): string {
  if (n === 1) return 'Hi, I need help with a billing problem.';
  if (n === 2) return 'My invoice number is INV-4471 and my account manager is Priya.';
  if (n % 3 === 0) return `The courier for parcel ${n} is DHL.`;
  if (n % 3 === 1) return `What is the usual delivery time for parcel ${n}?`;
  return `Can you check the status of shipment ${n} for me?`;
}

/** What the prompt holds besides the fixed instructions (system[0]): memory blocks and the turns. */
function contextTokens(ctx: { system: Array<object>; messages: unknown[] }): number {
  const memory = ctx.system.slice(1).map((b) => ('text' in b ? String(b.text) : '')).join('\n');
  return estimateTokens(memory) + estimateTokens(JSON.stringify(ctx.messages));
}

async function longSession(s: Stack, turns: number) {
  const sizes: number[] = [];
  let last = '';
  let runId = '';
  for (let n = 1; n <= turns; n++) {
    const input = { runId: `probe-${n}`, traceId: 't', tenantId: s.config.tenant, sessionId: 'long', userId: 'ana', message: n === turns ? 'What is my invoice number?' : message(n) };
    sizes.push(contextTokens(await buildTurnContext(s.turnDeps, input)));
    const r = await say(s, { sessionId: 'long', userId: 'ana', message: input.message });
    [last, runId] = [r.answer, r.runId];
  }
  return { sizes, last, runId };
}

describe('semantic compression of a long session', () => {
  it('answers turn 60 from a fact of turn 2 through the summary, with the context inside its budget', async () => {
    const s = stack(SMALL_WINDOW);
    const { sizes, last, runId } = await longSession(s, 60);
    expect(last).toContain('INV-4471');
    const summary = await s.memory.store.getSummary({ tenantId: s.config.tenant, sessionId: 'long' });
    expect(summary!.text).toContain('INV-4471');
    // 118 stored turns before the last question; the window holds the newest ones, the summary the rest.
    expect(summary!.coveredTurns).toBeGreaterThanOrEqual(118 - 6);
    expect(estimateTokens(summary!.text)).toBeLessThanOrEqual(150);
    // Window (200) + summary (150) + fences and headers: the prompt stops growing.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200 + 150 + 80);
    // …while the conversation itself is several times that.
    const all = await s.sessions.recentTurns({ tenantId: s.config.tenant, sessionId: 'long', limit: 500 });
    expect(all.reduce((n, t) => n + estimateTokens(JSON.stringify(t.content)), 0)).toBeGreaterThan(3 * Math.max(...sizes));
    // Governance on what is stored: no learning tags.
    expect(summary!.text).not.toMatch(/\[learning\]/i);
    // The run records that the summary reached its prompt.
    expect(await s.memory.store.runMemory({ tenantId: s.config.tenant, runId })).toContainEqual({ kind: 'summary', id: 'long' });
  });

  it('without compression the same session has lost the fact by turn 60', async () => {
    const s = stack({ ...SMALL_WINDOW, 'memory.summary.enabled': false });
    const { last } = await longSession(s, 60);
    expect(last).not.toContain('INV-4471');
    expect(await s.memory.store.getSummary({ tenantId: s.config.tenant, sessionId: 'long' })).toBeNull();
  });
});
