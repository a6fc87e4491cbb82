import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { CmdbApi } from '../../connectors/core/connector.js';
import { createCorrelator, type Correlator, type IdentificationRules } from '../../connectors/core/correlate.js';
import type { Logger } from '../../connectors/core/log.js';
import type { ConfigurationItem, Relation } from '../../connectors/core/model.js';
import { reconcile } from '../../connectors/core/reconcile.js';
import { connectorError } from './partial-errors.js';

/**
 * The CMDB as one request sees it: every CMDB's CIs and relations (reconciled when there are
 * several), indexed, and the correlator that maps a tool's hint to a CI id. Loaded at most once per
 * request: the connectors cache `listCis` for minutes, so a request costs one cache read per CMDB.
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
  // One CMDB is the truth as it is; several describe overlapping estates and are merged by identity
  // (serial, FQDN, name, IP: reconcile's default rules).
  const merged = sources.length > 1 ? reconcile(sources) : { cis: sources[0]?.cis ?? [], relations: sources[0]?.relations ?? [], ids: {} };
  // A tool may name a CI by one CMDB's own id (a ServiceNow sys_id in a ticket) that the merge replaced.
  const aliases = new Map(Object.values(merged.ids).flatMap((local) => Object.entries(local).filter(([from, to]) => from !== to)));
  const correlate = createCorrelator(merged.cis, rules);
  return {
    cis: merged.cis,
    byId: new Map(merged.cis.map((ci) => [ci.id, ci])),
    childrenOf: index(merged.relations, 'parentId'),
    parentsOf: index(merged.relations, 'childId'),
    correlate: (hint) => {
      const alias = hint?.ciId !== undefined ? aliases.get(hint.ciId) : undefined;
      return correlate(alias ? { ...hint, ciId: alias } : hint);
    },
    failures,
  };
}

export function createTopologyAccess(cmdbs: CmdbHandle[], rules: IdentificationRules, log: Logger): TopologyAccess {
  let loaded: Promise<Topology> | undefined;
  const load = () => (loaded ??= loadTopology(cmdbs, rules, log));
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
