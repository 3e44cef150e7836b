import { estimateTokens } from '../util/tokens.js';
import type { NewTurn, SessionStore, Turn } from './session-store.js';
import { turnText } from './window.js';

/** A session's live turns as this process knows them: how many, and their tokens (window.ts's estimate). */
export interface KnownSession {
  turns: number;
  tokens: number;
}

interface Seen extends KnownSession {
  /** Tokens of the turns written by a run, by run#role: setTurnText replaces one of them. */
  runs: Map<string, number>;
  /** The earliest expiry among the turns: from then on the count may be too high. */
  expiresBefore: number;
  at: number;
}

interface State {
  /** Writes of this session in flight, and how many have started: a read that overlaps one records nothing. */
  writes: number;
  epoch: number;
  seen?: Seen;
}

/**
 * What a turn already read of its session, kept for the summariser that runs after it. The
 * context build reads the last historyTurns turns; when it gets fewer, it has read the whole live
 * session. Add the turns the turn then wrote (the store returns them) and the summariser knows the
 * session's size and tokens without reading it again: if that fits the window, nothing can be
 * pending (memory-jobs.ts).
 *
 * The store handed to the turn is wrapped (wrap): a read records the session only when no write
 * of it was in flight or started meanwhile; a write adds the turns it wrote, setTurnText swaps a
 * turn's tokens, anything else forgets the session. An entry serves one summariser run (take),
 * only within maxAgeMs of its read and before any of its turns expire: it spans one turn, not a
 * cache. Writes from another process in that span are not seen; the summariser then skips a run
 * whose turns the next turn's (fresh) read folds instead, or the idle sweep's final summary: a
 * fold can come one turn later, none is lost (summaries are re-derived from the stores).
 */
export class WindowWatch {
  private readonly sessions = new Map<string, State>();
  /** tenant#run → session key, for the runs of the turns an entry counts (setTurnText names the run, not the session). */
  private readonly runs = new Map<string, string>();
  /** Writes to a session this process cannot name (setTurnText of a run it did not see): no read overlapping one records. */
  private blind = { writes: 0, epoch: 0 };

  constructor(private readonly opts: { clock?: () => number; maxAgeMs?: number; maxEntries?: number } = {}) {}

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** The session's live turns and tokens, if this process knows them; the entry is used up. */
  take(tenantId: string, sessionId: string): KnownSession | undefined {
    const key = keyOf(tenantId, sessionId);
    const st = this.sessions.get(key);
    const seen = st?.seen;
    if (!st) return undefined;
    this.forget(key, st);
    const now = this.now();
    if (!seen || st.writes > 0 || now - seen.at > (this.opts.maxAgeMs ?? 60_000) || now >= seen.expiresBefore) return undefined;
    return { turns: seen.turns, tokens: seen.tokens };
  }

  /** The store a turn uses: the same store, watched. */
  wrap(store: SessionStore): SessionStore {
    return {
      appendTurns: (p) => this.write(keysOf(p.turns), () => store.appendTurns(p), (written) => this.added(written)),
      setTurnText: (p) => {
        const key = this.runs.get(runKey(p.tenantId, p.runId));
        // No entry counts a turn of this run; a read in flight might, so it records nothing.
        if (key === undefined) return this.write([], () => store.setTurnText(p), () => undefined);
        return this.write([key], () => store.setTurnText(p), (changed) => {
          const seen = this.sessions.get(key)?.seen;
          const before = seen?.runs.get(`${p.runId}#${p.role}`);
          if (!changed || !seen) return;
          if (before === undefined) return this.drop(key);
          const after = estimateTokens(p.text);
          seen.tokens += after - before;
          seen.runs.set(`${p.runId}#${p.role}`, after);
        });
      },
      recentTurns: async (p) => {
        // Only a plain read of the present (no `since`, no `now`) can be the whole live session.
        if (p.since !== undefined || p.now !== undefined) return store.recentTurns(p);
        const key = keyOf(p.tenantId, p.sessionId);
        const st = this.state(key);
        const before = { epoch: st.epoch, blind: this.blind.epoch, quiet: st.writes === 0 && this.blind.writes === 0 };
        const turns = await store.recentTurns(p);
        const undisturbed = before.quiet && st.writes === 0 && st.epoch === before.epoch && this.blind.epoch === before.blind && this.sessions.get(key) === st;
        if (undisturbed && turns.length < p.limit) this.saw(key, st, turns);
        // Otherwise what was seen stands (the writes since keep it exact), unless this read
        // contradicts it: more turns than it counts were written by someone else.
        else if (undisturbed && st.seen && turns.length > st.seen.turns) this.drop(key);
        else if (st.writes === 0 && !st.seen && this.sessions.get(key) === st) this.sessions.delete(key);
        return turns;
      },
      getSession: (p) => store.getSession(p),
      sessionOwner: (p) => store.sessionOwner(p),
      listSessions: (p) => store.listSessions(p),
      deleteSession: (p) => this.write([keyOf(p.tenantId, p.sessionId)], () => store.deleteSession(p), () => this.drop(keyOf(p.tenantId, p.sessionId))),
      // Removes expired turns only, which an entry never outlives (take checks expiresBefore).
      purgeExpired: (p) => store.purgeExpired(p),
    };
  }

