import type { PolicyStore } from '../authz/policy.js';
import { ERRORS } from '../kernel/errors.js';
import { HttpProblem, readBody, sendJson } from '../kernel/http-server.js';
import { type AuthConfig, signUserToken } from './identity.js';
import type { Route } from './static.js';

/**
 * What the service board asks the gateway before any GraphQL, so the page never guesses:
 *
 *   GET  /board/settings    { demo, signInUrl, refreshMs, demoRoles }: whether this is the demo, where
 *                           to get a token, how often to refresh, and in demo mode the roles a visitor
 *                           may pick (each with the groups that make its scope mean something)
 *   POST /board/demo-token  { "role": "operator" } → { token }: demo mode only, a 404 otherwise
 *
 * Outside demo mode the gateway mints nothing: the page takes the identity provider's token (pasted,
 * or handed back in the URL fragment by a sign-in page at `signInUrl`).
 */
export interface BoardOptions {
  /** Demo mode (the config's `demo`): only then are tokens minted, with the demo key. */
  demo: boolean;
  auth: AuthConfig;
  policy: PolicyStore;
  /** Where the page sends a visitor to get a token from the identity provider; null when none is configured. */
  signInUrl: string | null;
  /** How often the page refreshes what it shows: the evaluator's interval, so a change shows within it. */
  refreshMs: number;
}

/** The demo's tokens live as long as `npm run token`'s. */
const DEMO_TOKEN_LIFETIME = '8h';

export interface DemoRole {
  role: string;
  /** The first group that grants the role (policy groupRoles), so owned and consumed scopes find services. */
  groups: string[];
  drillLevel: string;
  actions: string[];
}

export function demoRoles(policy: PolicyStore): DemoRole[] {
  const current = policy.current();
  return Object.entries(current.roles).map(([role, spec]) => {
    const group = Object.entries(current.groupRoles).find(([, roles]) => roles.includes(role))?.[0];
    return { role, groups: group ? [group] : [], drillLevel: spec.drillLevel, actions: spec.actions };
  });
}

export function createBoardApi(options: BoardOptions): Route {
  const { demo, policy } = options;
  return async (req, res, url) => {
    if (url.pathname === '/board/settings' && req.method === 'GET') {
      const settings = { demo, signInUrl: options.signInUrl, refreshMs: options.refreshMs, demoRoles: demo ? demoRoles(policy) : [] };
      sendJson(res, 200, settings, { 'cache-control': 'no-store' });
      return true;
    }
    if (url.pathname !== '/board/demo-token') return false;
    if (!demo) throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'not in demo mode: sign in with a token from the identity provider');
    if (req.method !== 'POST') throw new HttpProblem(405, ERRORS.BAD_USER_INPUT.code, 'POST { "role": "<role>" }');
    const chosen = roleIn(await readBody(req, 1024));
    const role = demoRoles(policy).find((r) => r.role === chosen);
    if (!role) {
      const known = demoRoles(policy).map((r) => r.role);
      throw new HttpProblem(400, ERRORS.BAD_USER_INPUT.code, `unknown role (known: ${known.join(', ')})`);
    }
    const token = await signUserToken(options.auth, policy.current().claims, {
      sub: `demo-${role.role}`,
      roles: [role.role],
      groups: role.groups,
      expiresIn: DEMO_TOKEN_LIFETIME,
    });
    sendJson(res, 200, { token, role: role.role, groups: role.groups }, { 'cache-control': 'no-store' });
    return true;
  };
}

function roleIn(body: string): unknown {
  try {
    return (JSON.parse(body) as { role?: unknown }).role;
  } catch {
    throw new HttpProblem(400, ERRORS.BAD_USER_INPUT.code, 'the body must be JSON: { "role": "<role>" }');
  }
}
