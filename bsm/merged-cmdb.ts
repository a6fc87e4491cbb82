import type { GraphQLError } from 'graphql';
import type { CmdbApi, ConnectorInstance } from '../connectors/core/connector.js';
import type { Correlator, IdentificationRules } from '../kernel/correlate.js';
import { connectorError } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import type { ConfigurationItem, Relation } from '../kernel/model.js';
import { mergeCmdbs } from '../kernel/reconcile.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import { createSingleFlight } from '../kernel/single-flight.js';

/**
 * The one topology of a process: every configured CMDB, read through its connector (and so its
 * cache), reconciled into one set of CIs and relations, indexed, with the correlator that maps a
 * tool's hint to a CI id. Built at most once per `ttlMs` and shared by the service model and every
 * subgraph, so health and the cmdb, monitoring and helpdesk answers always speak of the same CIs.
 *
 * One stale policy, the connectors' own: a CMDB that fails is served from its connector's cache,
 * marked stale, for at most that connector's `staleMs`; after that its CIs are gone and `failures`
 * names it, so what lived there reads UNKNOWN ("CMDB snow unavailable"), never from a forgotten copy.
 */
export interface MergedCmdb {
  cis: ConfigurationItem[];
  byId: Map<string, ConfigurationItem>;
  /** Relations where the CI is the parent (what it depends on). */
  childrenOf: Map<string, Relation[]>;
  /** Relations where the CI is the child (what needs it). */
  parentsOf: Map<string, Relation[]>;
  correlate: Correlator;
  /** Each configured CMDB: when its answer was taken, whether from cache, or (asOf null) that it failed. */
  sources: CmdbSource[];
  /**
   * CMDBs that failed, as client errors. Their CIs are missing, so "maps to no CI" is not proven
   * while this is non-empty.
   */
  failures: GraphQLError[];
}

export interface CmdbSource {
  connector: string;
  /** When the CMDB gave the answer in use (ISO 8601); null when it failed and nothing is cached. */
  asOf: string | null;
  /** The answer is the connector's cached copy: the CMDB is failing now. */
  stale: boolean;
}

export type MergedCmdbSource = () => Promise<MergedCmdb>;

export interface MergedCmdbOptions {
  identification: IdentificationRules;
  log: Logger;
  /** How long one merge is shared. @default 2000 */
  ttlMs?: number;
  /** The clock the sharing is measured with (tests pin it). @default Date.now */
  now?: () => number;
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

/** Reads and merges every CMDB, once: a CMDB that fails is reported, never fatal to the others. */
export async function mergeCmdbReads(cmdbs: { name: string; api: CmdbApi }[], options: MergedCmdbOptions): Promise<MergedCmdb> {
  const results = await Promise.allSettled(cmdbs.map(({ api }) => api.snapshot()));
  const failures: GraphQLError[] = [];
  const sources: CmdbSource[] = [];
  const reads: { connector: string; cis: ConfigurationItem[]; relations: Relation[] }[] = [];
  results.forEach((result, i) => {
    const connector = cmdbs[i]?.name ?? 'cmdb';
    if (result.status === 'fulfilled') {
      const { cis, relations, stale, asOf } = result.value;
      reads.push({ connector, cis, relations });
      sources.push({ connector, asOf, stale });
      if (stale) options.log.warn('cmdb unavailable; serving its cached topology', { connector, asOf });
    } else {
      failures.push(connectorError(connector, result.reason, options.log));
      sources.push({ connector, asOf: null, stale: false });
    }
  });
  const merged = mergeCmdbs(reads, options.identification);
  return {
    cis: merged.cis,
    byId: new Map(merged.cis.map((ci) => [ci.id, ci])),
    childrenOf: index(merged.relations, 'parentId'),
    parentsOf: index(merged.relations, 'childId'),
    correlate: merged.correlate,
    sources,
    failures,
  };
}

/**
 * Reading, merging and indexing every CMDB is the same work for every request (CMDB reads are not
 * scoped to the caller): done once per `ttlMs` for the whole process instead of once per request
 * and subgraph. The connectors' caches decide how fresh the CMDB data is.
 */
export function createMergedCmdbSource(cmdbs: ConnectorInstance<CmdbApi>[], options: MergedCmdbOptions): MergedCmdbSource {
  const handles = cmdbs.map((instance) => ({ name: instance.name, api: instance.forRequest(SYSTEM_AUTH) }));
  return createSingleFlight(() => mergeCmdbReads(handles, options), options.ttlMs ?? 2000, options.now);
}

/** How fresh what a CI's data stands on is: the oldest answer among the CMDBs that know it. */
export function freshnessOf(ci: ConfigurationItem, cmdb: MergedCmdb): { asOf: string | null; stale: boolean } {
  const known = new Set(ci.sourceLinks.map((link) => link.connector));
  const mine = cmdb.sources.filter((s) => known.has(s.connector) && s.asOf !== null);
  const asOf = mine.map((s) => s.asOf as string).sort()[0] ?? null;
  return { asOf, stale: mine.some((s) => s.stale) };
}
