import type { BaseContext, SubgraphDeps } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';
import { createTopologyAccess, type TopologyAccess } from '../../bsm/cmdb-topology.js';

export interface CmdbContext extends BaseContext, PartialErrors {
  topology: TopologyAccess;
  maxPageSize: number;
}

export function createCmdbContext(deps: SubgraphDeps, base: BaseContext): CmdbContext {
  return {
    ...base,
    errors: [],
    topology: createTopologyAccess(deps.topology),
    maxPageSize: deps.settings.maxPageSize,
  };
}
