/**
 * Who is asking, as the gateway vouched for it. Connectors use it for authorship and audit, never for
 * trust. Which request it is lives in the request context (request-context.ts), not here.
 */
export interface RequestAuth {
  sub: string;
  roles: string[];
  groups: string[];
}

/** servicegraph itself, for reads no caller owns (topology, health): tools see their service account either way. */
export const SYSTEM_AUTH: RequestAuth = { sub: 'servicegraph', roles: [], groups: [] };
