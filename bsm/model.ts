import type { ServiceCatalog } from './catalog.js';
import type { Correlator } from '../kernel/correlate.js';
import type { Logger } from '../kernel/log.js';
import { mergeCmdbs } from '../kernel/reconcile.js';
import {
  SEVERITY_ORDER,
  type Alert,
  type ConfigurationItem,
  type MonitorSnapshot,
  type Relation,
  type Severity,
  type Status,
  type ServiceInfo,
} from '../kernel/model.js';
import type { IdentificationRules } from '../kernel/correlate.js';
import { loadServiceDefinitions, type ServiceDefinition, type ServiceDefinitions, type SelectorDefinition } from './definitions.js';
import type { Edge, Evaluation, GraphNode, HealthGraph, LeafState, NodeRule } from './engine/types.js';
import { evaluate, findCycle } from './engine/evaluate.js';
import { createSqliteHistory, createTransitionRecorder, type HistoryStore } from './history.js';
import type { Lease } from '../kernel/lease.js';
import { createSingleFlight } from '../kernel/single-flight.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import type { ConnectorSet } from '../connectors/core/connector.js';

/**
 * The service model: service definitions + CMDB topology + selectors make the health graph; monitor
 * snapshots make the CIs' leaf states; the engine rolls them up. One evaluation is shared by every
 * request for a few seconds (single-flight), so a dashboard over all services costs one snapshot per
 * monitor. Every fresh evaluation records the status transitions of services and CIs.
 */

/** The model reads tools as itself, not as a viewer: health is the same for everyone. */

const DEFAULT_RULE: NodeRule = {
  main: { kind: 'worst' },
  extra: [],
  options: { unknownAs: 'UNKNOWN', acknowledgedAsOk: false, maintenance: 'checkmk' },
};

export interface Topology {
  graph: HealthGraph;
  cis: Map<string, ConfigurationItem>;
  /** Parent ids of every node (services and CIs that depend on it). */
  parents: Map<string, string[]>;
  /** CI ids that no CMDB knows but a service names as a child. */
  missingCis: Set<string>;
  correlate: Correlator;
  /** Every CI below a service, through child services too. */
  components(serviceId: string): string[];
  /** Every service whose tree contains the node. */
  servicesAbove(nodeId: string): string[];
}

export interface CiLeaf extends LeafState {
  /** When the worst current alert started; null when there is none. */
  since: Date | null;
  alerts: Alert[];
}

export interface HealthSnapshot {
  at: Date;
  topology: Topology;
  leaves: Map<string, CiLeaf>;
  evaluation: Evaluation;
  status(id: string): Status;
  /** Monitor instances whose snapshot failed in this evaluation. */
  failedMonitors: string[];
}

export interface ServiceModel extends ServiceCatalog {
  readonly definitions: ServiceDefinitions;
  readonly history: HistoryStore;
  topology(): Promise<Topology>;
  snapshot(): Promise<HealthSnapshot>;
  /** When the node entered its current status (from the recorded history). */
  statusSince(id: string): Date | null;
  definition(id: string): ServiceDefinition | undefined;
  /** Closes the history store when the model opened it. */
  close(): Promise<void>;
}

export interface ServiceModelOptions {
  estateDir: string;
  connectors: ConnectorSet;
  settings: { identification: IdentificationRules };
  log: Logger;
  /** Where the history store is opened when none is given (`history.sqlite`); ':memory:' keeps nothing. */
  dataDir?: string;
  history?: HistoryStore;
  /** With several replicas: only the holder records transitions, the others follow the store. */
  lease?: Pick<Lease, 'held'>;
  /** Already loaded definitions (tests); loaded from estateDir/services otherwise. */
  definitions?: ServiceDefinitions;
  /** How long one evaluation is shared. @default 3000 */
  cacheMs?: number;
  /** The clock the model records transitions with. @default wall clock */
  now?: () => Date;
}

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

export function matchesSelector(selector: SelectorDefinition, ci: ConfigurationItem): boolean {
  if (selector.class !== undefined && ci.class !== selector.class) return false;
  if (selector.tag !== undefined && !ci.tags.includes(selector.tag)) return false;
  if (selector.namePattern !== undefined && !selector.namePattern.test(ci.name)) return false;
  if (selector.attribute) {
    for (const [k, v] of Object.entries(selector.attribute)) if (ci.attributes[k] !== v) return false;
  }
  return true;
}

