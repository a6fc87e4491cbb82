import { drillRank, type DrillLevel, type ScopeRule, type Viewer } from './viewer.js';
import type { ServiceInfo } from '../kernel/model.js';

/**
 * Which services a set of scope rules covers, and whether a viewer may act on an object. Pure
 * functions over the service catalog: subgraphs call them with `catalog.services()`.
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

/** Ids of the services the rules cover, with the child services of each, transitively. */
export function servicesInScope(scope: readonly ScopeRule[], groups: readonly string[], services: readonly ServiceInfo[]): Set<string> {
  const groupSet = new Set(groups);
  const byId = new Map(services.map((s) => [s.id, s]));
  const out = new Set<string>();
  const stack = services.filter((s) => scope.some((rule) => matches(rule, groupSet, s))).map((s) => s.id);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue; // the service graph may share children or (wrongly) have cycles
    out.add(id);
    for (const child of byId.get(id)?.childServiceIds ?? []) if (!out.has(child)) stack.push(child);
  }
  return out;
}

/**
 * May the viewer take `action` on an object that serves `serviceIds`? Needs ONE grant (role) that has
 * the action and one of the services in its own scope: roles do not combine (an operator of payroll
 * who is a help desk agent for email may acknowledge on payroll only). A grant with scope `all`
 * covers objects that serve no known service too (an alert on an unmapped CI).
 */
export function canAct(viewer: Viewer, action: string, serviceIds: readonly string[], services: readonly ServiceInfo[]): boolean {
  return viewer.grants.some((grant) => {
    if (!grant.actions.includes(action)) return false;
    if (grant.scope.some((rule) => rule.kind === 'all')) return true;
    const inScope = servicesInScope(grant.scope, viewer.groups, services);
    return serviceIds.some((id) => inScope.has(id));
  });
}

/** May the viewer read something that needs `level`? A viewer with no role may read nothing. */
export function mayRead(viewer: Pick<Viewer, 'drillLevel' | 'grants'>, level: DrillLevel): boolean {
  return viewer.grants.length > 0 && drillRank(viewer.drillLevel) >= drillRank(level);
}
