import { systemBlocks } from '../agent/prompts.js';
import type { Message, SystemContentBlock } from '../models/types.js';
import type { KnowledgeStore, SearchHit } from './knowledge-store.js';
import { renderSemanticMemory } from './fence.js';
import { loadMemoryContext, renderSessionSummary, renderUserMemory } from './memory-context.js';
import type { MemoryDeps } from './memory-deps.js';
import type { MemoryRef } from './memory-store.js';
import { splitWindow } from './window.js';
import type { SessionStore } from './session-store.js';

export interface BuiltContext {
  system: SystemContentBlock[];
  /** Prior turns of the session, then the new user message. */
  messages: Message[];
  retrieved: SearchHit[];
  historyTurns: number;
  /** Long-term memory items that reached the prompt (session summary, user facts, past sessions). */
  memory: MemoryRef[];
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
  /** Long-term memory (README "Memory"): the session summary and the user's own memory. */
  memory?: MemoryDeps;
  now?: number;
}

/** Episodic turns become prior messages; the top-k KB chunks go into the fenced semantic memory. */
export async function buildContext(p: BuildContextParams): Promise<BuiltContext> {
  const [recent, retrieved, mem] = await Promise.all([
    p.historyTurns > 0 ? p.sessions.recentTurns({ tenantId: p.tenantId, sessionId: p.sessionId, limit: p.historyTurns, now: p.now }) : Promise.resolve([]),
    p.knowledge.search({ tenantId: p.tenantId, query: p.message, topK: p.topK, ...(p.userId ? { viewer: { userId: p.userId } } : {}) }),
    p.memory ? loadMemoryContext(p.memory, { tenantId: p.tenantId, sessionId: p.sessionId, userId: p.userId, message: p.message, now: p.now }) : Promise.resolve(null),
  ]);
  // With summaries on, the window is bounded by tokens too: what falls out is in the summary.
  const turns = p.memory?.summary.enabled ? splitWindow(recent, { maxTurns: p.historyTurns, maxTokens: p.memory.summary.windowTokens }).window : recent;
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
  // Memory ahead of the turns: the user's own memory, then what this conversation said before its window.
  const memoryText = [renderSemanticMemory(retrieved), mem ? renderUserMemory(mem) : '', mem ? renderSessionSummary(mem.summary) : ''].filter(Boolean).join('\n\n');
  return { system: systemBlocks(memoryText, p.persona), messages, retrieved, historyTurns: turns.length, memory: mem?.refs ?? [] };
}
