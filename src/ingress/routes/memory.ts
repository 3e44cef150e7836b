import type { Hono } from 'hono';
import { z } from 'zod';
import { extractLearnings } from '../../memory/learning-tags.js';
import { LoreError } from '../../errors.js';
import { maskPii } from '../../guardrails/stream-mask.js';
import { cleanFact } from '../../learning/updater.js';
import { forgetEverything, forgetMemoryItem } from '../../memory/forget.js';
import type { SessionSummaryRecord, UserFact } from '../../memory/memory-store.js';
import type { AppDeps } from '../deps.js';
import { notFound, pathId, readJson, readQuery, type Env } from '../http.js';
import { EmptyQuery } from '../schemas.js';

/**
 * What Lore remembers about the caller (README "Memory"): list, correct and delete. Always the
 * caller's own memory — there is no way to name another user here.
 */
const iso = (ms: number) => new Date(ms).toISOString();
export const CorrectMemoryRequest = z.object({ text: z.string().trim().min(3).max(1000) }).strict();
const Fact = z.object({ id: z.string(), kind: z.literal('user_fact'), text: z.string(), session_id: z.string().optional(), created_at: z.string(), updated_at: z.string(), expires_at: z.string() });
const Summary = z.object({ id: z.string(), kind: z.literal('session_summary'), session_id: z.string(), text: z.string(), covered_turns: z.number(), updated_at: z.string(), expires_at: z.string() });
/** Response shapes, for the OpenAPI document. */
export const MemorySchemas = {
  list: z.object({ facts: z.array(Fact), summaries: z.array(Summary) }),
  fact: Fact,
  deleted: z.object({ id: z.string(), deleted: z.literal(true) }),
  forgotten: z.object({ deleted: z.object({ facts: z.number(), summaries: z.number() }) }),
};

export const toFact = (f: UserFact) => ({
  id: f.id,
  kind: 'user_fact' as const,
  text: f.text,
  ...(f.sessionId ? { session_id: f.sessionId } : {}),
  created_at: iso(f.createdAt),
  updated_at: iso(f.updatedAt),
  expires_at: iso(f.expiresAt),
});

export const toSummary = (s: SessionSummaryRecord) => ({
  id: s.sessionId,
  kind: 'session_summary' as const,
  session_id: s.sessionId,
  text: s.text,
  covered_turns: s.coveredTurns,
  updated_at: iso(s.updatedAt),
  expires_at: iso(s.expiresAt),
});

export function memoryRoutes(app: Hono<Env>, deps: AppDeps): void {
  const need = () => {
    if (!deps.memory) throw new LoreError('VALIDATION_FAILED', 'long-term memory is not enabled on this server');
    return deps.memory;
  };

  app.get('/me/memory', async (c) => {
    const p = c.get('principal');
    readQuery(c, EmptyQuery);
    const m = need().store;
    const [facts, summaries] = await Promise.all([m.listFacts({ tenantId: p.tenantId, userId: p.userId }), m.listSummaries({ tenantId: p.tenantId, userId: p.userId })]);
    // An empty summary (a session of questions and greetings) is only a coverage mark: not shown.
    return c.json({ facts: facts.map(toFact), summaries: summaries.filter((x) => x.text).map(toSummary) });
  });

  // Correct a fact. The same governance as a learning: no learning tags, PII redacted.
  app.put('/me/memory/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'memory item');
    const body = await readJson(c, CorrectMemoryRequest, deps.config.server.bodyLimitBytes);
    const mem = need();
    // A `[LEARNING]` tag, on its own line or inline, is cut with whatever follows it.
    const text = cleanFact(maskPii(extractLearnings(body.text).text.replace(/\[\s*learning\s*\][\s\S]*$/i, '')));
    if (text.length < 3) throw new LoreError('VALIDATION_FAILED', 'the corrected text is empty once screened');
    const f = await mem.store.updateFact({ tenantId: p.tenantId, userId: p.userId, id, text, ttlSeconds: mem.retention(p.tenantId).userFactSeconds });
    if (!f) throw notFound('memory item', id);
    return c.json(toFact(f));
  });

  // One item: a fact by its id, or a session summary by its session id.
  app.delete('/me/memory/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'memory item');
    const m = need().store;
    const who = { tenantId: p.tenantId, userId: p.userId };
    const deleted = await forgetMemoryItem(m, { ...who, id });
    if (!deleted) throw notFound('memory item', id);
    return c.json({ id, deleted: true });
  });

  app.delete('/me/memory', async (c) => {
    const p = c.get('principal');
    readQuery(c, EmptyQuery);
    const mem = need();
    const r = await forgetEverything({ store: mem.store, sessions: deps.sessions, summaryTtlSeconds: mem.retention(p.tenantId).summarySeconds }, { tenantId: p.tenantId, userId: p.userId });
    return c.json({ deleted: { facts: r.facts, summaries: r.summaries } });
  });
}
