import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRemoteJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { privateDir } from '../kernel/private-files.js';

/** The `auth` block of the config: how callers' tokens are verified. */
export const AuthConfig = z
  .object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    /** Demo only: an HS256 secret generated on first use into this file (never committed). */
    demoKeyFile: z.string().optional(),
    /** HS256 shared secret (from the environment). */
    secret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** PEM public key (RS256/ES256/EdDSA). */
    publicKey: z.string().optional(),
    /** JWKS endpoint of the identity provider. */
    jwksUrl: z.url().optional(),
    /** Accepted algorithms. `none` is never accepted. @default by key kind */
    algorithms: z.array(z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'])).optional(),
    /**
     * Clock skew tolerated on exp and nbf, in seconds: a token expired this long ago still passes.
     * Keep it small; NTP keeps servers within a second. @default 5
     */
    clockToleranceSeconds: z.number().int().min(0).max(60).default(5),
  })
  .refine((a) => [a.demoKeyFile, a.secret, a.publicKey, a.jwksUrl].filter(Boolean).length === 1, {
    message: 'give exactly one of demoKeyFile, secret, publicKey, jwksUrl',
  });
export type AuthConfig = z.infer<typeof AuthConfig>;

/**
 * Verifies callers' bearer tokens (issuer, audience, expiry, algorithm) and reads their subject,
 * roles and groups from configurable claims. An invalid token is an error, never a silent
 * downgrade to anonymous.
 */
export interface Identity {
  sub: string;
  roles: string[];
  groups: string[];
}

export interface ClaimNames {
  /** Dot path into the token, e.g. `roles` or `realm_access.roles`. */
  roles: string;
  groups: string;
}

/** Demo key: generated once, kept outside git with owner-only permissions. */
export function loadOrCreateDemoKey(file: string): Uint8Array {
  if (!existsSync(file)) {
    privateDir(dirname(file)); // the data directory: the demo key may be the first thing in it
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

type Key = Uint8Array | Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey;

async function verificationKey(auth: AuthConfig): Promise<{ key: Key; algorithms: string[] }> {
  if (auth.demoKeyFile) return { key: loadOrCreateDemoKey(auth.demoKeyFile), algorithms: auth.algorithms ?? ['HS256'] };
  if (auth.secret) return { key: new TextEncoder().encode(auth.secret), algorithms: auth.algorithms ?? ['HS256'] };
  if (auth.publicKey) {
    const algorithms = auth.algorithms ?? ['RS256'];
    return { key: await importSPKI(auth.publicKey, algorithms[0] ?? 'RS256'), algorithms };
  }
  if (auth.jwksUrl)
    return { key: createRemoteJWKSet(new URL(auth.jwksUrl)), algorithms: auth.algorithms ?? ['RS256', 'ES256', 'PS256', 'EdDSA'] };
  throw new Error('no verification key configured');
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), payload);
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export class TokenRejected extends Error {}

/**
 * Subjects no token may claim: `anonymous` is how servicegraph names a caller without a token and
 * `servicegraph` its own reads, so a signed token claiming either (or none) is refused rather than
 * turned into them.
 */
const RESERVED_SUBJECTS = new Set(['anonymous', 'servicegraph']);

/**
 * A verified token is remembered, by its exact text, until it expires and for at most
 * `VERIFIED_TTL_MS`: a client sends the same token with every request, and checking its signature
 * again each time was most of the authentication cost. The claims are read anew each time (the
 * policy may rename them); a key the identity provider withdraws stops being honoured within that TTL.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

export async function createVerifier(auth: AuthConfig, claims: () => ClaimNames, now: () => number = Date.now) {
  const { key, algorithms } = await verificationKey(auth);
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  const options = {
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms,
    clockTolerance: auth.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };

  async function payloadOf(token: string): Promise<JWTPayload> {
    const t = now();
    const known = verified.get(token);
    if (known && t < known.until) return known.payload;
    if (known) verified.delete(token);
    const current = new Date(t);
    const { payload } =
      typeof key === 'function'
        ? await jwtVerify(token, key, { ...options, currentDate: current })
        : await jwtVerify(token, key as Uint8Array, { ...options, currentDate: current });
    const until = Math.min(t + VERIFIED_TTL_MS, ((payload.exp ?? 0) + auth.clockToleranceSeconds) * 1000);
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, { payload, until });
    return payload;
  }

  return async function verify(token: string): Promise<Identity> {
    try {
      const payload = await payloadOf(token);
      const sub = payload.sub?.trim() ?? '';
      if (sub === '' || RESERVED_SUBJECTS.has(sub)) throw new TokenRejected(`the token's subject "${sub}" is empty or reserved`);
      const names = claims();
      return {
        sub,
        roles: stringList(claimAt(payload, names.roles)),
        groups: stringList(claimAt(payload, names.groups)),
      };
    } catch (error) {
      // jose's messages name the failed check (expired, signature, audience) without echoing the token.
      throw new TokenRejected(error instanceof Error ? error.message : 'invalid token');
    }
  };
}

/** Signs a token the given auth config accepts (demo key or HS256 secret only). */
export async function signUserToken(
  auth: AuthConfig,
  claims: ClaimNames,
  user: { sub: string; roles: string[]; groups: string[]; expiresIn: string },
): Promise<string> {
  const key = auth.demoKeyFile ? loadOrCreateDemoKey(auth.demoKeyFile) : auth.secret ? new TextEncoder().encode(auth.secret) : null;
  if (!key) throw new Error('this config verifies tokens from an identity provider (publicKey/jwksUrl): get a token there');
  const body: Record<string, unknown> = {};
  setClaim(body, claims.roles, user.roles);
  setClaim(body, claims.groups, user.groups);
  return new SignJWT(body as JWTPayload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.sub)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(user.expiresIn)
    .sign(key);
}

function setClaim(body: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = body;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1] ?? path] = value;
}
