import type { SubgraphModule } from '../common/module.js';
import { DECIDED_BY_OWNER } from '../common/request-scope.js';
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
    // Articles are placed by their labels (request-scope.ts). An Incident here is only the fields the
    // gateway passes: the helpdesk subgraph decided whether the viewer sees it, and the articles
    // added to it are scoped on their own.
    scope: { subjects: { Incident: DECIDED_BY_OWNER } },
    createContext: (base) => createKnowledgeContext(deps, base),
  };
}