function ciRule(definitions: ServiceDefinitions, ci: ConfigurationItem | undefined, id: string): NodeRule {
  const byId = definitions.nodeRules.find((r) => r.ci === id);
  if (byId) return byId.rule;
  const byClass = ci ? definitions.nodeRules.find((r) => r.class === ci.class) : undefined;
  return byClass?.rule ?? DEFAULT_RULE;
}

/** Builds the health graph; exported for tests and benchmarks. */
export function buildTopology(
  definitions: ServiceDefinitions,
  cis: ConfigurationItem[],
  relations: Relation[],
  /** How a tool's hint finds its CI among these (mergeCmdbs gives one that knows every source's ids). */
  correlate: Correlator,
  log: Logger,
): Topology {
  const ciById = new Map(cis.map((ci) => [ci.id, ci]));
  const nodes = new Map<string, GraphNode>();
  for (const ci of cis) nodes.set(ci.id, { id: ci.id, kind: 'ci', name: ci.name, rule: ciRule(definitions, ci, ci.id), edges: [] });
  const missingCis = new Set<string>();
  for (const def of definitions.services) {
    for (const child of def.children) {
      if (child.kind === 'ci' && !ciById.has(child.id) && !nodes.has(child.id)) {
        missingCis.add(child.id);
        nodes.set(child.id, { id: child.id, kind: 'ci', name: child.id, rule: ciRule(definitions, undefined, child.id), edges: [] });
      }
    }
  }
  const seenRelation = new Set<string>();
  for (const rel of relations) {
    const key = `${rel.parentId}\u0000${rel.childId}`;
    const parent = nodes.get(rel.parentId);
    if (!parent || !nodes.has(rel.childId) || seenRelation.has(key) || rel.parentId === rel.childId) continue;
    seenRelation.add(key);
    parent.edges.push({ childId: rel.childId, map: { kind: 'identity' }, weight: 1, relation: rel.type });
  }
  for (const def of definitions.services) {
    const edges: Edge[] = [];
    const has = new Set<string>();
    const add = (edge: Edge) => {
      if (has.has(edge.childId)) return;
      has.add(edge.childId);
      edges.push(edge);
    };
    for (const child of def.children) {
      add({ childId: child.id, map: child.map, weight: child.weight, relation: child.kind === 'service' ? 'SERVICE' : 'DEPENDS_ON' });
    }
    // Selectors are re-evaluated on every topology read: CIs join and leave as the CMDB changes.
    for (const selector of def.selectors) {
      for (const ci of cis)
        if (matchesSelector(selector, ci)) add({ childId: ci.id, map: selector.map, weight: selector.weight, relation: 'SELECTOR' });
    }
    nodes.set(def.id, { id: def.id, kind: 'service', name: def.name, rule: def.rule, edges });
  }
  const graph: HealthGraph = { nodes };

  // Service cycles are rejected at start; a CMDB can still hold one. Break it rather than loop.
  for (let guard = 0; guard < nodes.size; guard++) {
    const cycle = findCycle(graph);
    if (!cycle || cycle.length < 2) break;
    const from = cycle[cycle.length - 2] as string;
    const to = cycle[cycle.length - 1] as string;
    log.warn('the CMDB relations form a cycle; ignoring one edge', { cycle: cycle.join(' → '), ignored: `${from} → ${to}` });
    const node = nodes.get(from);
    if (node) node.edges = node.edges.filter((e) => e.childId !== to);
  }

  const parents = new Map<string, string[]>();
  for (const node of nodes.values()) {
    for (const e of node.edges) parents.set(e.childId, [...(parents.get(e.childId) ?? []), node.id]);
  }
  const componentsCache = new Map<string, string[]>();
  const components = (serviceId: string): string[] => {
    const cached = componentsCache.get(serviceId);
    if (cached) return cached;
    const out: string[] = [];
    const seen = new Set<string>([serviceId]);
    const stack = [...(nodes.get(serviceId)?.edges ?? [])].map((e) => e.childId).reverse();
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = nodes.get(id);
      if (node?.kind === 'ci') out.push(id);
      for (const e of [...(node?.edges ?? [])].reverse()) if (!seen.has(e.childId)) stack.push(e.childId);
    }
    componentsCache.set(serviceId, out);
    return out;
  };
  const servicesAbove = (nodeId: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [...(parents.get(nodeId) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (nodes.get(id)?.kind === 'service') out.push(id);
      stack.push(...(parents.get(id) ?? []));
    }
    return out;
  };
  return { graph, cis: ciById, parents, missingCis, correlate, components, servicesAbove };
}

