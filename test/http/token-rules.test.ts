import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAuthenticator } from '../../src/ingress/auth.js';
import { AUDIENCE, client, hs256Auth, ISSUER, SECRET, startStack, token, type Stack } from './support.js';

const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;

describe('token rules: exp required and bounded, no future iat/nbf, no silent default tenant', () => {
  const auth = (extra: Record<string, unknown> = {}) => createAuthenticator(loadConfig({}, { 'auth.hs256Secret': SECRET, 'auth.issuer': ISSUER, 'auth.audience': AUDIENCE, ...extra }));
  const reason = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('refuses a token without exp, one that lives longer than the maximum, and future iat/nbf beyond the tolerance', async () => {
    const a = auth({ 'auth.defaultTenant': 'default' });
    const bearer = async (o: Parameters<typeof token>[1]) => `Bearer ${await token('alice', o)}`;
    expect(await reason(a.authenticate(await bearer({})))).toBe('accepted');
    expect(await reason(a.authenticate(await bearer({ expiresIn: null })))).toMatch(/"exp"/);
    expect(await reason(a.authenticate(await bearer({ expiresIn: '30d' })))).toMatch(/lives longer than the 86400 s/);
    // Without iat the lifetime counts from now.
    expect(await reason(a.authenticate(await bearer({ iat: null, expiresIn: now() + 2 * DAY })))).toMatch(/lives longer/);
    expect(await reason(a.authenticate(await bearer({ iat: null, expiresIn: '1h' })))).toBe('accepted');
    // The chaos test's token: iat a year ahead (and exp after it).
    expect(await reason(a.authenticate(await bearer({ iat: now() + 365 * DAY, expiresIn: now() + 365 * DAY + 300 })))).toMatch(/"iat" claim is in the future/);
    expect(await reason(a.authenticate(await bearer({ nbf: now() + 3600 })))).toMatch(/"nbf"/);
    // Within the clock tolerance (5 s by default) a skewed clock is fine.
    expect(await reason(a.authenticate(await bearer({ iat: now() + 3, nbf: now() + 3 })))).toBe('accepted');
    expect(await reason(a.authenticate(await bearer({ iat: now() + 60 })))).toMatch(/in the future/);
  });

  it('lets the maximum token age and the clock tolerance be configured', async () => {
    const a = auth({ 'auth.defaultTenant': 'default', 'auth.maxTokenAgeSeconds': 7 * DAY, 'auth.clockToleranceSeconds': 120 });
    expect(await reason(a.authenticate(`Bearer ${await token('alice', { expiresIn: '2d' })}`))).toBe('accepted');
    expect(await reason(a.authenticate(`Bearer ${await token('alice', { expiresIn: '8d' })}`))).toMatch(/lives longer than the 604800 s/);
    expect(await reason(a.authenticate(`Bearer ${await token('alice', { iat: now() + 60 })}`))).toBe('accepted');
    expect(() => loadConfig({ LORE_AUTH_MAX_TOKEN_AGE_SECONDS: '10' })).toThrow(/LORE_AUTH_MAX_TOKEN_AGE_SECONDS/);
  });

  it('refuses a token without the tenant claim unless a default tenant is configured explicitly', async () => {
    const strict = auth();
    expect(await reason(strict.authenticate(`Bearer ${await token('alice')}`))).toMatch(/no "custom:tenant" claim/);
    expect(await strict.authenticate(`Bearer ${await token('alice', { tenant: 'acme' })}`)).toMatchObject({ userId: 'alice', tenantId: 'acme' });
    expect(await auth({ 'auth.defaultTenant': 'team-a' }).authenticate(`Bearer ${await token('alice')}`)).toMatchObject({ userId: 'alice', tenantId: 'team-a' });
  });
});

describe('over HTTP: 401s for the token cases, /metrics closed while auth is on, tenant labels opt-in', () => {
  const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
  let strict: Stack;
  let open: Stack;
  let tokened: Stack;
  beforeAll(async () => {
    const { 'auth.defaultTenant': _, ...noDefault } = hs256Auth;
    strict = await startStack({ config: noDefault });
    open = await startStack({ config: { ...hs256Auth, 'server.metricsPublic': true, 'server.metricsTenantLabels': true } });
    tokened = await startStack({ config: { ...hs256Auth, 'server.metricsToken': METRICS_TOKEN } });
  });
  afterAll(async () => {
    for (const s of [strict, open, tokened]) await s.close();
  });

  it('answers 401 UNAUTHORIZED for a token without exp, with a future iat, or without the tenant claim', async () => {
    for (const [name, t] of Object.entries({
      noExp: await token('alice', { tenant: 'acme', expiresIn: null }),
      futureIat: await token('alice', { tenant: 'acme', iat: now() + 365 * DAY, expiresIn: now() + 365 * DAY + 300 }),
      noTenant: await token('alice'),
    })) {
      const r = await client(strict.url, t)('GET', '/learnings');
      expect(r.status, name).toBe(401);
      expect(r.body.error.code, name).toBe('UNAUTHORIZED');
    }
    expect((await client(strict.url, await token('alice', { tenant: 'acme' }))('GET', '/learnings')).status).toBe(200);
  });

  it('closes /metrics while auth is on and no metrics token is set; LORE_METRICS_PUBLIC opens it', async () => {
    const closed = await client(strict.url)('GET', '/metrics');
    expect(closed.status).toBe(401);
    expect(closed.body.error.message).toMatch(/LORE_METRICS_TOKEN/);
    // A user's JWT is no metrics credential either.
    expect((await client(strict.url, await token('alice', { tenant: 'acme' }))('GET', '/metrics')).status).toBe(401);
    expect((await client(open.url)('GET', '/metrics')).status).toBe(200);
  });

  it('names tenants in metric labels only when opted in; otherwise their series are summed', async () => {
    // The evaluator labels scored turns with their tenant (as it does after real turns).
    for (const s of [tokened, open]) for (const tenant of ['acme', 'globex', 'acme']) s.rt.metrics.turnScored({ score: 0.9, low: false, tenant });
    const labelled = (await client(open.url)('GET', '/metrics')).body as string;
    expect(labelled).toMatch(/^lore_turns_scored_total\{tenant="acme"\} 2$/m);
    expect(labelled).toMatch(/^lore_turns_scored_total\{tenant="globex"\} 1$/m);
    // The default: tenants summed away.
    const summed = (await client(tokened.url, METRICS_TOKEN)('GET', '/metrics')).body as string;
    expect(summed).toMatch(/^lore_turns_scored_total 3$/m);
    expect(summed).not.toMatch(/acme|globex/);
  });
});
