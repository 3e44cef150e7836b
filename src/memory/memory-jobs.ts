import type { Guardrail } from '../guardrails/port.js';
import type { ModelProvider } from '../models/provider.js';
import type { Logger } from '../telemetry/logger.js';
import type { MemoryDeps } from './memory-deps.js';
import type { SessionStore } from './session-store.js';
import { summariseSession, type SummariseResult } from './summarizer.js';

/**
 * Runs summarisation after turns, off the latency path: the caller gets its answer first. Jobs of
 * one session run one after another (a second trigger while one runs just runs again after it).
 * Nothing is lost when the process dies between turns: each run re-derives its work from the
 * stores (summarizer.ts), so the next turn's job — or `lore memory summarise` — picks it up.
 */
export interface MemoryJobResult {
  session: SummariseResult;
  /** Earlier sessions of the user given their final summary when this one started. */
  finalised: number;
  ms: number;
}

export class MemoryJobs {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Finalisation passes under way, per tenant + user (finaliseEarlier). */
  private readonly passes = new Map<string, { newest: string; again: boolean; done: Promise<number> }>();
  /**
   * Sessions whose earlier sessions were finalised before their first turn here (beforeTurn), so
   * their after-turn job need not run that pass again. Insertion-ordered, bounded.
   */
  private readonly readied = new Set<string>();
  /** Time spent summarising, off the critical path (bench/memory.ts prints it). */
  readonly timings: number[] = [];

  constructor(
    private readonly deps: {
      sessions: SessionStore;
      memory: MemoryDeps;
      provider: ModelProvider;
      historyTurns: number;
      guard?: Guardrail;
      logger?: Logger;
    },
  ) {}

  /** Schedule the after-turn work for a session; resolves when it ran (callers need not wait). */
  submit(p: { tenantId: string; sessionId: string; userId: string }): Promise<MemoryJobResult | null> {
    const key = `${p.tenantId}\u0000${p.sessionId}`;
    const run = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.run(p))
      .catch((e: unknown) => {
        this.deps.logger?.warn({ err: e, sessionId: p.sessionId }, 'session summarisation failed; the next turn retries it');
        return null;
      });
    this.chains.set(key, run);
    void run.then(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
    return run;
  }

  /** Final summaries for sessions that went quiet (the scheduler finds them: stores/sqlite/idle-sessions.ts). */
  async finaliseIdle(sessions: Array<{ tenantId: string; sessionId: string; userId: string }>, now?: number): Promise<number> {
    let n = 0;
    for (const s of sessions) {
      const base = { sessions: this.deps.sessions, memory: this.deps.memory, provider: this.deps.provider, ...(this.deps.guard ? { guard: this.deps.guard } : {}) };
      try {
        const r = await summariseSession(base, { ...s, historyTurns: this.deps.historyTurns, final: true, ...(now !== undefined ? { now } : {}) });
        if (r.written) n++;
      } catch (e) {
        this.deps.logger?.warn({ err: e, sessionId: s.sessionId }, 'final session summary failed; the next sweep retries it');
      }
    }
    return n;
  }

  /**
   * Before a turn of a session this process has not run yet: the user's earlier sessions get their
   * final summary first, so the very first question of a new session ("what did we decide last
   * week about the invoice?") finds the session that just ended, not only the ones the idle sweep
   * already finalised. A pass over sessions with nothing pending only reads; with a hosted model a
   * session ended minutes ago costs one model call, once. The turn waits for it at most
   * `summary.finaliseWaitMs` (0: never): past that, the pass finishes in the background and the
   * answer goes on without it, so a slow summary never holds up the first token for long.
   */
  async beforeTurn(p: { tenantId: string; sessionId: string; userId: string }): Promise<void> {
    if (!this.deps.memory.userMemory.enabled || !this.deps.memory.summary.enabled) return;
    const key = `${p.tenantId}\u0000${p.sessionId}`;
    if (this.readied.has(key)) return;
    this.readied.add(key);
    if (this.readied.size > 10_000) this.readied.delete(this.readied.values().next().value!);
    const pass = this.finaliseEarlier(p).catch((e: unknown) => {
      this.deps.logger?.warn({ err: e, sessionId: p.sessionId }, 'final summaries of earlier sessions failed; the turn goes on without them');
      return 0;
    });
    const waitMs = this.deps.memory.summary.finaliseWaitMs;
    if (waitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pass, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  async drain(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  private async run(p: { tenantId: string; sessionId: string; userId: string }): Promise<MemoryJobResult> {
    const started = performance.now();
    const session = await summariseSession(this.base(), { ...p, historyTurns: this.deps.historyTurns });
    let finalised = 0;
    // A user's new session is the sign their earlier ones are over: give those their final
    // summary (window included) so "what did we decide last week" finds them. Once per session:
    // a finished session whose every turn is covered has nothing pending.
    if (this.deps.memory.userMemory.enabled) {
      // The summariser already read the session's live turns (exact below its cap, which is > 2),
      // or more than 2 after its summary's mark; else count them.
      const atLeast = session.liveTurnsAtLeast ?? 0;
      const liveTurns =
        session.liveTurns ?? (atLeast > 2 ? atLeast : (await this.deps.sessions.getSession({ tenantId: p.tenantId, sessionId: p.sessionId }))?.turnCount);
      const readied = this.readied.has(`${p.tenantId}\u0000${p.sessionId}`);
      if (!readied && liveTurns !== undefined && liveTurns > 0 && liveTurns <= 2) finalised = await this.finaliseEarlier(p);
    }
    const ms = performance.now() - started;
    this.timings.push(ms);
    if (this.timings.length > 1000) this.timings.shift();
    return { session, finalised, ms };
  }

  /**
   * One finalisation pass per user at a time. New sessions that start while a pass runs fold into
   * one more pass after it, which skips only the newest of them: the others are earlier sessions
   * of that user by then, which their own passes would have finalised anyway. Without this, a user
   * opening sessions quickly (a load test: every session under one user) ran a 20-session pass
   * per new session, each listing all the user's sessions.
   */
  private finaliseEarlier(p: { tenantId: string; sessionId: string; userId: string }): Promise<number> {
    const key = `${p.tenantId}\u0000${p.userId}`;
    const running = this.passes.get(key);
    if (running) {
      running.newest = p.sessionId;
      running.again = true;
      return running.done;
    }
    const state = { newest: p.sessionId, again: true, done: Promise.resolve(0) };
    state.done = (async () => {
      let n = 0;
      try {
        while (state.again) {
          state.again = false;
          n += await this.finalisePass(p.tenantId, p.userId, state.newest);
        }
      } finally {
        this.passes.delete(key);
      }
      return n;
    })();
    this.passes.set(key, state);
    return state.done;
  }

  private async finalisePass(tenantId: string, userId: string, newest: string): Promise<number> {
    let n = 0;
    for (const s of await this.deps.sessions.listSessions({ tenantId, userId, limit: 20 })) {
      if (s.sessionId === newest) continue;
      const r = await summariseSession(this.base(), { tenantId, sessionId: s.sessionId, userId, historyTurns: this.deps.historyTurns, final: true });
      if (r.written) n++;
    }
    return n;
  }

  private base(): { sessions: SessionStore; memory: MemoryDeps; provider: ModelProvider; guard?: Guardrail } {
    return { sessions: this.deps.sessions, memory: this.deps.memory, provider: this.deps.provider, ...(this.deps.guard ? { guard: this.deps.guard } : {}) };
  }
}
