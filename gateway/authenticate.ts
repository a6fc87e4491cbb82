import type { AuditLog } from '../authz/audit.js';
import type { PolicyStore } from '../authz/policy.js';
import type { Viewer } from '../authz/viewer.js';
import { ERRORS } from '../kernel/errors.js';
import { HttpProblem } from '../kernel/http-server.js';
import type { Logger } from '../kernel/log.js';
import type { RequestAuth } from '../kernel/request.js';
import type { Identity } from './identity.js';

/**
 * Who is calling, before anything reads the operation: no token is the anonymous viewer; a token is
 * verified (an invalid one is 401, never a downgrade to anonymous). A viewer the policy lets read
 * nothing is refused here, before parsing and validation, so such a caller learns nothing about the
 * schema (no "Cannot query field", no suggestion): 401 without a token (signing in may help), 403
 * with one (the token is fine, the policy grants it no role). Every refusal is audited.
 */
export function createAuthenticator(options: {
  verify: (token: string) => Promise<Identity>;
  policy: PolicyStore;
  audit: AuditLog;
  log: Logger;
}) {
  const { policy, audit, log } = options;
  const refuse = (status: 401 | 403, who: string, reason: string, message: string): never => {
    audit.record({ who, kind: 'authentication', result: 'denied', reason, at: 'gateway' });
    throw new HttpProblem(status, status === 401 ? ERRORS.UNAUTHENTICATED.code : ERRORS.FORBIDDEN.code, message);
  };

  return async function authenticate(header: string | undefined): Promise<{ viewer: Viewer; auth: RequestAuth }> {
    let auth: RequestAuth = { sub: 'anonymous', roles: [], groups: [] };
    let anonymous = true;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) return refuse(401, 'unknown', 'malformed authorization header', 'Authorization header must be "Bearer <token>"');
      let identity: Identity;
      try {
        identity = await options.verify(match[1]);
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'invalid';
        log.info('token rejected', { reason });
        return refuse(401, 'unknown', reason, 'invalid or expired token');
      }
      auth = { sub: identity.sub, roles: identity.roles, groups: identity.groups };
      anonymous = false;
    }
    const viewer = policy.viewerFor({ sub: anonymous ? null : auth.sub, roles: auth.roles, groups: auth.groups });
    if (viewer.grants.length === 0) {
      if (anonymous) return refuse(401, viewer.id, 'anonymous callers may read nothing', 'sign in: send Authorization: Bearer <token>');
      return refuse(403, viewer.id, 'the policy grants this identity no role', 'Forbidden: the policy grants you no role');
    }
    return { viewer, auth };
  };
}
