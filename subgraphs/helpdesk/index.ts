import type { SubgraphDeps, SubgraphModule } from '../common/module.js';
import { createHelpdeskContext, type HelpdeskContext } from './context.js';
import { helpdeskResolvers } from './resolvers.js';

/**
 * Incidents from every configured help desk; create, comment, link articles, report a problem.
 * Lists merged from several help desks record the failed ones' errors in `ctx.errors` (see
 * cmdb/partial-errors.ts): the server must append them.
 */
export function createHelpdeskSubgraph(deps: SubgraphDeps): SubgraphModule<HelpdeskContext> {
  return {
    name: 'helpdesk',
    resolvers: helpdeskResolvers,
    createContext: (base) => createHelpdeskContext(deps, base),
  };
}
