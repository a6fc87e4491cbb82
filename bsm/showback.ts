import type { ServiceDefinitions } from './definitions.js';
import type { ServiceTopology } from './service-topology.js';

/**
 * Showback: what each service costs per month, with the cost of shared services (identity, network:
 * services other services list as children) passed on to the services that use them, then to the
 * consumer groups. The rule, in the order it is applied (children before parents, so a shared
 * service that uses another passes on both):
 *
 *   own cost       the service's `monthlyCost` (estate/<name>/services/<id>.yaml) plus its share of
 *                  the CMDB cost (`monthlyCost`, from ServiceNow's or NetBox's cost field) of every
 *                  CI it uses directly: the CIs reached from the service without passing through
 *                  another service (those are that service's, passed on below). A CI used directly by
 *                  several services is split among them by their `impact.users`, equally when every
 *                  one has 0 users. A CI whose cost the CMDB does not record counts nothing (unknown
 *                  is left out, not priced at 0 and not guessed); a priced CI no service uses is
 *                  charged to nobody
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
  /** estateCost + cmdbCost */
  ownCost: number;
  /** The service's own `monthlyCost` in the estate. */
  estateCost: number;
  /** Its share of the CMDB cost of the CIs it uses directly. */
  cmdbCost: number;
  allocatedCost: number;
  totalCost: number;
  allocatedOnward: number;
  byConsumerGroup: GroupCost[];
}

/** The CIs a service uses directly: below it in the health graph, not through another service. */
function directCis(graph: ServiceTopology['graph'], serviceId: string): Set<string> {
  const found = new Set<string>();
  const stack = (graph.nodes.get(serviceId)?.edges ?? []).map((e) => e.childId);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const node = graph.nodes.get(id);
    if (found.has(id) || node?.kind !== 'ci') continue;
    found.add(id);
    stack.push(...node.edges.map((e) => e.childId));
  }
  return found;
}

/** Each service's share of the CMDB cost of the CIs it uses directly (see the rule above). */
function cmdbCosts(definitions: ServiceDefinitions, topology: Pick<ServiceTopology, 'graph' | 'cis'>): Map<string, number> {
  const users = new Map<string, string[]>();
  for (const def of definitions.services) {
    for (const ciId of directCis(topology.graph, def.id)) users.set(ciId, [...(users.get(ciId) ?? []), def.id]);
  }
  const costs = new Map<string, number>();
  for (const [ciId, serviceIds] of users) {
    const cost = topology.cis.get(ciId)?.monthlyCost ?? null;
    if (cost === null) continue;
    const weights = serviceIds.map((id) => definitions.byId.get(id)?.impact.users ?? 0);
    const sum = weights.reduce((a, b) => a + b, 0);
    serviceIds.forEach((id, i) => {
      const share = sum > 0 ? (weights[i] as number) / sum : 1 / serviceIds.length;
      costs.set(id, (costs.get(id) ?? 0) + cost * share);
    });
  }
  return costs;
}

/** Every service's showback, in definition order; CIs' CMDB costs count when the topology is given. */
export function showback(definitions: ServiceDefinitions, topology?: Pick<ServiceTopology, 'graph' | 'cis'>): ServiceShowback[] {
  const fromCmdb = topology ? cmdbCosts(definitions, topology) : new Map<string, number>();
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
    const cmdbCost = fromCmdb.get(id) ?? 0;
    const ownCost = def.monthlyCost + cmdbCost;
    const totalCost = ownCost + (allocated.get(id) ?? 0);
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
      ownCost,
      estateCost: def.monthlyCost,
      cmdbCost,
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
