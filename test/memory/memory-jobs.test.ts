import { afterEach, describe, expect, it } from 'vitest';
import { MemoryJobs, type MemoryJobResult } from '../../src/memory/memory-jobs.js';
import type { NewTurn } from '../../src/memory/session-store.js';
import { LOOKBACK_TURNS } from '../../src/memory/summarizer.js';
import { closeAll, say, stack, type Stack } from './support.js';

afterEach(closeAll);

const T = 'default';
const pair = (sessionId: string, text: string, createdAt: number): NewTurn[] => [
  { tenantId: T, sessionId, userId: 'ana', role: 'user', content: [{ text }], inputTokens: 0, outputTokens: 0, createdAt },
  { tenantId: T, sessionId, userId: 'ana', role: 'assistant', content: [{ text: 'Noted.' }], inputTokens: 0, outputTokens: 0, createdAt: createdAt + 1 },
];

describe('after-turn memory jobs', () => {
  it('new sessions of one user starting together share finalisation passes, and the earlier sessions still get their final summary', async () => {
    const s = stack();
    const t0 = Date.now() - 60_000;
    await s.sessions.appendTurns({ turns: [...pair('old1', 'We decided invoice INV-7 is paid in two parts.', t0), ...pair('old1', 'Thanks.', t0 + 10)] });
    await s.sessions.appendTurns({ turns: [...pair('old2', 'The refund for order Q-9 goes to the original card.', t0 + 20), ...pair('old2', 'Good.', t0 + 30)] });
    for (const [i, id] of ['n1', 'n2', 'n3'].entries()) await s.sessions.appendTurns({ turns: pair(id, `Hello from ${id}.`, t0 + 100 + 10 * i) });

    // Count the listings of the user's sessions: one per finalisation pass.
    let listings = 0;
    const list = s.sessions.listSessions.bind(s.sessions);
    s.sessions.listSessions = (p) => (listings++, list(p));
    const jobs = new MemoryJobs({ sessions: s.sessions, memory: s.memory, provider: s.provider, historyTurns: s.config.memory.historyTurns, guard: s.guard });
    const results = await Promise.all(['n1', 'n2', 'n3'].map((sessionId) => jobs.submit({ tenantId: T, sessionId, userId: 'ana' })));

    // Three new sessions, but n2 and n3 arrived while n1's pass ran: one more pass covers both
    // (one pass each would list the sessions three times).
    expect(listings).toBe(2);
    expect(results.every((r) => r !== null && r.finalised >= 2)).toBe(true);
    expect((await s.memory.store.getSummary({ tenantId: T, sessionId: 'old1' }))!.text).toContain('INV-7');
    expect((await s.memory.store.getSummary({ tenantId: T, sessionId: 'old2' }))!.text).toContain('Q-9');
    // A session that is not new (more than one exchange) does not start a pass.
    await s.sessions.appendTurns({ turns: pair('n1', 'Another question.', Date.now()) });
    await jobs.submit({ tenantId: T, sessionId: 'n1', userId: 'ana' });
    expect(listings).toBe(2);
  });

  /** The after-turn results, and how often the summariser read the session (its reads ask for historyTurns + LOOKBACK_TURNS). */
  function observe(s: Stack) {
    const seen = { results: [] as Array<MemoryJobResult | null>, summariserReads: 0 };
    const jobs = s.svc.memoryJobs;
    const submit = jobs.submit.bind(jobs);
    jobs.submit = (p) => {
      const r = submit(p);
      void r.then((x) => seen.results.push(x));
      return r;
    };
    const read = s.sessions.recentTurns.bind(s.sessions);
    s.sessions.recentTurns = (p) => {
      if (p.limit === s.config.memory.historyTurns + LOOKBACK_TURNS) seen.summariserReads++;
      return read(p);
    };
    return seen;
  }

  it("a long session's after-turn run reads only the turns after its summary's mark, and counts no turns", async () => {
    const s = stack();
    const seen = observe(s);
    let counts = 0;
    const getSession = s.sessions.getSession.bind(s.sessions);
    s.sessions.getSession = (p) => (counts++, getSession(p));
    let read = 0;
    const recent = s.sessions.recentTurns.bind(s.sessions);
    s.sessions.recentTurns = (p) => recent(p).then((ts) => ((read = p.since !== undefined ? ts.length : read), ts));
    // historyTurns is 10: six exchanges put two turns outside the window, and the summary folds them.
    for (let i = 1; i <= 6; i++) await say(s, { sessionId: 'long', userId: 'ana', message: `Question number ${i}: what is 17*${i}?` });
    expect((await s.memory.store.getSummary({ tenantId: T, sessionId: 'long' }))?.coveredTurns).toBe(2);
    const before = { reads: seen.summariserReads, counts };
    read = 0;
    await say(s, { sessionId: 'long', userId: 'ana', message: 'Question number 7: what is 17*7?' });
    // One read, of the 12 turns after the mark (10 in the window, 2 now outside it: folded).
    expect(seen.summariserReads - before.reads).toBe(1);
    expect(read).toBe(12);
    expect(seen.results.at(-1)?.session).toMatchObject({ written: true, folded: 2, coveredTurns: 4 });
    // More than two turns after the mark: not a new session, no count needed.
    expect(counts - before.counts).toBe(0);
  });

  it('a session over its token budget before its turn count is still read and summarised after the turn', async () => {
    const s = stack({ 'memory.summary.windowTokens': 40 });
    const seen = observe(s);
    const long = (n: number) => `Please remember that invoice INV-${n} for the Lisbon office was paid in two parts, the second one on the fifth of May by bank transfer.`;
    for (let i = 1; i <= 3; i++) await say(s, { sessionId: 'wordy', userId: 'ana', message: long(i) });
    // Six turns, well within historyTurns, but not within 40 tokens: folded as before.
    expect(seen.summariserReads).toBeGreaterThan(0);
    const summary = await s.memory.store.getSummary({ tenantId: T, sessionId: 'wordy' });
    expect(summary?.coveredTurns).toBeGreaterThanOrEqual(2);
    expect(summary?.text).toContain('INV-1');
    expect(seen.results.some((r) => r?.session.written)).toBe(true);
  });
});

