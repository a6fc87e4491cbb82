import { drillRank, type DrillLevel, type Grant, type ScopeRule, type Viewer } from './viewer.js';
import type { ServiceInfo } from '../kernel/model.js';

/**
 * The scope model over the service catalog, as pure functions (the request scope in
 * subgraphs/common/request-scope.ts applies them to every object).
 *
 * - **See**: a role sees the services its scope rules match and, transitively, their child
 *   services, since a child's health is part of why its parent has its status.
 * - **Act**: a role acts on an object only through the object's *nearest* services (for a CI, the
 *   services that reach it without passing through another service; for a service, itself), and
 *   only where its rules match such a service themselves, unless the role sets `actOnChildren`.
 *   Roles do not combine: one grant needs both the action and the object.
 * - A scope `all` covers everything, including objects that serve no known service.
 */

function matches(rule: ScopeRule, groups: ReadonlySet<string>, service: ServiceInfo): boolean {
  switch (rule.kind) {
    case 'all':
      return true;
    case 'owned':
      return groups.has(service.owner);
    case 'consumed':
      return service.consumers.some((c) => groups.has(c));
    case 'list':
      return rule.services.includes(service.id);
    case 'tag':
      return service.tags.includes(rule.tag);
  }
}

export const coversAll = (scope: readonly ScopeRule[]): boolean => scope.some((rule) => rule.kind === 'all');

/** Ids of the services the rules match themselves, children not included. */
function matchedServices(scope: readonly ScopeRule[], groups: readonly string[], services: readonly ServiceInfo[]): string[] {
  const groupSet = new Set(groups);
  return services.filter((s) => scope.some((rule) => matches(rule, groupSet, s))).map((s) => s.id);
}

/** The services given and their child services, transitively. */
function withChildren(ids: readonly string[], services: readonly ServiceInfo[]): Set<string> {
  const byId = new Map(services.map((s) => [s.id, s]));
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue; // the service graph may share children or (wrongly) have cycles
    out.add(id);
    for (const child of byId.get(id)?.childServiceIds ?? []) if (!out.has(child)) stack.push(child);
  }
  return out;
}

/** Ids of the services the rules let a viewer see: those they match, with the child services of each, transitively. */
export function servicesInScope(scope: readonly ScopeRule[], groups: readonly string[], services: readonly ServiceInfo[]): Set<string> {
  return withChildren(matchedServices(scope, groups, services), services);
}

/** The services a grant acts on: null for a grant with scope `all` (everything, known or not). */
export function actableServices(grant: Grant, groups: readonly string[], services: readonly ServiceInfo[]): Set<string> | null {
  if (coversAll(grant.scope)) return null;
  const matched = matchedServices(grant.scope, groups, services);
  return grant.actOnChildren ? withChildren(matched, services) : new Set(matched);
}

/**
 * May the viewer take `action` on an object whose nearest services are `nearest`? ONE grant must
 * have the action and act on one of them. `general`: the object is about nothing in particular
 * (general knowledge), so any grant of the action will do. An object with no service and not
 * general is acted on only by a grant with scope `all`.
 */
export function canAct(
  viewer: Viewer,
  action: string,
  nearest: readonly string[],
  services: readonly ServiceInfo[],
  options: { general?: boolean } = {},
): boolean {
  return viewer.grants.some((grant) => {
    if (!grant.actions.includes(action)) return false;
    if (options.general) return true;
    const actable = actableServices(grant, viewer.groups, services);
    return actable === null || nearest.some((id) => actable.has(id));
  });
}

/** May the viewer read something that needs `level`? A viewer with no role may read nothing. */
export function mayRead(viewer: Pick<Viewer, 'drillLevel' | 'grants'>, level: DrillLevel): boolean {
  return viewer.grants.length > 0 && drillRank(viewer.drillLevel) >= drillRank(level);
}
