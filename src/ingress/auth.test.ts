import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { claimAt, createAuthenticator } from './auth.js';

const SECRET = 'a-test-secret-that-is-long-enough-32b';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('kim').setIssuer('https://id.test/').setAudience('lore').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));

describe('claims by dotted path', () => {
  it('reads a flat claim first, else walks the path', () => {
    expect(claimAt({ 'cognito:groups': ['a'] }, 'cognito:groups')).toEqual(['a']);
    expect(claimAt({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(claimAt({ realm_access: { roles: ['curator'] } }, 'realm_access.roles')).toEqual(['curator']);
    expect(claimAt({ realm_access: ['x'] }, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({}, 'constructor.name')).toBeUndefined();
    expect(claimAt({}, 'toString')).toBeUndefined();
  });

  it("takes Keycloak-style nested roles and tenant with LORE_AUTH_ROLES_CLAIM / LORE_AUTH_TENANT_CLAIM paths", async () => {
    const config = loadConfig({
      LORE_AUTH_HS256_SECRET: SECRET,
      LORE_AUTH_ISSUER: 'https://id.test/',
      LORE_AUTH_AUDIENCE: 'lore',
      LORE_AUTH_ROLES_CLAIM: 'realm_access.roles',
      LORE_AUTH_TENANT_CLAIM: 'org.id',
    });
    const auth = createAuthenticator(config);
    const p = await auth.authenticate(`Bearer ${await sign({ realm_access: { roles: ['curator', 'offline_access'] }, org: { id: 'acme' } })}`);
    expect(p).toMatchObject({ userId: 'kim', tenantId: 'acme', roles: ['curator', 'offline_access'], curator: true, approver: true });
  });
});