describe("a new session's wait for its user's earlier sessions", () => {
  /** The offline model behind a gate: every call waits until the test opens it (a slow hosted model). */
  function gated(s: Stack) {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const provider = {
      ...s.provider,
      specificationVersion: s.provider.specificationVersion,
      modelId: s.provider.modelId,
      converse: async (...a: Parameters<Stack['provider']['converse']>) => (await opened, s.provider.converse(...a)),
      converseStream: s.provider.converseStream.bind(s.provider),
    };
    return { provider, open };
  }

  async function setUp(waitMs: number) {
    const s = stack();
    const t0 = Date.now() - 60_000;
    await s.sessions.appendTurns({ turns: [...pair('ended', 'We decided invoice INV-42 is paid in three parts.', t0), ...pair('ended', 'Thanks.', t0 + 10)] });
    const g = gated(s);
    const memory = { ...s.memory, summary: { ...s.memory.summary, finaliseWaitMs: waitMs } };
    const jobs = new MemoryJobs({ sessions: s.sessions, memory, provider: g.provider, historyTurns: s.config.memory.historyTurns, guard: s.guard });
    return { s, g, jobs };
  }

  const summaryOf = (s: Stack) => s.memory.store.getSummary({ tenantId: T, sessionId: 'ended' });
  /** The summary once the background pass has landed (bounded polling: at most 500 waits of 5 ms). */
  async function landedSummary(s: Stack) {
    for (let i = 0; i < 500 && !(await summaryOf(s)); i++) await new Promise((r) => setTimeout(r, 5));
    return summaryOf(s);
  }

  it('is bounded: a summary slower than finaliseWaitMs finishes in the background and the turn goes on', async () => {
    const { s, g, jobs } = await setUp(20);
    await jobs.beforeTurn({ tenantId: T, sessionId: 'new', userId: 'ana' });
    // The turn was let go while the model still held the summary.
    expect(await summaryOf(s)).toBeNull();
    g.open();
    // The pass still lands.
    expect((await landedSummary(s))?.text).toContain('INV-42');
  });

  it('waits for a summary that arrives within the bound, so the first question finds the session that just ended', async () => {
    const { s, g, jobs } = await setUp(60_000);
    const turn = jobs.beforeTurn({ tenantId: T, sessionId: 'new', userId: 'ana' });
    let letGo = false;
    void turn.then(() => (letGo = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(letGo).toBe(false);
    g.open();
    await turn;
    expect((await summaryOf(s))?.text).toContain('INV-42');
  });

  it('never waits with finaliseWaitMs 0', async () => {
    const { s, g, jobs } = await setUp(0);
    await jobs.beforeTurn({ tenantId: T, sessionId: 'new', userId: 'ana' });
    expect(await summaryOf(s)).toBeNull();
    g.open();
    expect((await landedSummary(s))?.text).toContain('INV-42');
  });
});
