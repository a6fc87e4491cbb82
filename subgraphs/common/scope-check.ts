import type { Viewer } from '../../authz/viewer.js';
import { canAct, servicesInScope } from '../../authz/scope.js';
import type { ServiceLookup } from '../../bsm/directory.js';
import type { ServiceInfo } from '../../kernel/model.js';

/**
 * Per-object checks only a subgraph can make (the gateway and graphql-shield check drill levels and
 * action names, not objects): is this alert's or incident's service in the viewer's scope, and may
 * the viewer act on it. Catalog lookups are memoised for the request.
 *
 * An object that serves no known service (an unmapped alert, a ticket on no CI) is in scope only for
 * a viewer with an `all` scope: a scoped viewer cannot be shown to own it.
 */
export interface ScopeCheck {
  services(): Promise<ServiceInfo[]>;
  servicesForCi(ciId: string): Promise<string[]>;
  componentIds(serviceId: string): Promise<string[]>;
  /** True when one of the services is in the viewer's scope (or the viewer sees everything). */
  visible(serviceIds: readonly string[]): Promise<boolean>;
  /** One of the viewer's roles grants the action and has one of the services in its scope. */
  mayAct(action: string, serviceIds: readonly string[]): Promise<boolean>;
}

const seesAll = (scope: Viewer['scope']) => scope.some((rule) => rule.kind === 'all');

export function createScopeCheck(directory: ServiceLookup, viewer: Viewer): ScopeCheck {
  let services: Promise<ServiceInfo[]> | undefined;
  let inScope: Promise<Set<string>> | undefined;
  const forCi = new Map<string, Promise<string[]>>();
  const loadServices = () => (services ??= directory.services());

  return {
    services: loadServices,
    servicesForCi(ciId) {
      let found = forCi.get(ciId);
      if (!found) forCi.set(ciId, (found = directory.servicesForCi(ciId)));
      return found;
    },
    componentIds: (serviceId) => directory.componentIds(serviceId),
    async visible(serviceIds) {
      if (seesAll(viewer.scope)) return true;
      inScope ??= loadServices().then((all) => servicesInScope(viewer.scope, viewer.groups, all));
      const scope = await inScope;
      return serviceIds.some((id) => scope.has(id));
    },
    // canAct lets a grant with scope `all` act on objects that serve no known service.
    mayAct: async (action, serviceIds) => canAct(viewer, action, serviceIds, await loadServices()),
  };
}
