import type { BaseContext, SubgraphDeps } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';
import { createTopologyAccess, type TopologyAccess } from '../common/topology.js';

export interface CmdbContext extends BaseContext, PartialErrors {
  topology: TopologyAccess;
  maxPageSize: number;
}

export function createCmdbContext(deps: SubgraphDeps, base: BaseContext): CmdbContext {
  const cmdbs = deps.connectors.cmdb.map((instance) => ({ name: instance.name, api: instance.forRequest(base.auth) }));
  return {
    ...base,
    errors: [],
    topology: createTopologyAccess(cmdbs, deps.settings.identification, base.log),
    maxPageSize: deps.settings.maxPageSize,
  };
}
