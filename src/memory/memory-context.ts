import { neutraliseUntrusted } from './fence.js';
import type { MemoryDeps } from './memory-deps.js';
import type { MemoryRef, SessionSummaryRecord, UserFact } from './memory-store.js';

/** What long-term memory adds to one prompt, and which items those were. */
export interface MemoryContext {
  /** This session's rolling summary (turns older than the window). */
  summary: SessionSummaryRecord | null;
  facts: UserFact[];
  /** Summaries of the user's other sessions that match the message. */
  past: SessionSummaryRecord[];
  refs: MemoryRef[];
}

export async function loadMemoryContext(
  memory: MemoryDeps,
  p: { tenantId: string; sessionId: string; userId?: string; message: string; now?: number },
): Promise<MemoryContext> {
  const m = memory.store;
  const now = p.now !== undefined ? { now: p.now } : {};
  const mine = memory.userMemory.enabled && p.userId;
  const [summary, facts, past] = await Promise.all([
    memory.summary.enabled ? m.getSummary({ tenantId: p.tenantId, sessionId: p.sessionId, ...now }) : null,
    mine && memory.userMemory.maxFacts > 0 ? m.listFacts({ tenantId: p.tenantId, userId: p.userId!, limit: memory.userMemory.maxFacts, ...now }) : [],
    mine && memory.userMemory.pastSummaries > 0
      ? m.searchSummaries({ tenantId: p.tenantId, userId: p.userId!, query: p.message, limit: memory.userMemory.pastSummaries, excludeSessionId: p.sessionId, ...now })
      : [],
  ]);
  // A session id reused by someone else after expiry must not show them the old owner's summary.
  const own = summary && (!p.userId || summary.userId === p.userId) ? summary : null;
  const refs: MemoryRef[] = [
    ...(own ? [{ kind: 'summary' as const, id: own.sessionId }] : []),
    ...facts.map((f) => ({ kind: 'user_fact' as const, id: f.id })),
    ...past.map((s) => ({ kind: 'past_summary' as const, id: s.sessionId })),
  ];
  return { summary: own, facts, past, refs };
}

const clean = (s: string) => neutraliseUntrusted(s).replace(/\s+/g, ' ').trim();
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Fenced like semantic memory (fence.ts): the user's own words are still untrusted text, so
 * fences, source headers and `[LEARNING]` lines inside them are neutralised.
 */
export function renderUserMemory(c: Pick<MemoryContext, 'facts' | 'past'>): string {
  const blocks: string[] = [];
  if (c.facts.length) blocks.push(`[Source: what the user told you about themself | score: 1.00]\n${c.facts.map((f) => clean(f.text)).join('\n')}`);
  for (const s of c.past) blocks.push(`[Source: summary of the user's session of ${day(s.updatedAt)} | score: 0.90]\n${clean(s.text)}`);
  return blocks.length ? `<user_memory>\n${blocks.join('\n\n')}\n</user_memory>` : '';
}

export function renderSessionSummary(s: SessionSummaryRecord | null): string {
  if (!s || !s.text.trim()) return '';
  return `<session_summary>\n[Source: earlier in this conversation (${s.coveredTurns} turns, summarised) | score: 1.00]\n${clean(s.text)}\n</session_summary>`;
}
