import type { GraphQLError } from 'graphql';
import type { Offering } from '../../bsm/catalog.js';
import type { MergedCmdbSource } from '../../bsm/merged-cmdb.js';
import type { ConnectorInstance, HelpdeskApi, KnowledgeApi } from '../../connectors/core/connector.js';
import type { Incident } from '../../kernel/model.js';
import { createCmdbAccess, type CmdbAccess } from '../common/cmdb-access.js';
import type { BaseContext } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';
import { connectorError } from '../../kernel/errors.js';

/** An incident as this subgraph serves it: the ticket, correlated to a CI and its services. */
export interface IncidentView extends Incident {
  /** The CI the identification rules map the ticket's CI field to; null when none. */
  ciId: string | null;
  /** Set when the CMDB failed and the ticket's CI matched none of the CIs we have. */
  ciError: GraphQLError | null;
  /** The ticket's own service first (when it names one), then every service of its CI. */
  serviceIds: string[];
}

export interface DeskHandle {
  name: string;
  api: HelpdeskApi;
  /** The desk's incidents, correlated; memoised per filter for the request, rejected with a client error. */
  list(openOnly: boolean): Promise<IncidentView[]>;
}

export interface KnowledgeHandle {
  name: string;
  api: KnowledgeApi;
}

/** What the helpdesk subgraph serves from. */
export interface HelpdeskSubgraphDeps {
  helpdesks: ConnectorInstance<HelpdeskApi>[];
  /** For linkArticle: the article's title and URL are recorded with the link. */
  knowledgeBases: ConnectorInstance<KnowledgeApi>[];
  cmdb: MergedCmdbSource;
  /** The service catalogue's offerings (bsm/catalog.ts), for `catalog` and `requestOffering`. */
  catalog: readonly Offering[];
  /** Largest `first` a list accepts. */
  maxPageSize: number;
}

export interface HelpdeskContext extends BaseContext, PartialErrors {
  desks: DeskHandle[];
  /** For linkArticle: the article's title and URL are recorded with the link. */
  knowledgeBases: KnowledgeHandle[];
  topology: CmdbAccess;
  enrich(incident: Incident): Promise<IncidentView>;
  catalog: readonly Offering[];
  maxPageSize: number;
}

export function createHelpdeskContext(deps: HelpdeskSubgraphDeps, base: BaseContext): HelpdeskContext {
  const topology = createCmdbAccess(deps.cmdb);

  async function enrich(incident: Incident): Promise<IncidentView> {
    const [loaded, scope] = await Promise.all([topology.load(), base.scope.load()]);
    const ciId = loaded.correlate(incident.ci);
    const ciServices = ciId ? scope.index.servicesAbove(ciId) : [];
    const serviceIds = [...new Set([...(incident.serviceId ? [incident.serviceId] : []), ...ciServices])];
    const ciError = ciId === null && incident.ci !== null ? (loaded.failures[0] ?? null) : null;
    return { ...incident, ciId, ciError, serviceIds };
  }

  const desks = deps.helpdesks.map((instance): DeskHandle => {
    const api = instance.forRequest(base.auth);
    const lists = new Map<boolean, Promise<IncidentView[]>>();
    return {
      name: instance.name,
      api,
      list(openOnly) {
        let found = lists.get(openOnly);
        if (!found) {
          found = api
            .listIncidents({ openOnly })
            .catch((error: unknown) => {
              throw connectorError(instance.name, error, base.log);
            })
            .then((incidents) => Promise.all(incidents.map(enrich)));
          lists.set(openOnly, found);
        }
        return found;
      },
    };
  });

  return {
    ...base,
    errors: [],
    desks,
    knowledgeBases: deps.knowledgeBases.map((instance) => ({ name: instance.name, api: instance.forRequest(base.auth) })),
    topology,
    enrich,
    catalog: deps.catalog,
    maxPageSize: deps.maxPageSize,
  };
}
