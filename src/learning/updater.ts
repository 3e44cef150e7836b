import { createHash } from 'node:crypto';
import type { Finding, GuardAction, Guardrail } from '../guardrails/port.js';
import type { KnowledgeDoc, KnowledgeStore } from '../memory/knowledge-store.js';
import { contentHash } from '../memory/normalize.js';
import { routeUserFact, type UserMemoryDeps } from '../memory/user-memory.js';
import type { ModelProvider } from '../models/provider.js';
import { corroborate } from './corroboration.js';
import { decideMemoryEvent, type Conversation } from './decision.js';
import { decideLearning, policyForTenant, type GuardrailFinding, type LearningPolicy, type LearningState } from './policy.js';
import { sensitiveCategories, type SensitiveCategory } from './sensitivity.js';

export interface LearningOutcome {
  fact: string;
  event: 'ADD' | 'UPDATE' | 'NOOP' | 'REJECTED';
  /**
   * Where the learning stands after this turn: shared with the tenant, personal (its teacher
   * only), pending a curator's review (its teacher reads it meanwhile), or rejected.
   */
  state: LearningState;
  /** The learning document written (ADD/UPDATE) or the one that already held it (NOOP). */
  docId?: string;
  /** For UPDATE: the chunk whose fact was superseded, and its document. */
  superseded?: { chunkId: string; docId: string; kind: string };
  /**
   * For ADD: active facts the decision said this one disagrees with without replacing them. Never
   * silent: recorded as 'conflict' history events (the review trail) and labelled in contexts.
   */
  conflicts?: Array<{ chunkId: string; docId: string }>;
  reason?: string;
  /** What the learning-stage guardrail said, when it found anything (kinds and categories only, never text). */
  screening?: { action: GuardAction; kinds: string[]; categories: Finding['category'][] };
  /** Time from starting to write the learning until it was retrievable. */
  propagationMs?: number;
  /** Who the fact is about (memory/user-memory.ts): 'user' facts live in the user's own memory, never shared. */
  about?: 'user' | 'world';
  /** For about 'user': the id of the fact in the user's memory (GET /me/memory). */
  memoryId?: string;
}

function screeningReason(action: GuardAction, findings: Finding[]): string {
  const cats = new Set(findings.filter((f) => f.action === action).map((f) => f.category));
  if (cats.has('injection')) return 'looks like a prompt injection';
  if (cats.has('denied_topic')) return 'about a denied topic';
  if (cats.has('sensitive_change')) return 'changes approvals, payment details or links: a curator reviews it first';
  if (cats.has('disguise')) return 'the text was disguised (hidden or look-alike characters, a payload): a curator reviews it first';
  return action === 'hold' ? 'held for review' : 'blocked by the guardrail';
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
  policy: LearningPolicy;
  /** Guardrail findings about the turn (hold → review, block → refuse). */
  findings?: GuardrailFinding[];
  /** Set when the turn's input was flagged: the reason; nothing from the turn is learned. */
  quarantined?: string;
  /** The exchange before the fact was stated, so the decision can resolve "it's 250 now". */
  conversation?: Conversation;
  now?: number;
}

/**
 * The facts a decision compares against: the most similar chunks — documents and learnings alike —
 * for the fact itself, then for the fact with the question it answers (a short correction such as
 * "it's 250 now" shares no words with what it corrects).
 */
