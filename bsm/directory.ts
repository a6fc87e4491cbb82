import type { Logger } from '../kernel/log.js';
import type { ServiceInfo } from '../kernel/model.js';
import type { ServiceDefinition, ServiceDefinitions } from './definitions.js';
import type { MergedCmdb, MergedCmdbSource } from './merged-cmdb.js';
import { buildServiceTopology, type ServiceTopology } from './service-topology.js';

/**
 * Which business services exist, who owns and consumes them, and which CIs are below each: the
 * service definitions over the process's one merged CMDB. Every subgraph reads it (scope checks);
 * the service model reads it for health. It opens nothing and reads no monitor.
 */
export interface ServiceDirectory {
  readonly definitions: ServiceDefinitions;
  definition(id: string): ServiceDefinition | undefined;
  /** The health graph over the current merge of the CMDBs. */
  topology(): Promise<ServiceTopology>;
  services(): Promise<ServiceInfo[]>;
  /** Every CI below the service, including through child services. */
  componentIds(serviceId: string): Promise<string[]>;
  /** Every service whose tree contains the CI. */
  servicesForCi(ciId: string): Promise<string[]>;
  /** The lookups the scope of a request makes, over the current merge of the CMDBs. */
  scopeIndex(): Promise<ScopeIndex>;
}

/** What the service model's tests read of the directory. */
export type ServiceLookup = Pick<ServiceDirectory, 'services' | 'componentIds' | 'servicesForCi'>;

/** What the scope of a request reads (subgraph test fakes implement only this). */
export type ScopeSource = Pick<ServiceDirectory, 'services' | 'scopeIndex'>;

/**
 * Where every CI stands among the services, for deciding whether an object is in a viewer's scope.
 * Built once per topology (so once per CMDB merge), shared by every request.
 */
export interface ScopeIndex {
  /** Every CI below the service, through child services too. */
  components(serviceId: string): readonly string[];
  /** Every service whose tree contains the CI. */
  servicesAbove(ciId: string): readonly string[];
  /** The services the CI serves directly: those that reach it without passing through another service. */
  nearestServices(ciId: string): readonly string[];
  /** The services and CIs a word names by id or name, in any case (how an article's labels say what it is about). */
  named(word: string): { serviceIds: readonly string[]; ciIds: readonly string[] };
}

function buildScopeIndex(topology: ServiceTopology): ScopeIndex {
  const { nodes } = topology.graph;
  const isService = (id: string) => nodes.get(id)?.kind === 'service';
  const nearest = new Map<string, string[]>();
  const names = new Map<string, { serviceIds: string[]; ciIds: string[] }>();
  for (const node of nodes.values()) {
    for (const key of new Set([node.id.toLowerCase(), node.name.toLowerCase()])) {
      let entry = names.get(key);
      if (!entry) names.set(key, (entry = { serviceIds: [], ciIds: [] }));
      (node.kind === 'service' ? entry.serviceIds : entry.ciIds).push(node.id);
    }
  }
  const none = { serviceIds: [], ciIds: [] };
  return {
    components: (serviceId) => (isService(serviceId) ? topology.components(serviceId) : []),
    servicesAbove: (ciId) => topology.servicesAbove(ciId),
    nearestServices(ciId) {
      let found = nearest.get(ciId);
      if (!found) {
        // Up through CIs only: a service above ends the walk, as what is above it is served through it.
        const out = new Set<string>();
        const seen = new Set<string>([ciId]);
        const stack = [...(topology.parents.get(ciId) ?? [])];
        while (stack.length > 0) {
          const id = stack.pop() as string;
          if (seen.has(id)) continue;
          seen.add(id);
          if (isService(id)) out.add(id);
          else stack.push(...(topology.parents.get(id) ?? []));
        }
        nearest.set(ciId, (found = [...out]));
      }
      return found;
    },
    named: (word) => names.get(word.trim().toLowerCase()) ?? none,
  };
}

export function createServiceDirectory(definitions: ServiceDefinitions, cmdb: MergedCmdbSource, log: Logger): ServiceDirectory {
  // The merged CMDB is shared for a couple of seconds: build the graph once per merge, not per caller.
  const built = new WeakMap<MergedCmdb, ServiceTopology>();
  const topology = async () => {
    const merged = await cmdb();
    let found = built.get(merged);
    if (!found) built.set(merged, (found = buildServiceTopology(definitions, merged, log)));
    return found;
  };
  const indexes = new WeakMap<ServiceTopology, ScopeIndex>();
  const scopeIndex = async () => {
    const current = await topology();
    let found = indexes.get(current);
    if (!found) indexes.set(current, (found = buildScopeIndex(current)));
    return found;
  };
  const infos: ServiceInfo[] = definitions.services.map((d) => ({
    id: d.id,
    name: d.name,
    owner: d.owner,
    consumers: d.consumers,
    tags: d.tags,
    criticality: d.criticality,
    childServiceIds: d.children.filter((c) => c.kind === 'service').map((c) => c.id),
  }));
  return {
    definitions,
    definition: (id) => definitions.byId.get(id),
    topology,
    services: async () => infos,
    componentIds: async (serviceId) => (definitions.byId.has(serviceId) ? (await topology()).components(serviceId) : []),
    servicesForCi: async (ciId) => (await topology()).servicesAbove(ciId),
    scopeIndex,
  };
}
