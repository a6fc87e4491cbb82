import type { SubgraphDeps, SubgraphModule } from '../common/module.js';
import { createKnowledgeContext, type KnowledgeContext } from './context.js';
import { knowledgeResolvers } from './resolvers.js';

/**
 * Articles from every configured knowledge base; search, and suggestions for an incident. Searches
 * merged from several knowledge bases record the failed ones' errors in `ctx.errors` (see
 * cmdb/partial-errors.ts): the server must append them.
 */
export function createKnowledgeSubgraph(deps: SubgraphDeps): SubgraphModule<KnowledgeContext> {
  return {
    name: 'knowledge',
    resolvers: knowledgeResolvers,
    createContext: (base) => createKnowledgeContext(deps, base),
  };
}
