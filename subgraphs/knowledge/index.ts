import type { SubgraphModule } from '../common/module.js';
import { createKnowledgeContext, type KnowledgeContext, type KnowledgeSubgraphDeps } from './context.js';
import { knowledgeResolvers } from './resolvers.js';

/**
 * Articles from every configured knowledge base; search, and suggestions for an incident. Searches
 * merged from several knowledge bases record the failed ones' errors in `ctx.errors` (see
 * common/partial-errors.ts): the server must append them.
 */
export type { KnowledgeSubgraphDeps } from './context.js';

export function createKnowledgeSubgraph(deps: KnowledgeSubgraphDeps): SubgraphModule<KnowledgeContext> {
  return {
    name: 'knowledge',
    resolvers: knowledgeResolvers,
    createContext: (base) => createKnowledgeContext(deps, base),
  };
}
