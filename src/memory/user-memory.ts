import { createHash } from 'node:crypto';
import { classifyAbout } from '../learning/about.js';
import { decideMemoryEvent } from '../learning/decision.js';
import type { ModelProvider } from '../models/provider.js';
import type { MemoryStore } from './memory-store.js';

/** What the learning updater needs to route facts about the user to their own memory. */
export interface UserMemoryDeps {
  store: MemoryStore;
  /** Retention of user facts for a tenant, in seconds. */
  factTtlSeconds: (tenantId: string) => number;
}

export interface UserFactOutcome {
  fact: string;
  event: 'ADD' | 'UPDATE' | 'NOOP';
  state: 'personal';
  about: 'user';
  memoryId: string;
  reason: string;
}

export const userFactId = (runId: string, index: number) => `mem_${createHash('sha256').update(`${runId}:${index}`).digest('hex').slice(0, 24)}`;

/**
 * The hook in applyLearnings: when the model says a learning is about the user, keep it in the
 * user's memory (deduplicated and corrected with the same ADD/UPDATE/NOOP decision as learnings,
 * against their own facts only) and return its outcome; null = about the world, carry on.
 */
export async function routeUserFact(
  deps: { provider: ModelProvider; userMemory: UserMemoryDeps },
  p: { tenantId: string; userId: string; sessionId: string; runId: string; index: number; fact: string; signal?: AbortSignal },
): Promise<UserFactOutcome | null> {
  const m = deps.userMemory.store;
  const id = userFactId(p.runId, p.index);
  const ttlSeconds = deps.userMemory.factTtlSeconds(p.tenantId);
  // A re-run of the step finds its own write (and asks the model nothing again).
  const prior = await m.getFact({ tenantId: p.tenantId, userId: p.userId, id });
  if (prior) return { fact: prior.text, event: 'ADD', state: 'personal', about: 'user', memoryId: id, reason: 'about you: kept in your own memory' };
  if ((await classifyAbout(deps.provider, p.fact, p.signal)) !== 'user') return null;
  const mine = await m.listFacts({ tenantId: p.tenantId, userId: p.userId, limit: 50 });
  const decision = await decideMemoryEvent(deps.provider, p.fact, mine.map((f) => ({ id: f.id, text: f.text })), p.signal);
  const text = ('text' in decision && decision.text) || p.fact;
  if (decision.event === 'NOOP') return { fact: p.fact, event: 'NOOP', state: 'personal', about: 'user', memoryId: decision.id, reason: 'already in your memory' };
  if (decision.event === 'UPDATE') {
    // A correction replaces the old fact in place: the stale version must not reach a prompt again.
    const updated = await m.updateFact({ tenantId: p.tenantId, userId: p.userId, id: decision.id, text, ttlSeconds });
    if (updated) return { fact: text, event: 'UPDATE', state: 'personal', about: 'user', memoryId: updated.id, reason: 'corrected in your memory' };
  }
  const fact = await m.addFact({ id, tenantId: p.tenantId, userId: p.userId, text, sessionId: p.sessionId, runId: p.runId, ttlSeconds });
  return { fact: fact.text, event: 'ADD', state: 'personal', about: 'user', memoryId: fact.id, reason: 'about you: kept in your own memory' };
}
