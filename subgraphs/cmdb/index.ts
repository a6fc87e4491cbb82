import type { SubgraphDeps, SubgraphModule } from '../common/module.js';
import { createCmdbContext, type CmdbContext } from './context.js';
import { cmdbResolvers } from './resolvers.js';

/** Configuration items and their relations, reconciled from every configured CMDB. */
export function createCmdbSubgraph(deps: SubgraphDeps): SubgraphModule<CmdbContext> {
  return {
    name: 'cmdb',
    resolvers: cmdbResolvers,
    createContext: (base) => createCmdbContext(deps, base),
  };
}
