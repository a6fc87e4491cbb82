import { createHash, createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { RequestAuth } from './request.js';
import type { RequestContext } from './request-context.js';

/**
 * Identity travels from the gateway to subgraphs as a short-lived JWT the gateway signs (HS256 with
 * the internal secret), audience = the subgraph's name. Subgraphs accept identity from nothing else,
 * so calling a subgraph directly, or replaying a token meant for another subgraph, gets nowhere.
 * Each token is bound to the one subgraph request it was made for (`bnd`: a hash of its query,
 * operation name and variables), so a token captured on the wire and replayed with another query,
 * other variables or another operation is refused; what is left to a thief is the same request,
 * within the token's few seconds.
 * The token also carries the gateway's request ids (`rid`, `crid`), so a subgraph in another process
 * logs and audits under the same request id as the gateway.
 */
export const IDENTITY_HEADER = 'x-servicegraph-identity';
const ISSUER = 'servicegraph-gateway';

export function internalKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** What a token is bound to: the parts of a subgraph request that decide what it does. */
export interface BoundRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * The binding of a request, the same on both sides: JSON.stringify of the parsed body's parts gives
 * back the text the gateway serialised (JSON.parse keeps key order), so no canonical form is needed.
 */
export function requestBinding(request: BoundRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.query, request.operationName ?? null, request.variables ?? null]))
    .digest('base64url');
}

/**
 * Signed with node:crypto's HMAC directly rather than jose's SignJWT: jose signs through WebCrypto
 * (an async job and a key import per token), which was 5 % of the gateway's CPU on the federation
 * benchmark at four tokens a request, and a token per subgraph fetch now. The token is the same compact HS256 JWS; jose verifies it.
 */
export async function signIdentity(
  key: Uint8Array,
  auth: RequestAuth,
  request: RequestContext,
  audience: string,
  ttlSeconds: number,
  bound: BoundRequest,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    roles: auth.roles,
    groups: auth.groups,
    bnd: requestBinding(bound),
    rid: request.requestId,
    ...(request.clientRequestId ? { crid: request.clientRequestId } : {}),
    sub: auth.sub,
    iss: ISSUER,
    aud: audience,
    iat,
    exp: iat + ttlSeconds,
  };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

/**
 * Throws on a missing, forged, expired or misdirected token, on one without a request id, and on one
 * made for another request than `received`.
 */
export async function verifyIdentity(
  key: Uint8Array,
  token: string,
  audience: string,
  received: BoundRequest,
): Promise<{ auth: RequestAuth; request: RequestContext }> {
  const { payload } = await jwtVerify(token, key, {
    issuer: ISSUER,
    audience,
    algorithms: ['HS256'],
    requiredClaims: ['rid', 'bnd', 'sub'],
  });
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const { rid, crid, bnd, sub } = payload;
  if (typeof rid !== 'string') throw new Error('identity token without a request id');
  if (typeof sub !== 'string' || sub.length === 0) throw new Error('identity token without a subject');
  if (bnd !== requestBinding(received)) throw new Error('identity token made for another request');
  return {
    auth: { sub, roles: strings(payload['roles']), groups: strings(payload['groups']) },
    request: typeof crid === 'string' ? { requestId: rid, clientRequestId: crid } : { requestId: rid },
  };
}