  /** Run a write of these sessions (none: of a session unknown here); `done` sees its result. */
  private async write<R>(keys: string[], run: () => Promise<R>, done: (r: R) => void): Promise<R> {
    const states = keys.map((k) => this.state(k));
    const counters = keys.length ? states : [this.blind];
    for (const c of counters) {
      c.writes++;
      c.epoch++;
    }
    let result: R;
    try {
      result = await run();
    } catch (e) {
      for (const c of counters) c.writes--;
      // Written or not, what an entry counted is no longer known.
      for (const k of keys) this.drop(k);
      throw e;
    }
    for (const c of counters) c.writes--;
    done(result);
    for (const k of keys) {
      const st = this.sessions.get(k);
      if (st && st.writes === 0 && !st.seen) this.sessions.delete(k);
    }
    return result;
  }

  private saw(key: string, st: State, turns: Turn[]): void {
    this.forget(key, st);
    st.seen = { turns: 0, tokens: 0, runs: new Map(), expiresBefore: Infinity, at: this.now() };
    this.count(key, st.seen, turns);
    // Re-inserted on every record: the first entries are the least recently read.
    this.sessions.delete(key);
    this.sessions.set(key, st);
    this.evict();
  }

  private added(written: Turn[]): void {
    for (const t of written) {
      const key = keyOf(t.tenantId, t.sessionId);
      const seen = this.sessions.get(key)?.seen;
      if (seen) this.count(key, seen, [t]);
    }
  }

  private count(key: string, seen: Seen, turns: Turn[]): void {
    for (const t of turns) {
      const tokens = estimateTokens(turnText(t));
      seen.turns++;
      seen.tokens += tokens;
      seen.expiresBefore = Math.min(seen.expiresBefore, t.expiresAt);
      if (t.runId !== undefined) {
        seen.runs.set(`${t.runId}#${t.role}`, tokens);
        this.runs.set(runKey(t.tenantId, t.runId), key);
      }
    }
  }

  private state(key: string): State {
    let st = this.sessions.get(key);
    if (!st) this.sessions.set(key, (st = { writes: 0, epoch: 0 }));
    return st;
  }

  /** Forget what was seen of a session (a write in flight keeps its state until it ends). */
  private drop(key: string): void {
    const st = this.sessions.get(key);
    if (st) this.forget(key, st);
  }

  private forget(key: string, st: State): void {
    const tenant = key.slice(0, key.indexOf('\u0000'));
    for (const r of st.seen?.runs.keys() ?? []) this.runs.delete(runKey(tenant, r.slice(0, r.lastIndexOf('#'))));
    st.seen = undefined;
    if (st.writes === 0) this.sessions.delete(key);
  }

  /** Bounded: sessions whose turn never reached its summariser (a failed or paused run) age out. */
  private evict(): void {
    const max = this.opts.maxEntries ?? 10_000;
    for (const [k, st] of this.sessions) {
      if (this.sessions.size <= max) break;
      if (st.writes === 0) this.forget(k, st);
    }
  }
}

const keyOf = (tenantId: string, sessionId: string) => `${tenantId}\u0000${sessionId}`;
const runKey = (tenantId: string, runId: string) => `${tenantId}\u0000${runId}`;
const keysOf = (turns: NewTurn[]) => [...new Set(turns.map((t) => keyOf(t.tenantId, t.sessionId)))];
