import { userRoutes } from './routes/users.js';
import { assertDatabaseInPlace } from '../storage-faults.js';
import { memoryRoutes } from './routes/memory.js';
import { statsRoutes } from './routes/stats.js';
import { randomUUID } from 'node:crypto';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { LoreError } from '../errors.js';
import { createAuthenticator } from './auth.js';
import type { AppDeps } from './deps.js';
import { errorResponse, type Env } from './http.js';
import { ingressMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit.js';
import { aguiRoutes } from './routes/agui.js';
import { chatRoutes } from './routes/chat.js';
import { learningRoutes } from './routes/learnings.js';
import { mcpRoutes } from './routes/mcp.js';
import { runRoutes } from './routes/runs.js';
import { PUBLIC_PATHS, systemRoutes } from './routes/system.js';

export type { AppDeps } from './deps.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The request's trace id: the server span's (which continues the caller's W3C trace when it sends
 * one); without tracing, the caller's trace id or a fresh one.
 */
function requestTraceId(traceparent: string | undefined): string {
  const active = trace.getActiveSpan()?.spanContext();
  if (active && isSpanContextValid(active)) return active.traceId;
  return traceIdFrom(traceparent);
}

function traceIdFrom(traceparent: string | undefined): string {
  const m = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (m && !/^0+$/.test(m[1]!)) return m[1]!;
  // randomUUID draws from a cached entropy pool: far cheaper per request than randomBytes.
  return randomUUID().replaceAll('-', '');
}

/** The methods of the routes whose pattern matches `path` (`:param` = one non-empty segment); middleware (`*`) excluded. */
export function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] {
  const parts = path.split('/');
  const out = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    const pattern = r.path.split('/');
    if (pattern.length === parts.length && pattern.every((seg, i) => (seg.startsWith(':') ? parts[i] !== '' : seg === parts[i]))) out.add(r.method);
  }
  if (out.has('GET')) out.add('HEAD');
  return [...out].sort();
}

/** Request ids only need to be unique, not secret: a per-process prefix and a counter. */
const BOOT = randomUUID().slice(0, 8);
let requests = 0;
const nextRequestId = () => `req_${BOOT}_${(++requests).toString(36)}`;

/**
 * The HTTP API as a web-standard fetch handler (Hono): the Node server (server.ts) and a Lambda
 * adapter are thin wrappers around `app.fetch`. Middleware order: ids and metrics → auth → rate
 * limit → routes; every error leaves through onError as `{error: {code, message, details}}`.
 */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const auth = deps.auth ?? createAuthenticator(deps.config);
  const limiter = deps.rateLimiter ?? createRateLimiter(deps.config.server.rateLimitPerMinute);
  const im = ingressMetrics(deps.metrics);
  const debug = deps.logger?.isLevelEnabled('debug') ?? false;

  // The HTTP server span (OpenTelemetry's Hono instrumentation): `traceparent`/`tracestate` are
  // extracted by the global W3C propagator, and everything the request does nests under it.
  // Probes, scrapes and static files are not traced: a trace per health check would bury the real ones.
  if (deps.tracer) {
    const serverSpan = httpInstrumentationMiddleware({ tracer: deps.tracer, captureActiveRequests: false });
    app.use('*', (c, next) => (c.req.method === 'GET' && PUBLIC_PATHS.has(c.req.path) ? next() : serverSpan(c, next)));
  }

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : nextRequestId();
    const traceId = requestTraceId(c.req.header('traceparent'));
    c.set('requestId', requestId);
    c.set('traceId', traceId);
    // Set before the handler: c.json/onError pick these up without materialising the response.
    // Routes that build a Response themselves (SSE) copy them (see responseHeaders).
    c.header('x-request-id', requestId);
    c.header('x-trace-id', traceId);
    c.header('x-content-type-options', 'nosniff');
    await next();
    const ms = performance.now() - t0;
    // routePath is the matched pattern (/runs/:id), so ids never become label values.
    const route = c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
    im.request({ method: c.req.method, route, status: c.res.status, ms });
    if (debug) deps.logger!.debug({ requestId, traceId, method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10 }, 'request');
  });

  app.use('*', async (c, next) => {
    if (c.req.method === 'GET' && PUBLIC_PATHS.has(c.req.path)) return next();
    const principal = await auth.authenticate(c.req.header('authorization'));
    c.set('principal', principal);
    if (!READ_METHODS.has(c.req.method)) assertDatabaseInPlace(deps.storage);
    const r = await limiter.take(`${principal.tenantId}\u0000${principal.userId}`);
    if (!r.ok) {
      throw new LoreError('RATE_LIMITED', `rate limit of ${deps.config.server.rateLimitPerMinute} requests per minute exceeded`, {
        details: { retry_after_seconds: r.retryAfterSeconds },
      });
    }
    return next();
  });

  systemRoutes(app, { ...deps, auth }, im);
  chatRoutes(app, deps);
  aguiRoutes(app, deps);
  runRoutes(app, deps);
  learningRoutes(app, deps);
  mcpRoutes(app, deps);
  userRoutes(app, deps);
  memoryRoutes(app, deps);
  statsRoutes(app, deps);

  app.notFound((c) => {
    // A known path with another method is a 405 that says which methods it takes, not a 404
    // that reads as if the route did not exist.
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length) {
      return c.json({ error: { code: 'METHOD_NOT_ALLOWED', message: `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(' or ')}` } }, 405, { allow: allow.join(', ') });
    }
    return c.json({ error: { code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
  });
  app.onError((err, c) => {
    // A storage fault flips health to degraded at once (the probe clears it once writes succeed);
    // it is logged once per state change as an operator event, not once per request.
    deps.storage?.report(err);
    const { status, body, headers } = errorResponse(err);
    if (status >= 500 && body.error.code !== 'STORAGE_UNAVAILABLE') deps.logger?.error({ err, requestId: c.get('requestId'), traceId: c.get('traceId'), path: c.req.path }, 'request failed');
    return c.json(body, status as ContentfulStatusCode, headers);
  });
  return app;
}
