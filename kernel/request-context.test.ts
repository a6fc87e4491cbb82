import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { internalKey, requestBinding, signIdentity, verifyIdentity } from './identity-token.js';
import { newRequestContext } from './request-context.js';

describe('request context', () => {
  it('assigns an id of its own to every request and keeps a well-formed client id beside it', () => {
    const first = newRequestContext('abc-123');
    const second = newRequestContext('abc-123');
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.requestId).not.toBe(second.requestId);
    expect(first.clientRequestId).toBe('abc-123');
    for (const bad of ['has spaces', 'x'.repeat(129), '{"inject":1}', '', ['a', 'b'], undefined]) {
      expect(newRequestContext(bad)).toEqual({ requestId: expect.any(String) });
    }
  });

  it('travels to another process in the identity token', async () => {
    const key = internalKey('test-internal-secret-0123456789abcdef');
    const auth = { sub: 'alice', roles: ['operator'], groups: ['hr-it'] };
    const request = { requestId: 'server-id', clientRequestId: 'client-id' };
    const bound = { query: '{ configurationItems { id } }' };
    const token = await signIdentity(key, auth, request, 'cmdb', 60, bound);
    await expect(verifyIdentity(key, token, 'cmdb', bound)).resolves.toEqual({ auth, request });
    const withoutClientId = await signIdentity(key, auth, { requestId: 'server-id' }, 'cmdb', 60, bound);
    expect((await verifyIdentity(key, withoutClientId, 'cmdb', bound)).request).toEqual({ requestId: 'server-id' });
    // A token the gateway did not make with a request id is refused: every subgraph line has the gateway's id.
    const noId = await new SignJWT({ roles: [], bnd: requestBinding(bound) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('servicegraph-gateway')
      .setAudience('cmdb')
      .setExpirationTime('1m')
      .sign(key);
    await expect(verifyIdentity(key, noId, 'cmdb', bound)).rejects.toThrow();
  });
});
