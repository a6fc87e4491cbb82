import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { CmdbApi, ConnectorInstance } from '../connectors/core/connector.js';
import type { Correlator, IdentificationRules } from '../kernel/correlate.js';
import type { Logger } from '../kernel/log.js';
import type { ConfigurationItem, Relation } from '../kernel/model.js';
import { mergeCmdbs } from '../kernel/reconcile.js';
import { createSingleFlight } from '../kernel/single-flight.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import { connectorError } from '../kernel/errors.js';

/**
 * The CMDB as one request sees it: every CMDB's CIs and relations (reconciled when there are
 * several), indexed, and the correlator that maps a tool's hint to a CI id. Built at most once per
 * couple of seconds for the whole process (createTopologySource) and read once per request.
 * Shared by the cmdb, monitoring and helpdesk subgraphs.
 */
export interface Topology {
  cis: ConfigurationItem[];
  byId: Map<string, ConfigurationItem>;
  /** Relations where the CI is the parent (what it depends on). */
  childrenOf: Map<string, Relation[]>;
  /** Relations where the CI is the child (what needs it). */
  parentsOf: Map<string, Relation[]>;
  correlate: Correlator;
  /**
   * CMDBs that failed, as client errors. Their CIs are missing, so "maps to no CI" is not proven
   * while this is non-empty.
   */
  failures: GraphQLError[];
}

export interface TopologyAccess {
  load(): Promise<Topology>;
  /** For `__resolveReference`: batched, one topology load for any number of ids. */
  ciById: DataLoader<string, ConfigurationItem | null>;
}

export interface CmdbHandle {
  name: string;
  api: CmdbApi;
}

function index(relations: Relation[], key: 'parentId' | 'childId'): Map<string, Relation[]> {
  const map = new Map<string, Relation[]>();
  for (const rel of relations) {
    const list = map.get(rel[key]);
    if (list) list.push(rel);
    else map.set(rel[key], [rel]);
  }
  return map;
}

async function loadTopology(cmdbs: CmdbHandle[], rules: IdentificationRules, log: Logger): Promise<Topology> {
  const results = await Promise.allSettled(
    cmdbs.map(async ({ name, api }) => {
      const [cis, relations] = await Promise.all([api.listCis(), api.listRelations()]);
      return { connector: name, cis, relations };
    }),
  );
  const failures: GraphQLError[] = [];
  const sources: { connector: string; cis: ConfigurationItem[]; relations: Relation[] }[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') sources.push(result.value);
    else failures.push(connectorError(cmdbs[i]?.name ?? 'cmdb', result.reason, log));
  });
  const merged = mergeCmdbs(sources, rules);
  return {
    cis: merged.cis,
    byId: new Map(merged.cis.map((ci) => [ci.id, ci])),
    childrenOf: index(merged.relations, 'parentId'),
    parentsOf: index(merged.relations, 'childId'),
    correlate: merged.correlate,
    failures,
  };
}

/** The merged CMDB, shared by every request of the subgraphs in one process. */
export type TopologySource = () => Promise<Topology>;

/**
 * Reading, merging and indexing every CMDB is the same work for every request (CMDB reads are not
 * scoped to the caller): do it once per `ttlMs` for the whole process instead of once per request
 * and subgraph. The connectors' own caches still decide how fresh the CMDB data is.
 */
export function createTopologySource(
  cmdbs: ConnectorInstance<CmdbApi>[],
  rules: IdentificationRules,
  log: Logger,
  ttlMs = 2000,
): TopologySource {
  return createSingleFlight(
    () =>
      loadTopology(
        cmdbs.map((instance) => ({ name: instance.name, api: instance.forRequest(SYSTEM_AUTH) })),
        rules,
        log,
      ),
    ttlMs,
  );
}

/** Per request: the topology read once (from the shared source) and a batched CI lookup. */
export function createTopologyAccess(source: TopologySource): TopologyAccess {
  let loaded: Promise<Topology> | undefined;
  const load = () => (loaded ??= source());
  return {
    load,
    ciById: new DataLoader<string, ConfigurationItem | null>(async (ids) => {
      const topology = await load();
      return ids.map((id): ConfigurationItem | GraphQLError | null => {
        const ci = topology.byId.get(id);
        if (ci) return ci;
        // Not found in a partial CMDB is not "no such CI": say which CMDB failed.
        const failure = topology.failures[0];
        return failure ?? null;
      });
    }),
  };
}
