import { screenKnowledge } from '../../guardrails/knowledge.js';
import type { Hono } from 'hono';
import type { KnowledgeDoc } from '../../memory/knowledge-store.js';
import type { Principal } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { notFound, pathId, readJson, readQuery, type Env } from '../http.js';
import { toHistory, toLearning } from '../present.js';
import { DeleteLearningQuery, EmptyQuery, IngestRequest, LearningsQuery } from '../schemas.js';

/**
 * Learnings and the knowledge base are shared by a tenant (that is the point: one user's
 * correction helps the next), so these routes scope by tenant, not by user.
 */
export function learningRoutes(app: Hono<Env>, deps: AppDeps): void {
  const limit = deps.config.server.bodyLimitBytes;
  const k = deps.knowledge;

  /** A learning of the caller's tenant; documents are not learnings and 404 here too. */
  const learning = async (p: Principal, id: string): Promise<KnowledgeDoc> => {
    const d = await k.getDocument({ tenantId: p.tenantId, id });
    if (!d || d.kind !== 'learning') throw notFound('learning', id);
    return d;
  };

  app.get('/learnings', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, LearningsQuery);
    const docs = await k.listDocuments({
      tenantId: p.tenantId,
      kind: 'learning',
      limit: q.limit ?? 100,
      ...(q.offset !== undefined ? { offset: q.offset } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.text ? { text: q.text } : {}),
      ...(q.source ? { sourcePrefix: q.source } : {}),
    });
    return c.json({ learnings: docs.map(toLearning) });
  });

  app.get('/learnings/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'learning');
    readQuery(c, EmptyQuery);
    const d = await learning(p, id);
    const history = await k.history({ tenantId: p.tenantId, id });
    return c.json({ ...toLearning(d), history: history.map(toHistory) });
  });

  app.delete('/learnings/:id', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'learning');
    const q = readQuery(c, DeleteLearningQuery);
    await learning(p, id);
    const d = await k.deleteDocument({ tenantId: p.tenantId, id, actor: `user:${p.userId}`, ...(q.reason ? { reason: q.reason } : {}) });
    return c.json(toLearning(d));
  });

  app.post('/learnings/:id/restore', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'learning');
    await learning(p, id);
    const d = await k.restoreDocument({ tenantId: p.tenantId, id, actor: `user:${p.userId}` });
    return c.json(toLearning(d));
  });

  app.post('/ingest', async (c) => {
    const p = c.get('principal');
    const body = await readJson(c, IngestRequest, limit);
    // The whole body is validated before the first write, so a bad document writes nothing.
    const out = [];
    // Knowledge stage: screened (PII redacted, blocks refused) before the first write, too.
    const screened = await Promise.all(body.documents.map((d) => screenKnowledge(deps.guard, { tenantId: p.tenantId, userId: p.userId, text: d.text, sourceUri: d.source_uri })));
    for (const [i, d] of body.documents.entries()) {
      const doc = await k.upsertDocument({ tenantId: p.tenantId, sourceUri: d.source_uri, kind: 'document', text: screened[i]!, actor: `user:${p.userId}`, provenance: { userId: p.userId } });
      out.push({ id: doc.id, source_uri: doc.sourceUri, status: doc.status });
    }
    return c.json({ documents: out });
  });
}
