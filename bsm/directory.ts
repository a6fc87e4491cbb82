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
}

/** What scope checks need of the directory (test fakes implement only this). */
export type ServiceLookup = Pick<ServiceDirectory, 'services' | 'componentIds' | 'servicesForCi'>;

export function createServiceDirectory(definitions: ServiceDefinitions, cmdb: MergedCmdbSource, log: Logger): ServiceDirectory {
  // The merged CMDB is shared for a couple of seconds: build the graph once per merge, not per caller.
  const built = new WeakMap<MergedCmdb, ServiceTopology>();
  const topology = async () => {
    const merged = await cmdb();
    let found = built.get(merged);
    if (!found) built.set(merged, (found = buildServiceTopology(definitions, merged, log)));
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
  };
}
