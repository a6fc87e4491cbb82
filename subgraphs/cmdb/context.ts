import type { MergedCmdbSource } from '../../bsm/merged-cmdb.js';
import { createCmdbAccess, type CmdbAccess } from '../common/cmdb-access.js';
import type { BaseContext } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';

/** What the cmdb subgraph serves from. */
export interface CmdbSubgraphDeps {
  cmdb: MergedCmdbSource;
  /** Largest `first` a list accepts. */
  maxPageSize: number;
}

export interface CmdbContext extends BaseContext, PartialErrors {
  /** The merged CMDB, read once for the request. */
  topology: CmdbAccess;
  maxPageSize: number;
}

export function createCmdbContext(deps: CmdbSubgraphDeps, base: BaseContext): CmdbContext {
  return { ...base, errors: [], topology: createCmdbAccess(deps.cmdb), maxPageSize: deps.maxPageSize };
}
