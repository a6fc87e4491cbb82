import type { SubgraphModule } from '../common/module.js';
import { type CmdbContext, type CmdbSubgraphDeps, createCmdbContext } from './context.js';
import { cmdbResolvers } from './resolvers.js';

export type { CmdbSubgraphDeps } from './context.js';

/** Configuration items and their relations, reconciled from every configured CMDB. */
export function createCmdbSubgraph(deps: CmdbSubgraphDeps): SubgraphModule<CmdbContext> {
  return {
    name: 'cmdb',
    resolvers: cmdbResolvers,
    createContext: (base) => createCmdbContext(deps, base),
  };
}
