import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAuthenticator } from '../../src/ingress/auth.js';
import { startServer } from '../../src/ingress/server.js';
import { AUDIENCE, client, DOC, hs256Auth, ISSUER, startStack, token, type Stack } from './support.js';

describe('JWT auth (HS256)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ config: hs256Auth });
  });
  afterAll(() => s.close());

  it('rejects missing, malformed, expired, wrong-audience, wrong-issuer and badly signed tokens with 401', async () => {
    const bad = {
      missing: undefined,
      garbage: 'not-a-jwt',
      expired: await token('alice', { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      wrongAudience: await token('alice', { aud: 'some-other-app' }),
      wrongIssuer: await token('alice', { iss: 'https://evil.test' }),
      wrongSecret: await token('alice', { secret: 'another-secret-that-is-also-32-chars-long!!' }),
    };
    for (const [name, t] of Object.entries(bad)) {
      const r = await client(s.url, t)('GET', '/learnings');
      expect(r.status, name).toBe(401);
      expect(r.body.error.code, name).toBe('UNAUTHORIZED');
      expect(r.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
    }
    const expired = await client(s.url, bad.expired)('GET', '/learnings');
    expect(expired.body.error.message).toMatch(/expired/);
    expect((await client(s.url, bad.wrongAudience)('GET', '/learnings')).body.error.message).toMatch(/"aud"/);
  });

  it('accepts a valid token; public routes need none', async () => {
    expect((await client(s.url, await token('alice'))('GET', '/learnings')).status).toBe(200);
    expect((await client(s.url)('GET', '/healthz')).status).toBe(200);
    expect((await client(s.url)('GET', '/openapi.json')).status).toBe(200);
  });

  it('scopes the knowledge base and learnings to the tenant claim', async () => {
    const acme = client(s.url, await token('alice', { tenant: 'acme', roles: ['curator'] }));
    const globex = client(s.url, await token('bob', { tenant: 'globex' }));
    await acme('POST', '/ingest', { documents: [{ source_uri: 'docs/internal-api.md', text: DOC }] });
    expect((await acme('POST', '/chat', { session_id: 's1', message: 'What is the rate limit of our internal API?' })).body.answer).toMatch(/100/);
    const other = await globex('POST', '/chat', { session_id: 's1', message: 'What is the rate limit of our internal API?' });
    expect(other.status).toBe(200);
    expect(other.body.answer).not.toMatch(/100 req\/s/);
    // Same session id in another tenant is another session, not a 404.
    expect((await globex('GET', '/sessions/s1')).body.user_id).toBe('bob');
  });

  it('refuses a user_id that is not the token subject (403)', async () => {
    const r = await client(s.url, await token('alice'))('POST', '/chat', { session_id: 's2', message: 'hi', user_id: 'mallory' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });
});

describe('JWT auth (JWKS)', () => {
  let jwks: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let s: Stack;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    s = await startStack({ config: { 'auth.jwksUrl': jwksUrl, 'auth.issuer': ISSUER, 'auth.audience': AUDIENCE } });
  });
  afterAll(async () => {
    await s.close();
    await new Promise((r) => jwks.close(r));
  });

  const rs256 = (o: { aud?: string; exp?: number; kid?: string } = {}) =>
    new SignJWT({ 'custom:tenant': 'acme' })
      .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'k1' })
      .setSubject('carol')
      .setIssuer(ISSUER)
      .setAudience(o.aud ?? AUDIENCE)
      .setExpirationTime(o.exp ?? '5m')
      .sign(privateKey);

  it('verifies RS256 tokens against the key set and rejects the rest with 401', async () => {
    expect((await client(s.url, await rs256())('GET', '/approvals')).status).toBe(200);
    expect((await client(s.url, await rs256({ aud: 'nope' }))('GET', '/approvals')).status).toBe(401);
    expect((await client(s.url, await rs256({ exp: Math.floor(Date.now() / 1000) - 120 }))('GET', '/approvals')).status).toBe(401);
    expect((await client(s.url, await rs256({ kid: 'unknown' }))('GET', '/approvals')).status).toBe(401);
    expect((await client(s.url)('GET', '/approvals')).status).toBe(401);
    // An HS256 token must not be accepted by an RS256 deployment (alg confusion).
    expect((await client(s.url, await token('carol'))('GET', '/approvals')).status).toBe(401);
  });
});

describe('listening without auth', () => {
  it('refuses a non-loopback address and says why', async () => {
    const config = loadConfig({}, { dataDir: '/nonexistent-not-used' });
    const deps = { config } as never;
    await expect(startServer(deps, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication/);
  });

  it('requires issuer and audience once auth is on', () => {
    expect(() => createAuthenticator(loadConfig({}, { 'auth.hs256Secret': 'x'.repeat(32) }))).toThrow(/ISSUER and LORE_AUTH_AUDIENCE are required/);
  });
});

describe('GET /metrics behind LORE_METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ config: { ...hs256Auth, 'server.metricsToken': METRICS_TOKEN } });
  });
  afterAll(() => s.close());

  it('needs the metrics token: none, a wrong one, or a user JWT get 401; the token gets the metrics', async () => {
    for (const [name, t] of Object.entries({ none: undefined, wrong: 'scrape-token-0123456789abcdeX', short: 'scrape', userJwt: await token('alice') })) {
      const r = await client(s.url, t)('GET', '/metrics');
      expect(r.status, name).toBe(401);
      expect(r.body.error.code, name).toBe('UNAUTHORIZED');
      expect(r.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
    }
    const ok = await client(s.url, METRICS_TOKEN)('GET', '/metrics');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/text\/plain/);
    expect(ok.body).toMatch(/lore_dlq_depth\{queue="chat"\} 0/);
    // Health stays public for load balancers.
    expect((await client(s.url)('GET', '/healthz')).status).toBe(200);
  });

  it('refuses a metrics token shorter than 16 characters at startup', () => {
    expect(() => loadConfig({ LORE_METRICS_TOKEN: 'short' })).toThrow(/LORE_METRICS_TOKEN .*at least 16/);
  });
});
