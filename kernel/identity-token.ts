import { jwtVerify, SignJWT } from 'jose';
import type { RequestAuth } from './request.js';

/**
 * Identity travels from the gateway to subgraphs as a short-lived JWT the gateway signs (HS256 with
 * the internal secret), audience = the subgraph's name. Subgraphs accept identity from nothing else,
 * so calling a subgraph directly, or replaying a token meant for another subgraph, gets nowhere.
 */
export const IDENTITY_HEADER = 'x-servicegraph-identity';
const ISSUER = 'servicegraph-gateway';

export function internalKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signIdentity(key: Uint8Array, auth: RequestAuth, audience: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ roles: auth.roles, groups: auth.groups, rid: auth.requestId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(auth.sub)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** Throws on a missing, forged, expired or misdirected token. */
export async function verifyIdentity(key: Uint8Array, token: string, audience: string): Promise<RequestAuth> {
  const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience, algorithms: ['HS256'] });
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    sub: typeof payload.sub === 'string' ? payload.sub : 'anonymous',
    roles: strings(payload['roles']),
    groups: strings(payload['groups']),
    requestId: typeof payload['rid'] === 'string' ? payload['rid'] : 'unknown',
  };
}