async function candidatesFor(k: KnowledgeStore, p: ApplyLearningsParams, fact: string, ownId: string) {
  const viewer = { userId: p.userId };
  const topK = p.candidatesK ?? 5;
  const queries = [fact, ...(p.conversation?.question ? [`${p.conversation.question} ${fact}`] : [])];
  const seen = new Set<string>();
  const out: Awaited<ReturnType<KnowledgeStore['search']>> = [];
  for (const query of queries) {
    for (const h of await k.search({ tenantId: p.tenantId, query, topK, viewer })) {
      if (h.docId === ownId || h.supersededBy || seen.has(h.chunkId)) continue;
      seen.add(h.chunkId);
      out.push(h);
    }
  }
  return out.slice(0, topK + 2);
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

export function stateOf(doc: KnowledgeDoc): LearningState {
  if (doc.status === 'pending') return 'pending';
  if (doc.status === 'rejected' || doc.status === 'deleted') return 'rejected';
  return 'shared';
}

/**
 * The knowledge updater: screen → dedupe → decide (ADD / UPDATE / NOOP against the most similar
 * facts the teacher can see) → govern (policy.ts: shared now, pending review, or refused) → write
 * and index synchronously, superseding the stale fact (for the teacher only while pending).
 */
export async function applyLearnings(deps: { knowledge: KnowledgeStore; provider: ModelProvider; guard: Guardrail; userMemory?: UserMemoryDeps }, p: ApplyLearningsParams): Promise<LearningOutcome[]> {
  const out: LearningOutcome[] = [];
  const actor = `user:${p.userId}`;
  const now = p.now ?? Date.now();
  const k = deps.knowledge;
  p = { ...p, policy: policyForTenant(p.policy, p.tenantId) };
  for (const [i, raw] of p.learnings.entries()) {
    const started = performance.now();
    const id = learningId(p.runId, i);
    // A re-run of this step (after a crash) finds its own write: report it, decide nothing again.
    const prior = await k.getDocument({ tenantId: p.tenantId, id });
    if (prior) {
      out.push({ fact: prior.text, event: 'ADD', state: stateOf(prior), docId: prior.id });
      continue;
    }
    // Normalise, then screen (learning stage): the screened text — canonical, PII replaced by
    // placeholders — is the only form kept, in the outcome as well as the knowledge base.
    const screened = await deps.guard.screen({ text: raw, stage: 'learning', tenantId: p.tenantId, userId: p.userId, runId: p.runId, ...(p.signal ? { signal: p.signal } : {}) });
    const screening = screened.findings.length
      ? { screening: { action: screened.action, kinds: [...new Set(screened.findings.map((f) => f.kind))], categories: [...new Set(screened.findings.map((f) => f.category))] } }
      : {};
    if (screened.action === 'block') {
      out.push({ fact: cleanFact(screened.text), event: 'REJECTED', state: 'rejected', reason: screeningReason('block', screened.findings), ...screening });
      continue;
    }
    // hold = fine for its teacher, not for everyone: the policy sends it to review.
    const findings: GuardrailFinding[] = [...(p.findings ?? []), ...(screened.action === 'hold' ? [{ action: 'hold' as const, reason: screeningReason('hold', screened.findings) }] : [])];
    const fact = cleanFact(screened.text);
    if (fact.length < 3 || fact.length > 1000) {
      out.push({ fact, event: 'REJECTED', state: 'rejected', reason: 'a learning must be 3–1000 characters' });
      continue;
    }
    const early = decideLearning({ policy: p.policy, categories: [], findings, ...(p.quarantined ? { quarantined: p.quarantined } : {}) });
    if (early.state === 'rejected') {
      out.push({ fact, event: 'REJECTED', state: 'rejected', reason: early.reason });
      continue;
    }
    // Long-term memory hook: a fact about the user themself goes to their own memory, never the KB.
    const personal = deps.userMemory ? await routeUserFact({ provider: deps.provider, userMemory: deps.userMemory }, { ...p, index: i, fact, ...(p.signal ? { signal: p.signal } : {}) }) : null;
    if (personal) {
      out.push({ ...personal, ...screening });
      continue;
    }
    const existing = await k.findByHash({ tenantId: p.tenantId, contentHash: contentHash(fact) });
    let canonical: KnowledgeDoc | undefined;
    if (existing && existing.kind === 'learning') {
      const mine = existing.ownerId === p.userId;
      if (existing.status === 'rejected' && !mine) {
        out.push({ fact, event: 'REJECTED', state: 'rejected', docId: existing.id, reason: 'a curator already rejected this' });
        continue;
      }
      if (existing.status === 'active' || (existing.status === 'pending' && mine)) {
        await k.recordEvent({ tenantId: p.tenantId, event: { docId: existing.id, action: 'noop', actor, at: Date.now(), detail: { fact, runId: p.runId, reason: 'duplicate' } } });
        out.push({ fact, event: 'NOOP', state: stateOf(existing), docId: existing.id, reason: 'exact duplicate' });
        continue;
      }
      if (existing.status === 'pending') canonical = existing;
    } else if (existing && existing.status === 'active') {
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: existing.id, action: 'noop', actor, at: Date.now(), detail: { fact, runId: p.runId, reason: 'duplicate' } } });
      out.push({ fact, event: 'NOOP', state: 'shared', docId: existing.id, reason: 'exact duplicate' });
      continue;
    }
    const hits = await candidatesFor(k, p, fact, id);
    const decision = await decideMemoryEvent(deps.provider, fact, hits.map((h) => ({ id: h.chunkId, text: h.text })), p.signal, p.conversation);
    const target = 'id' in decision ? hits.find((h) => h.chunkId === decision.id) : undefined;

    if (decision.event === 'NOOP' && target && !canonical) {
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: target.docId, action: 'noop', actor, at: Date.now(), detail: { fact, runId: p.runId, reason: decision.reason } } });
      const held = await k.getDocument({ tenantId: p.tenantId, id: target.docId });
      out.push({ fact, event: 'NOOP', state: held ? stateOf(held) : 'shared', docId: target.docId, reason: decision.reason ?? 'already known' });
      continue;
    }
    const text = cleanFact(('text' in decision && decision.text) || fact);
    const updates = decision.event === 'UPDATE' && target;
    // The raw line too: redaction can remove exactly what made it sensitive (an email domain).
    const categories: SensitiveCategory[] = [...new Set([...sensitiveCategories(text, p.policy.sensitivity), ...sensitiveCategories(raw, p.policy.sensitivity)])];
    // Replacing what an ingested document says is the poisoning that matters most: always reviewed.
    if (updates && target.kind === 'document') categories.push('supersedes_document');
    const rateLimited = (await k.countLearningsSince({ tenantId: p.tenantId, userId: p.userId, since: now - 3_600_000 })) >= p.policy.maxPerUserPerHour;
    const verdict = decideLearning({ policy: p.policy, categories, rateLimited, findings });
    if (verdict.state === 'rejected') {
      out.push({ fact: text, event: 'REJECTED', state: 'rejected', reason: verdict.reason });
      continue;
    }
    const doc = await k.upsertDocument({
      id,
      tenantId: p.tenantId,
      sourceUri: learningSourceUri(p.tenantId, p.sessionId, id),
      kind: 'learning',
      text,
      actor,
      status: verdict.state === 'shared' ? 'active' : 'pending',
      provenance: { sessionId: p.sessionId, userId: p.userId, traceId: p.traceId, runId: p.runId, turnId: p.turnId, model: p.model },
    });
    await k.recordEvent({ tenantId: p.tenantId, event: { docId: doc.id, action: 'submitted', actor, at: Date.now(), detail: { state: verdict.state, reason: verdict.reason, categories } } });
    if (verdict.state === 'shared' && verdict.selfApproved) {
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: doc.id, action: 'approved', actor, at: Date.now(), detail: { reason: verdict.reason } } });
    }
    if (updates) await k.supersede({ tenantId: p.tenantId, chunkId: target.chunkId, newId: doc.id, actor });
    // An ADD that disagrees with an active fact: both stay, so the case is recorded on both sides
    // (the learning's history is the review trail; context building labels the pair, newest first).
    const conflicts = decision.event === 'ADD' ? hits.filter((h) => decision.conflicts?.includes(h.chunkId)).map((h) => ({ chunkId: h.chunkId, docId: h.docId })) : [];
    for (const c of conflicts) {
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: doc.id, action: 'conflict', actor, at: Date.now(), detail: { with: c.docId, chunkId: c.chunkId, runId: p.runId, role: 'newer' } } });
      await k.recordEvent({ tenantId: p.tenantId, event: { docId: c.docId, action: 'conflict', actor, at: Date.now(), detail: { with: doc.id, chunkId: c.chunkId, runId: p.runId, role: 'older' } } });
    }
    let state: LearningState = verdict.state;
    let reason = verdict.state === 'pending' ? verdict.reason : decision.reason;
    let docId = doc.id;
    if (canonical && verdict.state === 'pending') {
      const c = await corroborate(k, p.policy, { tenantId: p.tenantId, canonical, userId: p.userId, runId: p.runId, ownCopyId: doc.id });
      if (c.promoted) [state, docId, reason] = ['shared', canonical.id, `stated independently by ${c.count} users`];
    }
    out.push({
      fact: text,
      event: updates ? 'UPDATE' : 'ADD',
      state,
      docId,
      ...(updates ? { superseded: { chunkId: target.chunkId, docId: target.docId, kind: target.kind } } : {}),
      ...(conflicts.length ? { conflicts } : {}),
      ...(reason ? { reason } : {}),
      ...screening,
      propagationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(deps.userMemory ? { about: 'world' as const } : {}),
    });
  }
  return out;
}
