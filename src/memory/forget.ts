import { queryTerms } from './query-terms.js';
import type { MemoryStore } from './memory-store.js';
import type { SessionStore } from './session-store.js';

/**
 * Forgetting one fact (`DELETE /me/memory/:id`, `lore memory forget <id>`) removes it from
 * everywhere it is remembered: the fact itself, and the sentences of the user's session summaries
 * that state it — else the next session would still recall "I prefer email" from last week's
 * summary after the user deleted it. A sentence states the fact when it holds nearly all of the
 * fact's words (a summary keeps the user's statements nearly verbatim; a paraphrase sharing fewer
 * words stays, and the user can delete that session's summary by its id).
 */

const COVER = 0.75;

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
}

function states(sentence: string, fact: string[]): boolean {
  if (!fact.length) return false;
  const words = new Set(queryTerms(sentence));
  return fact.filter((w) => words.has(w)).length / fact.length >= COVER;
}

/** The summary text without the sentences stating any of the facts; null when nothing changes. */
export function withoutFacts(summary: string, facts: string[]): string | null {
  const terms = facts.flatMap((f) => sentencesOf(f).map((s) => [...new Set(queryTerms(s))]));
  const all = sentencesOf(summary);
  const kept = all.filter((s) => !terms.some((t) => states(s, t)));
  return kept.length === all.length ? null : kept.join(' ');
}

/**
 * Forget one item of the user's memory: a fact by its id (and its statements in their summaries),
 * or a session summary by its session id. Returns whether there was such an item.
 */
export async function forgetMemoryItem(store: MemoryStore, p: { tenantId: string; userId: string; id: string; now?: number }): Promise<boolean> {
  const who = { tenantId: p.tenantId, userId: p.userId };
  const fact = await store.getFact({ ...who, id: p.id, ...(p.now !== undefined ? { now: p.now } : {}) });
  if (!(await store.deleteFact({ ...who, id: p.id }))) return store.deleteSummary({ ...who, sessionId: p.id });
  if (fact) {
    for (const s of await store.listSummaries(who)) {
      const text = withoutFacts(s.text, [fact.text]);
      if (text !== null) await store.rewriteSummary({ ...who, sessionId: s.sessionId, text, ...(p.now !== undefined ? { now: p.now } : {}) });
    }
  }
  return true;
}

/**
 * Forget everything remembered about the user (`DELETE /me/memory`, `lore memory forget --all`):
 * their facts and session summaries. Their sessions' turns stay until their own retention (the
 * conversation in view is still the conversation), but each session is marked as summarised up to
 * its newest turn by an empty summary — else the next summariser pass (a new session finalises the
 * earlier ones) would write what was just forgotten straight back from those turns.
 */
export async function forgetEverything(
  deps: { store: MemoryStore; sessions: SessionStore; summaryTtlSeconds: number },
  p: { tenantId: string; userId: string; now?: number },
): Promise<{ facts: number; summaries: number }> {
  const who = { tenantId: p.tenantId, userId: p.userId };
  const now = p.now !== undefined ? { now: p.now } : {};
  const r = await deps.store.forgetUser(who);
  for (const s of await deps.sessions.listSessions({ ...who, limit: 1000, ...now })) {
    const turns = await deps.sessions.recentTurns({ tenantId: p.tenantId, sessionId: s.sessionId, limit: 1, ...now });
    const newest = Math.max(...turns.map((t) => t.createdAt));
    if (!Number.isFinite(newest)) continue;
    const current = await deps.store.getSummary({ tenantId: p.tenantId, sessionId: s.sessionId, ...now });
    // A turn landing meanwhile is summarised as usual (the mark is its predecessor's).
    await deps.store.putSummary({ ...who, sessionId: s.sessionId, text: '', coveredThrough: newest, coveredTurns: s.turnCount, expected: current?.coveredThrough ?? null, ttlSeconds: deps.summaryTtlSeconds, ...now });
  }
  return r;
}
