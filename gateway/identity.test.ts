import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier } from './identity.js';

/** Remembering verified tokens never extends one past its expiry, and never accepts another text. */
const SECRET = 'a-test-secret-of-at-least-32-characters';
const auth = { issuer: 'i', audience: 'a', secret: SECRET, clockToleranceSeconds: 30 };
const claims = () => ({ roles: 'roles', groups: 'groups' });
const sign = (exp: number, secret = SECRET) =>
  new SignJWT({ roles: ['operator'], groups: [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u1')
    .setIssuer('i')
    .setAudience('a')
    .setIssuedAt(exp - 3600)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe('createVerifier', () => {
  it('accepts a remembered token only until it expires (plus the tolerance)', async () => {
    const exp = 1_900_000_000;
    let now = (exp - 20) * 1000;
    const verify = await createVerifier(auth, claims, () => now);
    const token = await sign(exp);
    expect(await verify(token)).toEqual({ sub: 'u1', roles: ['operator'], groups: [] });
    now = (exp + 29) * 1000;
    expect(await verify(token)).toMatchObject({ sub: 'u1' });
    now = (exp + 31) * 1000;
    await expect(verify(token)).rejects.toThrow(/exp/);
  });

  it('checks every other text, however close to a remembered one', async () => {
    const exp = 1_900_000_000;
    const verify = await createVerifier(auth, claims, () => (exp - 100) * 1000);
    const token = await sign(exp);
    await verify(token);
    const forged = await sign(exp, 'another-secret-of-at-least-32-characters');
    await expect(verify(forged)).rejects.toThrow(/signature/);
    await expect(verify(`${token}x`)).rejects.toThrow();
  });
});
