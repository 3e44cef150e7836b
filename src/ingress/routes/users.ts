import type { Hono } from 'hono';
import { LoreError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { pathId, type Env } from '../http.js';

/**
 * `DELETE /users/:id/data`: erase a user's turns, runs, feedback and learnings (see
 * stores/sqlite/gdpr.ts). Only the user themself may ask — or anyone on a server without
 * authentication, which is a single local operator. (Curators get this with roles.)
 */
export function userRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.delete('/users/:id/data', async (c) => {
    const p = c.get('principal');
    const id = pathId(c, 'id', 'user');
    const local = !deps.config.auth.jwksUrl && !deps.config.auth.hs256Secret;
    if (id !== p.userId && !local) throw new LoreError('FORBIDDEN', 'only the user themself may erase their data');
    if (!deps.eraseUser) throw new LoreError('VALIDATION_FAILED', 'data erasure is not enabled on this server');
    const r = await deps.eraseUser({ tenantId: p.tenantId, userId: id, requestedBy: p.userId });
    return c.json({ erasure_id: r.erasureId, tenant_id: r.tenantId, erased_at: new Date(r.at).toISOString(), counts: r.counts, ...(r.scrubbed === undefined ? {} : { scrubbed: r.scrubbed }) });
  });
}
