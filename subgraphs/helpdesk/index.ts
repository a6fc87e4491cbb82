import type { SubgraphModule } from '../common/module.js';
import { createHelpdeskContext, type HelpdeskContext, type HelpdeskSubgraphDeps } from './context.js';
import { helpdeskResolvers } from './resolvers.js';

/**
 * Incidents from every configured help desk; create, comment, link articles, report a problem.
 * Lists merged from several help desks record the failed ones' errors in `ctx.errors` (see
 * common/partial-errors.ts): the server must append them.
 */
export type { HelpdeskSubgraphDeps } from './context.js';

export function createHelpdeskSubgraph(deps: HelpdeskSubgraphDeps): SubgraphModule<HelpdeskContext> {
  return {
    name: 'helpdesk',
    resolvers: helpdeskResolvers,
    createContext: (base) => createHelpdeskContext(deps, base),
  };
}
