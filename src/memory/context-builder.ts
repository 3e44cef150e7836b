import { systemBlocks } from './prompts.js';
import type { Message, SystemContentBlock } from '../models/types.js';
import type { KnowledgeStore, SearchHit } from './knowledge-store.js';
import { renderSemanticMemory, type HitNote } from './fence.js';
import { loadMemoryContext, renderSessionSummary, renderUserMemory } from './memory-context.js';
import type { MemoryDeps } from './memory-deps.js';
import type { MemoryRef } from './memory-store.js';
import { fitToBudget, planRetrieval, type RetrievalPlan } from './retrieval-plan.js';
import { splitWindow } from './window.js';
import type { SessionStore } from './session-store.js';

export interface BuiltContext {
  system: SystemContentBlock[];
  /** Prior turns of the session, then the new user message. */
  messages: Message[];
  retrieved: SearchHit[];
  /** How many chunks were asked for and the token budget they shared (README "Retrieval"). */
  plan: RetrievalPlan;
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
  /** Token budget of `<semantic_memory>`; topK and per-chunk share adapt to the question (0 = fixed topK, unbounded). */
  contextTokens?: number;
  /** The agent's persona; Lore's own instructions are always appended (agent/prompts.ts). */
  persona?: string;
  /** Long-term memory (README "Memory"): the session summary and the user's own memory. */
  memory?: MemoryDeps;
  now?: number;
}

/** Episodic turns become prior messages; the top-k KB chunks go into the fenced semantic memory. */
export async function buildContext(p: BuildContextParams): Promise<BuiltContext> {
  const plan = planRetrieval(p.message, { topK: p.topK, contextTokens: p.contextTokens ?? 0 });
  const [recent, found, mem] = await Promise.all([
    p.historyTurns > 0 ? p.sessions.recentTurns({ tenantId: p.tenantId, sessionId: p.sessionId, limit: p.historyTurns, now: p.now }) : Promise.resolve([]),
    p.knowledge.search({ tenantId: p.tenantId, query: p.message, topK: plan.topK, ...(p.userId ? { viewer: { userId: p.userId } } : {}) }),
    p.memory ? loadMemoryContext(p.memory, { tenantId: p.tenantId, sessionId: p.sessionId, userId: p.userId, message: p.message, now: p.now }) : Promise.resolve(null),
  ]);
  const retrieved = fitToBudget(found, plan);
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
  const notes = await hitNotes(p.knowledge, p.tenantId, retrieved);
  const ordered = newestFirst(retrieved, notes);
  // Memory ahead of the turns: the user's own memory, then what this conversation said before its window.
  const memoryText = [renderSemanticMemory(ordered, notes), mem ? renderUserMemory(mem) : '', mem ? renderSessionSummary(mem.summary) : ''].filter(Boolean).join('\n\n');
  return { system: systemBlocks(memoryText, p.persona), messages, retrieved: ordered, plan, historyTurns: turns.length, memory: mem?.refs ?? [] };
}

/**
 * Dates of the retrieved hits, and the recorded conflicts between them (history events 'conflict',
 * written by the updater when an ADD disagrees with an active fact). A few point lookups per turn.
 */
async function hitNotes(k: KnowledgeStore, tenantId: string, hits: SearchHit[]): Promise<Map<string, HitNote>> {
  const notes = new Map<string, HitNote>();
  const docs = new Map<string, { at: number }>();
  for (const id of new Set(hits.map((h) => h.docId))) {
    const d = await k.getDocument({ tenantId, id });
    if (d) docs.set(id, { at: d.kind === 'learning' ? d.createdAt : d.updatedAt });
  }
  const byDoc = new Map(hits.map((h) => [h.docId, h]));
  for (const h of hits) {
    const note: HitNote = { ...(docs.get(h.docId) ? { at: docs.get(h.docId)!.at } : {}) };
    if (h.kind === 'learning') {
      const events = await k.history({ tenantId, id: h.docId });
      for (const e of events) {
        const other = e.action === 'conflict' ? byDoc.get(String(e.detail?.with)) : undefined;
        if (!other || other.docId === h.docId) continue;
        const mine = docs.get(h.docId)?.at ?? 0;
        const theirs = docs.get(other.docId)?.at ?? 0;
        note.conflict = { source: other.sourceUri, newer: mine >= theirs };
        const back = notes.get(other.chunkId) ?? { ...(docs.get(other.docId) ? { at: theirs } : {}) };
        notes.set(other.chunkId, { ...back, conflict: { source: h.sourceUri, newer: theirs > mine } });
      }
    }
    if (!notes.get(h.chunkId)?.conflict || note.conflict) notes.set(h.chunkId, { ...notes.get(h.chunkId), ...note });
  }
  return notes;
}

/** Each hit in a conflict that ranks below the older side it disagrees with moves up just before it. */
function newestFirst(hits: SearchHit[], notes: Map<string, HitNote>): SearchHit[] {
  const out = [...hits];
  for (const h of hits) {
    const c = notes.get(h.chunkId)?.conflict;
    if (!c?.newer) continue;
    const older = out.findIndex((x) => x.sourceUri === c.source && notes.get(x.chunkId)?.conflict && !notes.get(x.chunkId)!.conflict!.newer);
    const mine = out.indexOf(h);
    if (older >= 0 && older < mine) {
      out.splice(mine, 1);
      out.splice(older, 0, h);
    }
  }
  return out;
}
