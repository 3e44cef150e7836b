import { createHash } from 'node:crypto';
import { detectInjection, redactPii } from '../guardrails/screen.js';
import type { KnowledgeStore } from '../memory/knowledge-store.js';
import { contentHash } from '../memory/normalize.js';
import type { ModelProvider } from '../models/provider.js';
import { decideMemoryEvent } from './decision.js';

export interface LearningOutcome {
  fact: string;
  event: 'ADD' | 'UPDATE' | 'NOOP' | 'REJECTED';
  /** The learning document written (ADD/UPDATE) or the one that already held it (NOOP). */
  docId?: string;
  /** For UPDATE: the chunk whose fact was superseded, and its document. */
  superseded?: { chunkId: string; docId: string; kind: string };
  reason?: string;
  /** Time from starting to write the learning until it was retrievable. */
  propagationMs?: number;
}

export interface ApplyLearningsParams {
  tenantId: string;
  sessionId: string;
  userId: string;
  /** Makes ids deterministic: re-running the same step writes the same documents, once. */
  runId: string;
  traceId?: string;
  turnId?: string;
  model: string;
  learnings: string[];
  candidatesK?: number;
  signal?: AbortSignal;
}

/** Display form of a fact: single-spaced, capitalised, ending with a full stop. */
export function cleanFact(text: string): string {
  const t = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (!t) return t;
  const cap = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(cap) ? cap : `${cap}.`;
}

export function learningId(runId: string, index: number): string {
  return `lrn_${createHash('sha256').update(`${runId}:${index}`).digest('hex').slice(0, 24)}`;
}

export function learningSourceUri(tenantId: string, sessionId: string, id: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `learnings/${safe(tenantId)}/${safe(sessionId)}/${id}.md`;
}

/**
 * The knowledge updater: screen → dedupe → decide (ADD / UPDATE / NOOP against the most similar
 * facts) → write and index synchronously, superseding the stale fact on UPDATE.
 */
export async function applyLearnings(deps: { knowledge: KnowledgeStore; provider: ModelProvider }, p: ApplyLearningsParams): Promise<LearningOutcome[]> {
  const out: LearningOutcome[] = [];
  const actor = `user:${p.userId}`;
  for (const [i, raw] of p.learnings.entries()) {
    const started = performance.now();
    const injection = detectInjection(raw);
    if (injection) {
      out.push({ fact: raw, event: 'REJECTED', reason: 'looks like a prompt injection' });
      continue;
    }
    const fact = cleanFact(redactPii(raw).text);
    if (fact.length < 3 || fact.length > 1000) {
      out.push({ fact, event: 'REJECTED', reason: 'a learning must be 3–1000 characters' });
      continue;
    }
    const id = learningId(p.runId, i);
    const existing = await deps.knowledge.findByHash({ tenantId: p.tenantId, contentHash: contentHash(fact) });
    if (existing && existing.status === 'active' && existing.id !== id) {
      await deps.knowledge.recordEvent({ tenantId: p.tenantId, event: { docId: existing.id, action: 'noop', actor, at: Date.now(), detail: { fact, runId: p.runId, reason: 'duplicate' } } });
      out.push({ fact, event: 'NOOP', docId: existing.id, reason: 'exact duplicate' });
      continue;
    }
    const hits = (await deps.knowledge.search({ tenantId: p.tenantId, query: fact, topK: p.candidatesK ?? 5 })).filter((h) => h.docId !== id && !h.supersededBy);
    const decision = await decideMemoryEvent(deps.provider, fact, hits.map((h) => ({ id: h.chunkId, text: h.text })), p.signal);
    const target = 'id' in decision ? hits.find((h) => h.chunkId === decision.id) : undefined;

    if (decision.event === 'NOOP' && target) {
      await deps.knowledge.recordEvent({ tenantId: p.tenantId, event: { docId: target.docId, action: 'noop', actor, at: Date.now(), detail: { fact, runId: p.runId, reason: decision.reason } } });
      out.push({ fact, event: 'NOOP', docId: target.docId, reason: decision.reason ?? 'already known' });
      continue;
    }
    const text = cleanFact(('text' in decision && decision.text) || fact);
    const doc = await deps.knowledge.upsertDocument({
      id,
      tenantId: p.tenantId,
      sourceUri: learningSourceUri(p.tenantId, p.sessionId, id),
      kind: 'learning',
      text,
      actor,
      provenance: { sessionId: p.sessionId, userId: p.userId, traceId: p.traceId, runId: p.runId, turnId: p.turnId, model: p.model },
    });
    if (decision.event === 'UPDATE' && target) {
      await deps.knowledge.supersede({ tenantId: p.tenantId, chunkId: target.chunkId, newId: doc.id, actor });
    }
    out.push({
      fact: text,
      event: decision.event === 'UPDATE' && target ? 'UPDATE' : 'ADD',
      docId: doc.id,
      ...(decision.event === 'UPDATE' && target ? { superseded: { chunkId: target.chunkId, docId: target.docId, kind: target.kind } } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      propagationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  }
  return out;
}