interface MonitorReading {
  name: string;
  snapshot: MonitorSnapshot | null;
  /** The last good snapshot, used only to know which CIs a failed monitor watched. */
  lastGood: MonitorSnapshot | null;
}

function earliest(times: number[]): Date | null {
  const valid = times.filter(Number.isFinite);
  return valid.length > 0 ? new Date(Math.min(...valid)) : null;
}

/** CI leaf states from the monitors' readings. A CI is never OK unless a working monitor says so. */
export function buildLeaves(topology: Topology, readings: MonitorReading[]): Map<string, CiLeaf> {
  const alertsByCi = new Map<string, Alert[]>();
  const watchedBy = new Map<string, Set<string>>();
  const lostBy = new Map<string, Set<string>>();
  const staleFrom = new Map<string, Set<string>>();
  const mark = (map: Map<string, Set<string>>, ci: string | null, monitor: string) => {
    if (ci === null) return;
    let set = map.get(ci);
    if (!set) map.set(ci, (set = new Set()));
    set.add(monitor);
  };
  for (const r of readings) {
    if (r.snapshot) {
      // A stale snapshot (the monitor failed, its cache answered) keeps its alerts as the last known
      // problems, but cannot vouch that a CI without alerts is OK now: those become UNKNOWN.
      for (const hint of r.snapshot.watched) mark(r.snapshot.stale ? lostBy : watchedBy, topology.correlate(hint), r.name);
      for (const alert of r.snapshot.alerts) {
        const ci = topology.correlate(alert.ci);
        if (ci === null) continue; // unmapped: the monitoring subgraph lists it; it cannot roll up
        if (r.snapshot.stale) mark(staleFrom, ci, r.name);
        else mark(watchedBy, ci, r.name);
        alertsByCi.set(ci, [...(alertsByCi.get(ci) ?? []), alert]);
      }
    } else if (r.lastGood) {
      for (const hint of r.lastGood.watched) mark(lostBy, topology.correlate(hint), r.name);
      for (const alert of r.lastGood.alerts) mark(lostBy, topology.correlate(alert.ci), r.name);
    }
  }
  const leaves = new Map<string, CiLeaf>();
  for (const node of topology.graph.nodes.values()) {
    if (node.kind !== 'ci') continue;
    const id = node.id;
    if (topology.missingCis.has(id)) {
      leaves.set(id, {
        status: 'UNKNOWN',
        acknowledged: false,
        inMaintenance: false,
        reason: 'not found in any CMDB',
        since: null,
        alerts: [],
      });
      continue;
    }
    const alerts = alertsByCi.get(id) ?? [];
    const lost = lostBy.get(id);
    const stale = staleFrom.get(id);
    const staleNote = stale ? ` (last known state: ${[...stale].join(', ')} unreachable)` : '';
    if (alerts.length > 0) {
      const worst = alerts.reduce((a, b) => (rank(b.severity) > rank(a.severity) ? b : a));
      const atWorst = alerts.filter((a) => a.severity === worst.severity);
      const more = alerts.length > 1 ? ` and ${alerts.length - 1} more` : '';
      leaves.set(id, {
        status: worst.severity,
        acknowledged: alerts.every((a) => a.acknowledged),
        inMaintenance: alerts.every((a) => a.inMaintenance),
        reason: `${worst.severity} alert "${worst.summary}" from ${worst.connector}${more}${staleNote}`,
        since: earliest(atWorst.map((a) => Date.parse(a.startsAt))),
        alerts,
      });
    } else if (lost) {
      leaves.set(id, {
        status: 'UNKNOWN',
        acknowledged: false,
        inMaintenance: false,
        reason: [...lost].map((m) => `monitor ${m} unavailable`).join(', '),
        since: null,
        alerts: [],
      });
    } else if (watchedBy.has(id)) {
      leaves.set(id, {
        status: 'OK',
        acknowledged: false,
        inMaintenance: false,
        reason: `no alerts from ${[...(watchedBy.get(id) ?? [])].join(', ')}${staleNote}`,
        since: null,
        alerts: [],
      });
    } else if (node.edges.length === 0) {
      // A CI with children takes its status from them; one without children and without a monitor is unknown.
      leaves.set(id, {
        status: 'UNKNOWN',
        acknowledged: false,
        inMaintenance: false,
        reason: 'no monitor watches it',
        since: null,
        alerts: [],
      });
    }
  }
  return leaves;
}

