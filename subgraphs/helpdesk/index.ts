import type { SubgraphModule } from '../common/module.js';
import { createHelpdeskContext, type HelpdeskContext, type HelpdeskSubgraphDeps, type IncidentView } from './context.js';
import type { Offering } from '../../bsm/catalog.js';
import { findArticle, findCi, helpdeskResolvers, incidentById, offeringById } from './resolvers.js';

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
    scope: {
      // An incident is about the service it names and the CI it is correlated to; with neither, about nothing.
      subjects: {
        Incident: (incident: IncidentView) => ({
          serviceIds: incident.serviceId ? [incident.serviceId] : [],
          ciIds: incident.ciId ? [incident.ciId] : [],
        }),
        // An offering is its service's: seen and requested by whoever sees and acts on the service.
        Offering: (offering: Offering) => ({ serviceIds: [offering.serviceId] }),
      },
      find: {
        Incident: (id, ctx) => incidentById(ctx, id),
        Offering: async (id, ctx) => offeringById(ctx, id),
        ConfigurationItem: (id, ctx) => findCi(ctx, id),
        // Linked from a knowledge base: placed by its labels, as the knowledge subgraph places it.
        Article: (id, ctx) => findArticle(ctx, id),
      },
    },
    createContext: (base) => createHelpdeskContext(deps, base),
  };
}
