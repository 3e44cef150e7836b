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
  /** Time spent summarising, off the critical path (bench/memory.ts prints it). */
  readonly timings: number[] = [];

  constructor(
    private readonly deps: { sessions: SessionStore; memory: MemoryDeps; provider: ModelProvider; historyTurns: number; guard?: Guardrail; logger?: Logger },
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

  async drain(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  private async run(p: { tenantId: string; sessionId: string; userId: string }): Promise<MemoryJobResult> {
    const started = performance.now();
    const base = { sessions: this.deps.sessions, memory: this.deps.memory, provider: this.deps.provider, ...(this.deps.guard ? { guard: this.deps.guard } : {}) };
    const session = await summariseSession(base, { ...p, historyTurns: this.deps.historyTurns });
    let finalised = 0;
    // A user's new session is the sign their earlier ones are over: give those their final
    // summary (window included) so "what did we decide last week" finds them. Once per session:
    // a finished session whose every turn is covered has nothing pending.
    if (this.deps.memory.userMemory.enabled) {
      const live = await this.deps.sessions.getSession({ tenantId: p.tenantId, sessionId: p.sessionId });
      if (live && live.turnCount <= 2) {
        for (const s of await this.deps.sessions.listSessions({ tenantId: p.tenantId, userId: p.userId, limit: 20 })) {
          if (s.sessionId === p.sessionId) continue;
          const r = await summariseSession(base, { tenantId: p.tenantId, sessionId: s.sessionId, userId: p.userId, historyTurns: this.deps.historyTurns, final: true });
          if (r.written) finalised++;
        }
      }
    }
    const ms = performance.now() - started;
    this.timings.push(ms);
    if (this.timings.length > 1000) this.timings.shift();
    return { session, finalised, ms };
  }
}
