import type { MonitorApi, ConnectorInstance } from '../connectors/core/connector.js';
import type { Logger } from '../kernel/log.js';
import { observe, secondsSince } from '../kernel/metrics.js';
import { SEVERITY_ORDER, type Alert, type MonitorSnapshot, type Severity, type Status } from '../kernel/model.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import { createSingleFlight } from '../kernel/single-flight.js';
import type { ServiceDefinition, ServiceDefinitions } from './definitions.js';
import type { ServiceDirectory } from './directory.js';
import { evaluate } from './engine/evaluate.js';
import type { Evaluation, LeafState } from './engine/types.js';
import { createTransitionRecorder, type HistoryStore } from './history.js';
import type { Lease } from '../kernel/lease.js';
import type { ServiceTopology } from './service-topology.js';

/**
 * The service model: the directory's health graph (service definitions over the merged CMDB);
 * monitor snapshots make the CIs' leaf states; the engine rolls them up. One evaluation is shared by
 * every request for a few seconds (single-flight), so a dashboard over all services costs one
 * snapshot per monitor. Every fresh evaluation records the status transitions of services and CIs.
 * The model reads tools as itself, not as a viewer: health is the same for everyone.
 */

export interface CiLeaf extends LeafState {
  /** When the worst current alert started; null when there is none. */
  since: Date | null;
  alerts: Alert[];
}

export interface HealthSnapshot {
  at: Date;
  topology: ServiceTopology;
  leaves: Map<string, CiLeaf>;
  evaluation: Evaluation;
  status(id: string): Status;
  /** Monitor instances whose snapshot failed in this evaluation. */
  failedMonitors: string[];
}

export interface ServiceModel {
  readonly directory: ServiceDirectory;
  readonly definitions: ServiceDefinitions;
  readonly history: HistoryStore;
  snapshot(): Promise<HealthSnapshot>;
  /** When the node entered its current status (from the recorded history). */
  statusSince(id: string): Date | null;
  definition(id: string): ServiceDefinition | undefined;
}

export interface ServiceModelOptions {
  directory: ServiceDirectory;
  monitors: ConnectorInstance<MonitorApi>[];
  /** Where transitions are recorded; the caller opens and closes it. */
  history: HistoryStore;
  log: Logger;
  /** With several replicas: only the holder records transitions, the others follow the store. */
  lease?: Pick<Lease, 'held'>;
  /** How long one evaluation is shared. @default 3000 */
  cacheMs?: number;
  /** The clock the model records transitions and shares evaluations with. @default wall clock */
  now?: () => Date;
}

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

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
export function buildLeaves(topology: ServiceTopology, readings: MonitorReading[]): Map<string, CiLeaf> {
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
    const missing = topology.missingCis.get(id);
    if (missing) {
      leaves.set(id, {
        status: 'UNKNOWN',
        acknowledged: false,
        inMaintenance: false,
        reason: missing,
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
  const { directory, monitors, history, log } = options;
  const recorder = createTransitionRecorder(history, options.lease ? { lease: options.lease } : {});
  const cacheMs = options.cacheMs ?? 3000;
  const clock = options.now ?? (() => new Date());
  const lastGoodMonitor = new Map<string, MonitorSnapshot>();

  /** Concurrent callers share the evaluation in flight; a finished one is reused for cacheMs. */
  const singleFlight = <T>(build: () => Promise<T>) => createSingleFlight(build, cacheMs, () => clock().getTime());

  const snapshot = singleFlight(async (): Promise<HealthSnapshot> => {
    const startedAt = performance.now();
    const topo = await directory.topology();
    const failedMonitors: string[] = [];
    const readings = await Promise.all(
      monitors.map(async (instance): Promise<MonitorReading> => {
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
    try {
      // A node first seen failing is dated by its rule: worstIfAll failed with its last child, worst with its first.
      await recorder.observe(statuses, at, (id) => evaluation.since(id));
    } catch (error) {
      // History is best effort: the current status is still worth answering with.
      log.error('recording status transitions failed', { error: String(error) });
    }
    observe.healthEvaluation(secondsSince(startedAt));
    return { at, topology: topo, leaves, evaluation, status, failedMonitors };
  });

  return {
    directory,
    definitions: directory.definitions,
    history,
    snapshot,
    statusSince: (id) => recorder.since(id),
    definition: (id) => directory.definition(id),
  };
}
