import type { ServiceDefinitions } from './definitions.js';

/**
 * Showback: what each service costs per month, with the cost of shared services (identity, network:
 * services other services list as children) passed on to the services that use them, then to the
 * consumer groups. The rule, in the order it is applied (children before parents, so a shared
 * service that uses another passes on both):
 *
 *   own cost       the service's `monthlyCost` (estate/<name>/services/<id>.yaml)
 *   allocated      what the shared services it uses pass on to it
 *   total          own + allocated
 *   onward         a shared service passes its whole total to its parents: by the `costShare` of each
 *                  parent's edge when any edge to it declares one (an edge without one counts 0), else
 *                  by each parent's `impact.users`; equally when every weight is 0
 *   per group      what a service keeps (total − onward) is split equally among its consumer groups;
 *                  a service nobody is declared to consume charges its owner group
 *
 * Every cost ends at exactly one group, so the groups add up to the sum of the own costs.
 */

export interface GroupCost {
  group: string;
  cost: number;
}

export interface ServiceShowback {
  serviceId: string;
  ownCost: number;
  allocatedCost: number;
  totalCost: number;
  allocatedOnward: number;
  byConsumerGroup: GroupCost[];
}

/** Every service's showback, in definition order. */
export function showback(definitions: ServiceDefinitions): ServiceShowback[] {
  const parents = new Map<string, { id: string; costShare: number | null; users: number }[]>();
  for (const parent of definitions.services) {
    for (const child of parent.children) {
      if (child.kind !== 'service') continue;
      const list = parents.get(child.id) ?? [];
      list.push({ id: parent.id, costShare: child.costShare, users: parent.impact.users });
      parents.set(child.id, list);
    }
  }
  const allocated = new Map<string, number>(definitions.services.map((s) => [s.id, 0]));
  const results = new Map<string, ServiceShowback>();
  // Children first: the service graph is acyclic (checked at load), so a post-order walk ends.
  const visit = (id: string) => {
    const def = definitions.byId.get(id);
    if (!def || results.has(id)) return;
    for (const child of def.children) if (child.kind === 'service') visit(child.id);
    const totalCost = def.monthlyCost + (allocated.get(id) ?? 0);
    const users = parents.get(id) ?? [];
    const declared = users.some((p) => p.costShare !== null);
    const weights = users.map((p) => (declared ? (p.costShare ?? 0) : p.users));
    const sum = weights.reduce((a, b) => a + b, 0);
    users.forEach((p, i) => {
      const share = sum > 0 ? (weights[i] as number) / sum : 1 / users.length;
      allocated.set(p.id, (allocated.get(p.id) ?? 0) + totalCost * share);
    });
    const allocatedOnward = users.length > 0 ? totalCost : 0;
    const groups = def.consumers.length > 0 ? def.consumers : [def.owner];
    const kept = totalCost - allocatedOnward;
    results.set(id, {
      serviceId: id,
      ownCost: def.monthlyCost,
      allocatedCost: allocated.get(id) ?? 0,
      totalCost,
      allocatedOnward,
      byConsumerGroup: kept > 0 ? groups.map((group) => ({ group, cost: kept / groups.length })) : [],
    });
  };
  for (const def of definitions.services) visit(def.id);
  return definitions.services.map((d) => results.get(d.id) as ServiceShowback);
}

/** The groups' costs over these services, costliest first. */
export function byConsumerGroup(services: readonly ServiceShowback[]): GroupCost[] {
  const totals = new Map<string, number>();
  for (const s of services) for (const g of s.byConsumerGroup) totals.set(g.group, (totals.get(g.group) ?? 0) + g.cost);
  return [...totals].map(([group, cost]) => ({ group, cost })).sort((a, b) => b.cost - a.cost || a.group.localeCompare(b.group));
}