export function createServiceModel(options: ServiceModelOptions): ServiceModel {
  const { connectors, settings, log } = options;
  // Validated first: a bad estate stops the start before anything is opened.
  const definitions = options.definitions ?? loadServiceDefinitions(options.estateDir);
  const ownsHistory = !options.history;
  const history = options.history ?? createSqliteHistory(options.dataDir ?? ':memory:');
  const recorder = createTransitionRecorder(history, options.lease ? { lease: options.lease } : {});
  const cacheMs = options.cacheMs ?? 3000;
  const clock = options.now ?? (() => new Date());
  const lastGoodMonitor = new Map<string, MonitorSnapshot>();
  const lastGoodCmdb = new Map<string, { cis: ConfigurationItem[]; relations: Relation[] }>();

  /** Concurrent callers share the evaluation in flight; a finished one is reused for cacheMs. */
  const singleFlight = <T>(build: () => Promise<T>) => createSingleFlight(build, cacheMs);

  const topology = singleFlight(async () => {
    await Promise.all(
      connectors.cmdb.map(async (instance) => {
        try {
          const api = instance.forRequest(SYSTEM_AUTH);
          const [cis, relations] = await Promise.all([api.listCis(), api.listRelations()]);
          lastGoodCmdb.set(instance.name, { cis, relations });
        } catch (error) {
          log.warn('cmdb unavailable; using its last topology', { connector: instance.name, error: String(error) });
        }
      }),
    );
    // Config order is priority order; with several CMDBs the same thing known to two is merged into
    // one CI, as the cmdb subgraph does, so both subgraphs speak of the same ids.
    const sources = connectors.cmdb.flatMap((instance) => {
      const data = lastGoodCmdb.get(instance.name);
      return data ? [{ connector: instance.name, ...data }] : [];
    });
    const merged = mergeCmdbs(sources, settings.identification);
    return buildTopology(definitions, merged.cis, merged.relations, merged.correlate, log);
  });

  const snapshot = singleFlight(async (): Promise<HealthSnapshot> => {
    const topo = await topology();
    const failedMonitors: string[] = [];
    const readings = await Promise.all(
      connectors.monitor.map(async (instance): Promise<MonitorReading> => {
        try {
          const snap = await instance.forRequest(SYSTEM_AUTH).snapshot();
          lastGoodMonitor.set(instance.name, snap);
          return { name: instance.name, snapshot: snap, lastGood: snap };
        } catch (error) {
          failedMonitors.push(instance.name);
          log.warn('monitor unavailable; its CIs are UNKNOWN', { connector: instance.name, error: String(error) });
          return { name: instance.name, snapshot: null, lastGood: lastGoodMonitor.get(instance.name) ?? null };
        }
      }),
    );
    const leaves = buildLeaves(topo, readings);
    const evaluation = evaluate(topo.graph, leaves);
    const status = (id: string): Status => evaluation.result(id)?.status ?? 'UNKNOWN';
    const at = clock();
    const statuses = new Map<string, Status>();
    for (const id of topo.graph.nodes.keys()) statuses.set(id, status(id));
    const problemSince = (id: string): Date | null => {
      const own = leaves.get(id)?.since ?? null;
      if (own) return own;
      const starts = evaluation
        .rootCauses(id)
        .map((c) => leaves.get(c.ciId)?.since?.getTime())
        .filter((t): t is number => t !== undefined && Number.isFinite(t));
      return starts.length > 0 ? new Date(Math.min(...starts)) : null;
    };
    try {
      await recorder.observe(statuses, at, problemSince);
    } catch (error) {
      // History is best effort: the current status is still worth answering with.
      log.error('recording status transitions failed', { error: String(error) });
    }
    return { at, topology: topo, leaves, evaluation, status, failedMonitors };
  });

  const serviceInfos: ServiceInfo[] = definitions.services.map((d) => ({
    id: d.id,
    name: d.name,
    owner: d.owner,
    consumers: d.consumers,
    tags: d.tags,
    childServiceIds: d.children.filter((c) => c.kind === 'service').map((c) => c.id),
  }));

  return {
    definitions,
    history,
    topology,
    snapshot,
    statusSince: (id) => recorder.since(id),
    definition: (id) => definitions.byId.get(id),
    services: async () => serviceInfos,
    componentIds: async (serviceId) => (definitions.byId.has(serviceId) ? (await topology()).components(serviceId) : []),
    servicesForCi: async (ciId) => (await topology()).servicesAbove(ciId),
    close: async () => {
      if (ownsHistory) await history.close();
    },
  };
}
