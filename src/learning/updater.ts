import { createHash } from 'node:crypto';
import type { Finding, GuardAction, Guardrail } from '../guardrails/port.js';
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
  /** What the learning-stage guardrail said, when it found anything (kinds and categories only, never text). */
  screening?: { action: GuardAction; kinds: string[]; categories: Finding['category'][] };
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

function rejectionReason(action: GuardAction, findings: Finding[]): string {
  const cats = new Set(findings.filter((f) => f.action === action).map((f) => f.category));
  if (cats.has('injection')) return 'looks like a prompt injection';
  if (cats.has('denied_topic')) return 'about a denied topic';
  if (cats.has('sensitive_change')) return 'changes approvals, payment details or links: held for review';
  return action === 'hold' ? 'held: not to be shared' : 'blocked by the guardrail';
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
export async function applyLearnings(deps: { knowledge: KnowledgeStore; provider: ModelProvider; guard: Guardrail }, p: ApplyLearningsParams): Promise<LearningOutcome[]> {
  const out: LearningOutcome[] = [];
  const actor = `user:${p.userId}`;
  for (const [i, raw] of p.learnings.entries()) {
    const started = performance.now();
    // Normalise, then screen (learning stage): the screened text — canonical, PII replaced by
    // placeholders — is the only form kept, in the outcome as well as the knowledge base.
    const screened = await deps.guard.screen({ text: raw, stage: 'learning', tenantId: p.tenantId, userId: p.userId, runId: p.runId, ...(p.signal ? { signal: p.signal } : {}) });
    const screening = screened.findings.length
      ? { screening: { action: screened.action, kinds: [...new Set(screened.findings.map((f) => f.kind))], categories: [...new Set(screened.findings.map((f) => f.category))] } }
      : {};
    if (screened.action === 'block' || screened.action === 'hold') {
      // hold = fine for this user, not for everyone: until learnings can be kept personal or
      // reviewed, a held learning is not written to the shared knowledge base.
      out.push({ fact: cleanFact(screened.text), event: 'REJECTED', reason: rejectionReason(screened.action, screened.findings), ...screening });
      continue;
    }
    const fact = cleanFact(screened.text);
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
