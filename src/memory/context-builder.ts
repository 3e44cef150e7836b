import { systemBlocks } from '../agent/prompts.js';
import type { Message, SystemContentBlock } from '../models/types.js';
import type { KnowledgeStore, SearchHit } from './knowledge-store.js';
import { renderSemanticMemory } from './fence.js';
import type { SessionStore } from './session-store.js';

export interface BuiltContext {
  system: SystemContentBlock[];
  /** Prior turns of the session, then the new user message. */
  messages: Message[];
  retrieved: SearchHit[];
  historyTurns: number;
}

export interface BuildContextParams {
  sessions: SessionStore;
  knowledge: KnowledgeStore;
  tenantId: string;
  sessionId: string;
  /** Whose view of the knowledge base: shared knowledge plus their own pending learnings. */
  userId?: string;
  message: string;
  historyTurns: number;
  topK: number;
  /** The agent's persona; Lore's own instructions are always appended (agent/prompts.ts). */
  persona?: string;
  now?: number;
}

/** Episodic turns become prior messages; the top-k KB chunks go into the fenced semantic memory. */
export async function buildContext(p: BuildContextParams): Promise<BuiltContext> {
  const [turns, retrieved] = await Promise.all([
    p.historyTurns > 0 ? p.sessions.recentTurns({ tenantId: p.tenantId, sessionId: p.sessionId, limit: p.historyTurns, now: p.now }) : Promise.resolve([]),
    p.knowledge.search({ tenantId: p.tenantId, query: p.message, topK: p.topK, ...(p.userId ? { viewer: { userId: p.userId } } : {}) }),
  ]);
  const messages: Message[] = [];
  for (const t of turns) {
    const text = t.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('');
    if (!text) continue;
    // Converse requires alternating roles; merge consecutive same-role turns.
    const prev = messages.at(-1);
    if (prev?.role === t.role) prev.content.push({ text });
    else messages.push({ role: t.role, content: [{ text }] });
  }
  if (messages[0]?.role === 'assistant') messages.shift();
  if (messages.at(-1)?.role === 'user') messages.pop();
  messages.push({ role: 'user', content: [{ text: p.message }] });
  return { system: systemBlocks(renderSemanticMemory(retrieved), p.persona), messages, retrieved, historyTurns: turns.length };
}
