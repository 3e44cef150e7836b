import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { LoreError } from '../../errors.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../telemetry/metrics.js';
import type { AppDeps } from '../deps.js';
import type { Env } from '../http.js';
import type { IngressMetrics } from '../metrics.js';
import { openApiDocument } from '../openapi.js';

const STARTED = Date.now();
const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
  '/console.js': 'console.js',
  '/console-api.js': 'console-api.js',
  '/console-trace.js': 'console-trace.js',
  '/console-charts.js': 'console-charts.js',
  '/console.css': 'console.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** The page talks only to this origin; nothing inline, nothing framed. */
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** web/ sits at the repo root: two levels up from src/ingress/routes when run from source, three from dist. */
function defaultWebRoot(): string | undefined {
  for (const rel of ['../../../web/', '../../../../web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const got = Buffer.from(m[1]!.trim());
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Routes outside user auth: health and readiness, metrics (behind its own token when
 * LORE_METRICS_TOKEN is set; closed while auth is on unless LORE_METRICS_PUBLIC=true),
 * the OpenAPI document and the chat page.
 */
export function systemRoutes(app: Hono<Env>, deps: AppDeps, im: IngressMetrics): void {
  /** What keeps this process from serving well right now (empty = healthy). */
  const problems = async (): Promise<Array<{ component: string; reason: string; since?: string | null }>> => {
    const out: Array<{ component: string; reason: string; since?: string | null }> = [];
    const st = deps.storage?.check();
    if (st && !st.ok) out.push({ component: 'storage', reason: st.reason, since: iso(st.since) });
    try {
      await deps.healthCheck?.();
    } catch (e) {
      deps.logger?.error({ err: e }, 'health check failed');
      out.push({ component: 'health_check', reason: e instanceof Error ? e.message.slice(0, 200) : 'failed' });
    }
    return out;
  };

  // Liveness and status: 200 while the process is alive, `degraded` with reasons when storage (or
  // a dependency) is failing — restarting would not free a disk, so this is not a 503. 503 only
  // while draining for shutdown.
  app.get('/healthz', async (c) => {
    const jobs = (deps.scheduler?.status() ?? []).map((j) => ({ name: j.name, last_run_at: iso(j.lastRunAt), last_status: j.lastStatus ?? null, next_run_at: iso(j.nextRunAt) }));
    const base = { version: deps.version ?? '0.1.0', uptime_seconds: Math.round((Date.now() - STARTED) / 1000), jobs };
    if (deps.lifecycle?.draining) return c.json({ status: 'draining' as const, ...base }, 503);
    const reasons = await problems();
    if (reasons.length) return c.json({ status: 'degraded' as const, reasons, ...base });
    return c.json({ status: 'ok' as const, ...base });
  });

  // Readiness, for load balancers: 503 (with the reasons) unless this process can take traffic
  // now — not draining, storage writable, dependencies healthy.
  app.get('/readyz', async (c) => {
    const reasons = deps.lifecycle?.draining ? [{ component: 'server', reason: 'draining' }] : await problems();
    if (reasons.length) return c.json({ status: 'not_ready' as const, reasons }, 503, { 'retry-after': '5' });
    return c.json({ status: 'ready' as const });
  });

  const { metricsToken, metricsPublic, metricsTenantLabels } = deps.config.server;
  const authOn = deps.auth ? deps.auth.mode !== 'none' : !!(deps.config.auth.jwksUrl || deps.config.auth.hs256Secret);
  // Tenant ids are customer names: per-tenant series only when asked for, summed otherwise.
  const render = { dropLabels: metricsTenantLabels ? [] : ['tenant'] };
  app.get('/metrics', async (c) => {
    if (metricsToken && !bearerMatches(c.req.header('authorization'), metricsToken)) {
      c.header('www-authenticate', 'Bearer realm="lore-metrics"');
      throw new LoreError('UNAUTHORIZED', 'GET /metrics needs the metrics bearer token (LORE_METRICS_TOKEN)');
    }
    // With users authenticated, metrics are not public by accident: a token, or an explicit opt-in.
    if (!metricsToken && authOn && !metricsPublic) {
      c.header('www-authenticate', 'Bearer realm="lore-metrics"');
      throw new LoreError('UNAUTHORIZED', 'GET /metrics is closed while auth is on: set LORE_METRICS_TOKEN (or LORE_METRICS_PUBLIC=true)');
    }
    // Queue depth is read at scrape time: a gauge nobody refreshes would lie.
    if (deps.metricsText) return c.body(await deps.metricsText(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
    if (deps.queue) im.queueDepth(deps.queue.name, await deps.queue.depth());
    const text = (await deps.metrics?.renderPrometheus(render)) ?? '';
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });

  app.get('/openapi.json', (c) => c.json(openApiDocument(deps.version)));

  const root = deps.webRoot ?? defaultWebRoot();
  const files = new Map<string, { body: string; type: string }>();
  if (root) {
    for (const [path, file] of Object.entries(ASSETS)) {
      const full = join(root, file);
      if (existsSync(full)) files.set(path, { body: readFileSync(full, 'utf8'), type: TYPES[file.split('.').pop()!]! });
    }
  }
  for (const [path, f] of files) {
    app.get(path, (c) => c.body(f.body, 200, { 'content-type': f.type, 'content-security-policy': CSP, 'cache-control': 'no-cache' }));
  }
}

export const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', ...Object.keys(ASSETS)]);
