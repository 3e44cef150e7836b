import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { LoreConfig } from '../config.js';
import { ConfigError } from '../config.js';
import { LoreError } from '../errors.js';

/** Who is calling: every read and write below the auth middleware is scoped by these two ids. */
export interface Principal {
  userId: string;
  tenantId: string;
  /** Roles from the token's roles claim (config auth.rolesClaim). */
  roles?: string[];
  /** May review learnings: holds auth.curatorRole, or is the local user when auth is off. */
  curator?: boolean;
  /**
   * May list and decide the tenant's pending tool-call approvals, not only their own: holds
   * auth.approverRole or is a curator (or the local user when auth is off). Without it, a refund
   * over the threshold could only be approved by the user who asked for it.
   */
  approver?: boolean;
}

export interface Authenticator {
  /** 'none' = no auth configured: every caller is user "local" of the default tenant. */
  readonly mode: 'none' | 'hs256' | 'jwks';
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export const LOCAL_USER = 'local';
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Ids end up in SQL parameters, logs and URLs: keep them printable and bounded. */
const ID = /^[\x21-\x7e]{1,256}$/;

const unauthorized = (message: string, reason = 'invalid_token') => new LoreError('UNAUTHORIZED', message, { details: { reason } });

/**
 * JWT bearer auth with jose: Cognito-style tokens (`sub` is the user; the tenant in a configurable
 * claim, default `custom:tenant`; without it, the explicitly configured auth.defaultTenant or 401).
 * `exp` is required and bounded (auth.maxTokenAgeSeconds); `iat`/`nbf` in the future are refused. Issuer and audience are
 * mandatory once auth is on: a token minted for another app of the same IdP must not get in.
 * The algorithm list is pinned per mode, so an HS256 token can never be checked against a public
 * key (the classic alg-confusion attack).
 */
export function createAuthenticator(config: Pick<LoreConfig, 'auth' | 'tenant'>, opts: { fetchTimeoutMs?: number } = {}): Authenticator {
  const a = config.auth;
  if (!a.jwksUrl && !a.hs256Secret) {
    // Without auth there is one user, and they curate their own knowledge base.
    const local: Principal = { userId: LOCAL_USER, tenantId: config.tenant, roles: [a.curatorRole], curator: true, approver: true };
    return { mode: 'none', authenticate: async () => local };
  }
  if (!a.issuer || !a.audience) {
    throw new ConfigError('LORE_AUTH_ISSUER and LORE_AUTH_AUDIENCE are required when JWT auth is on (tokens are checked against both)');
  }
  const mode = a.jwksUrl ? 'jwks' : 'hs256';
  const key: Uint8Array | JWTVerifyGetKey = a.jwksUrl
    ? createRemoteJWKSet(new URL(a.jwksUrl), { timeoutDuration: opts.fetchTimeoutMs ?? 5000, cooldownDuration: 30_000 })
    : new TextEncoder().encode(a.hs256Secret!);
  const tolerance = a.clockToleranceSeconds;
  // exp is required: a token without one would be valid forever. jose checks exp and nbf against
  // the tolerance; iat and the lifetime are checked below.
  const verifyOptions = { issuer: a.issuer, audience: a.audience, algorithms: mode === 'jwks' ? ASYMMETRIC : ['HS256'], clockTolerance: tolerance, requiredClaims: ['exp'] };

  return {
    mode,
    async authenticate(authorization) {
      if (!authorization) throw unauthorized('a bearer token is required (Authorization: Bearer <jwt>)', 'missing_token');
      const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i.exec(authorization);
      if (!m) throw unauthorized('the Authorization header must be "Bearer <jwt>"');
      let payload: JWTPayload;
      try {
        // Two call shapes so TypeScript picks the right overload for a key vs a key set.
        payload = typeof key === 'function' ? (await jwtVerify(m[1]!, key, verifyOptions)).payload : (await jwtVerify(m[1]!, key, verifyOptions)).payload;
      } catch (e) {
        throw unauthorized(describe(e));
      }
      checkLifetime(payload, a.maxTokenAgeSeconds, tolerance);
      const sub = payload.sub;
      if (typeof sub !== 'string' || !ID.test(sub)) throw unauthorized('the token has no usable "sub" claim');
      const claim = claimAt(payload, a.tenantClaim);
      if (claim !== undefined && (typeof claim !== 'string' || !ID.test(claim))) throw unauthorized(`the "${a.tenantClaim}" claim must be a non-empty string`);
      // No tenant claim: only a tenant configured for exactly that case, never a silent default.
      if (claim === undefined && !a.defaultTenant) throw unauthorized(`the token has no "${a.tenantClaim}" claim (set LORE_AUTH_DEFAULT_TENANT to accept such tokens)`);
      const roles = rolesOf(claimAt(payload, a.rolesClaim));
      const curator = roles.includes(a.curatorRole);
      return { userId: sub, tenantId: claim ?? a.defaultTenant!, roles, curator, approver: curator || roles.includes(a.approverRole) };
    },
  };
}

/** A roles claim as Cognito (`cognito:groups`: array) or others (space/comma-separated string) send it. */
/**
 * A claim by name, or by a dotted path when no claim has that exact name: Keycloak puts roles in
 * `realm_access.roles`, while Cognito's `cognito:groups` and Auth0's URL-named claims are flat.
 */
export function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let v: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function rolesOf(claim: unknown): string[] {
  const list = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  return list.filter((r): r is string => typeof r === 'string' && ID.test(r)).slice(0, 50);
}

/**
 * iat in the future (beyond the clock tolerance) is a forged or broken token; a lifetime longer
 * than the maximum (exp - iat, or exp - now without iat) is a token that practically never expires.
 */
function checkLifetime(p: JWTPayload, maxAgeSeconds: number, toleranceSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  if (p.iat !== undefined && p.iat > now + toleranceSeconds) throw unauthorized('the token\'s "iat" claim is in the future');
  const from = p.iat ?? now;
  if (p.exp! - from > maxAgeSeconds + toleranceSeconds) throw unauthorized(`the token lives longer than the ${maxAgeSeconds} s accepted (exp - iat)`);
}

/** A reason a client can act on, without echoing token contents. */
function describe(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `the token's "${e.claim}" claim is not accepted`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no key in the key set matches the token';
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid) return 'the token could not be verified: the key set is unavailable';
  return 'the token is invalid';
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Without auth every caller is the same local user, which is only safe when nobody else can
 * connect. Refuse rather than warn: a warning scrolls past, an open agent with tools does not.
 */
export function assertSafeToListen(auth: Authenticator, host: string): void {
  if (auth.mode === 'none' && !isLoopback(host)) {
    throw new ConfigError(
      `refusing to listen on ${host} without authentication: anyone who can reach it would act as the local user. ` +
        'Set LORE_AUTH_JWKS_URL (or LORE_AUTH_HS256_SECRET) with LORE_AUTH_ISSUER and LORE_AUTH_AUDIENCE, or listen on 127.0.0.1.',
    );
  }
}
