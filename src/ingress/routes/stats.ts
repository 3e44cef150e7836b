import type { Hono } from 'hono';
import { LoreError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { notFound, readQuery, type Env } from '../http.js';
import { SeriesQuery } from '../schemas.js';

const HOUR = 3_600_000;

/** Tenant-wide figures over time, for the console's metrics page: a curator's (operator's) view. */
export function statsRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.get('/stats/series', async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, SeriesQuery);
    if (!deps.series) throw notFound('route', '/stats/series');
    if (!p.curator) throw new LoreError('FORBIDDEN', 'only a curator may read tenant-wide figures', { details: { reason: 'curator_role_required', role: deps.config.auth.curatorRole } });
    const buckets = q.buckets ?? 24;
    const bucketMs = Math.max(60_000, Math.round(((q.hours ?? 24) * HOUR) / buckets));
    const s = await deps.series({ tenantId: p.tenantId, now: Date.now(), bucketMs, buckets });
    return c.json({
      bucket_seconds: s.bucketMs / 1000,
      dlq_depth: s.dlqDepth,
      buckets: s.buckets.map((b) => ({
        start: new Date(b.start).toISOString(),
        turns: b.turns,
        failed: b.failed,
        p50_ms: b.p50Ms,
        p95_ms: b.p95Ms,
        tokens: b.tokens,
        cost_usd: b.costUsd,
        learning_rate: b.learningRate,
        quality: b.quality,
        guard_findings: b.guardFindings,
      })),
    });
  });
}
