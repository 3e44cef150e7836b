import { screenKnowledge } from '../../guardrails/knowledge.js';
import type { Hono } from 'hono';
import type { KnowledgeDoc } from '../../memory/knowledge-store.js';
import type { Principal } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { notFound, pathId, readJson, readQuery, type Env } from '../http.js';
import { toHistory, toLearning } from '../present.js';
import { DeleteLearningQuery, DocumentsQuery, EmptyQuery, IngestRequest, LearningsQuery, ReviewRequest } from '../schemas.js';
import { LoreError } from '../../errors.js';
import { learningVisibleTo } from '../../learning/visibility.js';

/**
 * Learnings are the tenant's once shared, and personal (their teacher's) while pending review or
 * after rejection. Anyone in the tenant reads shared ones; a personal one is shown to its owner and
 * to curators only (others get 404, as if it did not exist). Curators approve, reject, and delete or
 * restore anyone's learning; a user may delete or restore their own.
 */
export function learningRoutes(app: Hono<Env>, deps: AppDeps): void {
  const limit = deps.config.server.bodyLimitBytes;
  const k = deps.knowledge;

  /** A learning of the caller's tenant that they may see; documents are not learnings and 404 here too. */
  const learning = async (p: Principal, id: string): Promise<KnowledgeDoc> => {
    const d = await k.getDocument({ tenantId: p.tenantId, id });
    if (!d || d.kind !== 'learning' || !learningVisibleTo(p, d)) throw notFound('learning', id);
    return d;
  };
  const mustCurate = (p: Principal, what: string) => {
    if (!p.curator) {
      throw new LoreError('FORBIDDEN', `only a curator may ${what}`, { details: { reason: 'curator_role_required', role: deps.config.auth.curatorRole } });
    }
  };
  const mustOwnOrCurate = (p: Principal, d: KnowledgeDoc, what: string) => {
    if (!p.curator && d.ownerId !== p.userId) mustCurate(p, `${what} another user's learning`);
  };
  const actor = (p: Principal) => `user:${p.userId}`;

  /** Who the caller is, for the chat page's review inbox (shown to curators only). */
  app.get('/me', (c) => {
    const p = c.get('principal');
    readQuery(c, EmptyQuery);
    return c.json({ user_id: p.userId, tenant_id: p.tenantId, roles: p.roles ?? [], curator: !!p.curator });
  });

  app.get('/learnings', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, LearningsQuery);
    // Another user's personal learnings are a curator's business only.
    const ownOnly = q.mine === 'true' || (!p.curator && (q.status === 'pending' || q.status === 'rejected' || q.scope === 'personal'));
    const docs = await k.listDocuments({
      tenantId: p.tenantId,
      kind: 'learning',
      ...(ownOnly ? { ownerId: p.userId } : {}),
      limit: q.limit ?? 100,
      ...(q.offset !== undefined ? { offset: q.offset } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.text ? { text: q.text } : {}),
      ...(q.source ? { sourcePrefix: q.source } : {}),
    });
    const shown = docs.filter((d) => learningVisibleTo(p, d) && (!q.scope || d.scope === q.scope));
    return c.json({ learnings: shown.map(toLearning) });
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
    mustOwnOrCurate(p, await learning(p, id), 'delete');
    const d = await k.deleteDocument({ tenantId: p.tenantId, id, actor: actor(p), ...(q.reason ? { reason: q.reason } : {}) });
    return c.json(toLearning(d));
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/learnings/:id/${decision}`, async (c) => {
      const p = c.get('principal');
      const id = pathId(c, 'id', 'learning');
      mustCurate(p, `${decision} learnings`);
      const body = await readJson(c, ReviewRequest, limit);
      await learning(p, id);
      const d = await k.review({ tenantId: p.tenantId, id, decision, actor: actor(p), ...(body.reason ? { reason: body.reason } : {}) });
      return c.json(toLearning(d));
    });
  }

  app.post('/learnings/:id/restore', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'learning');
    mustOwnOrCurate(p, await learning(p, id), 'restore');
    const d = await k.restoreDocument({ tenantId: p.tenantId, id, actor: actor(p) });
    return c.json(toLearning(d));
  });

  // Ingested documents are the tenant's shared truth: anyone in the tenant may read the list.
  app.get('/documents', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, DocumentsQuery);
    const docs = await k.listDocuments({ tenantId: p.tenantId, kind: 'document', limit: q.limit ?? 100, ...(q.text ? { text: q.text } : {}), ...(q.source ? { sourcePrefix: q.source } : {}) });
    const iso = (ms: number) => new Date(ms).toISOString();
    return c.json({ documents: docs.map((d) => ({ id: d.id, source_uri: d.sourceUri, status: d.status, text: d.text.slice(0, 600), chars: d.text.length, created_at: iso(d.createdAt), updated_at: iso(d.updatedAt) })) });
  });

  app.post('/ingest', async (c) => {
    const p = c.get('principal');
    // Ingesting replaces a document by source URI: the shared truth itself, so it is a curator's act.
    mustCurate(p, 'ingest documents');
    const body = await readJson(c, IngestRequest, limit);
    // The whole body is validated before the first write, so a bad document writes nothing.
    const out = [];
    // Knowledge stage: screened (PII redacted, blocks refused) before the first write, too.
    const screened = await Promise.all(body.documents.map((d) => screenKnowledge(deps.guard, { tenantId: p.tenantId, userId: p.userId, text: d.text, sourceUri: d.source_uri })));
    for (const [i, d] of body.documents.entries()) {
      const doc = await k.upsertDocument({ tenantId: p.tenantId, sourceUri: d.source_uri, kind: 'document', text: screened[i]!, actor: `user:${p.userId}`, provenance: { userId: p.userId }, chunking: d.chunking });
      out.push({ id: doc.id, source_uri: doc.sourceUri, status: doc.status });
    }
    return c.json({ documents: out });
  });
}
