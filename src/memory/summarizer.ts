import type { Guardrail } from '../guardrails/port.js';
import type { ModelProvider } from '../models/provider.js';
import type { MemoryDeps } from './memory-deps.js';
import type { SessionStore, Turn } from './session-store.js';
import { summariseTurns } from './summary-task.js';
import { splitWindow, turnText } from './window.js';

/**
 * Semantic compression of a long session, run after the turn (off the latency path). Everything
 * it needs is re-derived from the stores: the summary's coverage mark says which turns are folded
 * in, the window says which have fallen out. So a crash at any point loses nothing (the next run
 * finds the same turns pending) and a retry or a concurrent run doubles nothing (the write is a
 * compare-and-set on the coverage mark it read).
 */
export interface SummariseParams {
  tenantId: string;
  sessionId: string;
  userId: string;
  historyTurns: number;
  /** Fold every turn, the window too: the session is over, its summary is what will be recalled. */
  final?: boolean;
  signal?: AbortSignal;
  now?: number;
}

export interface SummariseResult {
  written: boolean;
  /** Turns folded in by this run. */
  folded: number;
  coveredTurns: number;
  reason?: 'disabled' | 'nothing_pending' | 'below_batch' | 'lost_race';
  /**
   * Live turns of the session read by this run (capped at historyTurns + LOOKBACK_TURNS, so exact
   * below that); absent when this run did not read the whole session (it read only the turns
   * after its summary's coverage mark). Lets the caller skip a second count query.
   */
  liveTurns?: number;
  /** With `liveTurns` absent: how many live turns this run read after the coverage mark, a lower bound. */
  liveTurnsAtLeast?: number;
}

/**
 * The turns a run folds in: those outside the window (all of them when `final`) created after the
 * coverage mark, of the summary's user. `turns` may be the whole session (its last N) or only the
 * turns after `coveredThrough`: the answer is the same. The window is the newest turns within
 * the turn and token limits (splitWindow), so it is a suffix of the session. Reading only the
 * suffix after the mark: if the window starts after the mark, the suffix holds the window and
 * everything between the mark and it, and splitWindow walks those same turns from the end to the
 * same start (its same-millisecond rule cannot cross the mark: the turns on either side differ
 * in createdAt). If the window reaches back to the mark or beyond, every turn after the mark is
 * in it — and the suffix, no longer than that part of the window and no more tokens, is a window
 * of its own: nothing pending either way. (summarizer.test.ts checks it over generated sessions.)
 */
export function pendingTurns<T extends Pick<Turn, 'content' | 'createdAt' | 'userId'>>(
  turns: T[],
  p: { coveredThrough: number | null; userId: string; final: boolean; maxTurns: number; maxTokens: number },
): T[] {
  const outside = p.final ? turns : splitWindow(turns, { maxTurns: p.maxTurns, maxTokens: p.maxTokens }).outside;
  return outside.filter((t) => t.createdAt > (p.coveredThrough ?? -Infinity) && t.userId === p.userId);
}

/** How far back to look for unsummarised turns; a run after every turn keeps the backlog tiny. */
export const LOOKBACK_TURNS = 200;

export async function summariseSession(deps: { sessions: SessionStore; memory: MemoryDeps; provider: ModelProvider; guard?: Guardrail }, p: SummariseParams): Promise<SummariseResult> {
  const cfg = deps.memory.summary;
  if (!cfg.enabled) return { written: false, folded: 0, coveredTurns: 0, reason: 'disabled' };
  const store = deps.memory.store;
  const now = p.now !== undefined ? { now: p.now } : {};
  const existing = await store.getSummary({ tenantId: p.tenantId, sessionId: p.sessionId, ...now });
  // A summary left by an earlier owner of a reused session id is not built upon.
  const prior = existing && existing.userId === p.userId ? existing : null;
  // Only the turns after the coverage mark: a long session's summariser reads its window and the
  // few turns waiting outside it, not the whole lookback (pendingTurns says why that is enough).
  const since = prior ? { since: prior.coveredThrough } : {};
  const turns = await deps.sessions.recentTurns({ tenantId: p.tenantId, sessionId: p.sessionId, limit: p.historyTurns + LOOKBACK_TURNS, ...since, ...now });
  const pending: Turn[] = pendingTurns(turns, { coveredThrough: prior?.coveredThrough ?? null, userId: p.userId, final: !!p.final, maxTurns: p.historyTurns, maxTokens: cfg.windowTokens });
  const coveredTurns = prior?.coveredTurns ?? 0;
  const live = prior ? { liveTurnsAtLeast: turns.length } : { liveTurns: turns.length };
  if (!pending.length) return { written: false, folded: 0, coveredTurns, reason: 'nothing_pending', ...live };
  if (!p.final && pending.length < cfg.batchTurns) return { written: false, folded: 0, coveredTurns, reason: 'below_batch', ...live };
  const drafted = await summariseTurns(deps.provider, {
    previous: prior?.text ?? '',
    turns: pending.map((t) => ({ role: t.role, text: turnText(t) })),
    maxTokens: cfg.maxTokens,
    ...(p.signal ? { signal: p.signal } : {}),
  });
  // The configured guardrail screens what is stored, as it screens answers (a Bedrock guardrail's
  // PII filters included). A blocked summary is stored empty: its turns are still marked covered,
  // so a content-policy refusal is not retried on every turn.
  const screened = deps.guard ? await deps.guard.screen({ text: drafted, stage: 'output', tenantId: p.tenantId, userId: p.userId, ...(p.signal ? { signal: p.signal } : {}) }) : undefined;
  const text = !screened ? drafted : screened.action === 'block' ? '' : screened.text;
  p.signal?.throwIfAborted();
  const written = await store.putSummary({
    tenantId: p.tenantId,
    sessionId: p.sessionId,
    userId: p.userId,
    text,
    coveredThrough: pending.at(-1)!.createdAt,
    coveredTurns: coveredTurns + pending.length,
    // Read from the store, not `prior`: a reused session id's old summary is replaced, once.
    expected: existing?.coveredThrough ?? null,
    ttlSeconds: deps.memory.retention(p.tenantId).summarySeconds,
    ...now,
  });
  return written ? { written, folded: pending.length, coveredTurns: coveredTurns + pending.length, ...live } : { written, folded: 0, coveredTurns, reason: 'lost_race', ...live };
}
