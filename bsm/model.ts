import type { GraphQLError } from 'graphql';
import type { MonitorApi, ConnectorInstance } from '../connectors/core/connector.js';
import { connectorError, ERRORS } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { observe, secondsSince } from '../kernel/metrics.js';
import { SEVERITY_ORDER, type Alert, type MonitorSnapshot, type Severity, type Status } from '../kernel/model.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import { beforeDeadline, currentDeadline, runWithDeadline } from '../kernel/request-context.js';
import { createSingleFlight } from '../kernel/single-flight.js';
import type { ServiceDefinition, ServiceDefinitions } from './definitions.js';
import type { ServiceDirectory } from './directory.js';
import { evaluate } from './engine/evaluate.js';
import type { Evaluation, LeafState } from './engine/types.js';
import { createTransitionRecorder, type HistoryStore, type NodeState, type Transition } from './history.js';
import type { Lease } from '../kernel/lease.js';
import type { ServiceTopology } from './service-topology.js';

/**
 * The service model: the directory's health graph (service definitions over the merged CMDB);
 * monitor snapshots make the CIs' leaf states; the engine rolls them up.
 *
 * The connectors' caches are the only caches of what the tools say: every snapshot reads each
 * monitor through its connector (a cache hit within its TTL, stale-if-error past it), so the first
 * failed read shows at once and no copy outlives the connector's own stale window. The engine's
 * work is what is shared: an evaluation is reused while no CI's state changed, updated
 * incrementally when some did, and concurrent callers share the one in flight. Every change is
 * recorded as a transition of the services and CIs it moved. The model reads tools as itself, not
 * as a viewer: health is the same for everyone.
 */

export interface CiLeaf extends LeafState {
  /** When the worst current alert started; null when there is none. */
  since: Date | null;
  alerts: Alert[];
  /** When the oldest monitor answer this state stands on was given; null when no answer concerns the CI. */
  asOf: Date | null;
  /** Part of what this state stands on could not be read now: a monitor served its last known state, or failed. */
  stale: boolean;
  /** When its maintenance ends, as the tools say (the soonest of its alerts'); null when not in maintenance or not said. */
  maintenanceUntil: Date | null;
}

/** How fresh a status is: `asOf` the oldest monitor answer it stands on, `stale` when part of it is not from now. */
export interface Freshness {
  asOf: Date | null;
  stale: boolean;
}

export interface HealthSnapshot {
  at: Date;
  topology: ServiceTopology;
  leaves: Map<string, CiLeaf>;
  evaluation: Evaluation;
  status(id: string): Status;
  /** The status and whether planned maintenance explains it (what the history records, condition.ts reads). */
  state(id: string): NodeState;
  /** A CI's from the monitor answers about it; a service's from every CI below it. */
  freshness(id: string): Freshness;
  /**
   * Null unless the node is in planned maintenance (the engine's maintenance rule: a failure that
   * maintenance explains); then when it ends: the soonest end announced below it, null when none is.
   */
  maintenance(id: string): { until: Date | null } | null;
  /** One coded error per monitor that failed or answered from its last known state, naming it. */
  monitorErrors: GraphQLError[];
}

export interface ServiceModel {
  readonly directory: ServiceDirectory;
  readonly definitions: ServiceDefinitions;
  readonly history: HistoryStore;
  snapshot(): Promise<HealthSnapshot>;
  /** When the node entered its current state (from the recorded history). */
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
  /**
   * How long one evaluation waits for the tools (a request's own deadline counts when sooner): a
   * monitor slower than this is read from its connector's last good answer, marked stale, or counts
   * as failed. @default 2500
   */
  deadlineMs?: number;
  /** The clock the model records transitions with. @default wall clock */
  now?: () => Date;
  /**
   * Called with the transitions this process wrote: only the lease holder writes, and the store's
   * compare-and-set writes each once, so what listens here (notifications) fires once across replicas.
   */
  onRecorded?: (written: readonly Transition[]) => void;
  /**
   * Called after each evaluation this process makes while it holds the lease, for what reads the
   * health and the clock rather than a transition (an SLA at risk, a KPI out of its band): it too
   * runs on one replica only.
   */
  onEvaluated?: (snapshot: HealthSnapshot) => void;
}

/** What the connectors get of the deadline: the model keeps this much to take their last good answer. */
const ANSWER_MARGIN_MS = 200;
/** How often the recorder looks when nothing changed (a follower reloads what the lease holder wrote). */
const FOLLOW_MS = 3000;

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

interface MonitorReading {
  name: string;
  /** Null when the monitor failed and its connector had nothing to serve. */
  snapshot: MonitorSnapshot | null;
}

function earliest(times: number[]): Date | null {
  const valid = times.filter(Number.isFinite);
  return valid.length > 0 ? new Date(Math.min(...valid)) : null;
}

/** Per CI: the monitors that vouch for it, the reasons others cannot, and how fresh their answers are. */
interface CiReadings {
  alerts: Alert[];
  vouchedBy: Set<string>;
  /** Why a monitor that watches it cannot vouch for it now (a doubt, or its snapshot is stale). */
  doubts: Set<string>;
  /** Monitors whose alerts here are their last known state. */
  staleFrom: Set<string>;
  asOf: number;
  stale: boolean;
}

/**
 * CI leaf states from the monitors' readings. A CI is never OK unless a working monitor vouches for
 * it: a watched CI the monitor doubts, or one from a stale snapshot, is UNKNOWN without alerts, and
 * that beats another monitor's OK; its alerts still count.
 */
export function buildLeaves(topology: ServiceTopology, readings: MonitorReading[]): Map<string, CiLeaf> {
  const byCi = new Map<string, CiReadings>();
  const of = (ci: string, snap: MonitorSnapshot): CiReadings => {
    let found = byCi.get(ci);
    if (!found) {
      found = { alerts: [], vouchedBy: new Set(), doubts: new Set(), staleFrom: new Set(), asOf: Infinity, stale: false };
      byCi.set(ci, found);
    }
    found.asOf = Math.min(found.asOf, Date.parse(snap.asOf));
    found.stale ||= snap.stale;
    return found;
  };
  for (const { name, snapshot: snap } of readings) {
    if (!snap) continue;
    for (const hint of snap.watched) {
      const ci = topology.correlate(hint);
      if (ci === null) continue;
      const at = of(ci, snap);
      if (hint.doubt) at.doubts.add(hint.doubt);
      else if (snap.stale) at.doubts.add(`monitor ${name} unavailable`);
      else at.vouchedBy.add(name);
    }
    for (const alert of snap.alerts) {
      const ci = topology.correlate(alert.ci);
      if (ci === null) continue; // unmapped: the monitoring subgraph lists it; it cannot roll up
      const at = of(ci, snap);
      at.alerts.push(alert);
      if (snap.stale) at.staleFrom.add(name);
    }
  }
  const configured = readings.length > 0;
  const failed = readings.filter((r) => !r.snapshot).map((r) => r.name);
  const unwatched = !configured
    ? 'no monitor is configured'
    : failed.length > 0
      ? `not watched by any monitor that answered (${failed.map((m) => `monitor ${m} unavailable`).join(', ')})`
      : 'no monitor watches it';
  const leaves = new Map<string, CiLeaf>();
  const unknown = (reason: string, freshness: Freshness): CiLeaf => ({
    status: 'UNKNOWN',
    acknowledged: false,
    inMaintenance: false,
    reason,
    since: null,
    alerts: [],
    maintenanceUntil: null,
    ...freshness,
  });
  for (const node of topology.graph.nodes.values()) {
    if (node.kind !== 'ci') continue;
    const id = node.id;
    const missing = topology.missingCis.get(id);
    if (missing) {
      leaves.set(id, unknown(missing, { asOf: null, stale: false }));
      continue;
    }
    const read = byCi.get(id);
    // Unread, a CI may be one a failed monitor watched: what it stands on is not from now.
    const freshness: Freshness = read ? { asOf: new Date(read.asOf), stale: read.stale } : { asOf: null, stale: failed.length > 0 };
    const alerts = read?.alerts ?? [];
    if (alerts.length > 0) {
      const worst = alerts.reduce((a, b) => (rank(b.severity) > rank(a.severity) ? b : a));
      const atWorst = alerts.filter((a) => a.severity === worst.severity);
      const more = alerts.length > 1 ? ` and ${alerts.length - 1} more` : '';
      const staleNote = read?.staleFrom.size ? ` (last known state: ${[...read.staleFrom].join(', ')} unreachable)` : '';
      const inMaintenance = alerts.every((a) => a.inMaintenance);
      leaves.set(id, {
        status: worst.severity,
        acknowledged: alerts.every((a) => a.acknowledged),
        inMaintenance,
        reason: `${worst.severity} alert "${worst.summary}" from ${worst.connector}${more}${staleNote}`,
        since: earliest(atWorst.map((a) => Date.parse(a.startsAt))),
        alerts,
        maintenanceUntil: inMaintenance ? earliest(alerts.map((a) => (a.maintenanceUntil ? Date.parse(a.maintenanceUntil) : NaN))) : null,
        ...freshness,
      });
    } else if (read?.doubts.size) {
      leaves.set(id, unknown([...read.doubts].join('; '), freshness));
    } else if (read?.vouchedBy.size) {
      leaves.set(id, {
        status: 'OK',
        acknowledged: false,
        inMaintenance: false,
        reason: `no alerts from ${[...read.vouchedBy].join(', ')}`,
        since: null,
        alerts: [],
        maintenanceUntil: null,
        ...freshness,
      });
    } else if (node.edges.length === 0) {
      // A CI with children takes its status from them; one without children and without a monitor is unknown.
      leaves.set(id, unknown(unwatched, freshness));
    }
  }
  return leaves;
}

/** What the engine reads of a leaf: an evaluation stays valid while this is the same for every CI. */
const engineKey = (leaf: LeafState) =>
  `${leaf.status}\u0000${leaf.acknowledged}\u0000${leaf.inMaintenance}\u0000${leaf.since?.getTime()}\u0000${leaf.reason}`;

interface Evaluated {
  topology: ServiceTopology;
  keys: Map<string, string>;
  evaluation: Evaluation;
}

/** The evaluation of these leaves: the previous one when no CI changed, else updated (or built anew on a new topology). */
function evaluationFor(previous: Evaluated | null, topology: ServiceTopology, leaves: Map<string, CiLeaf>): Evaluated {
  const keys = new Map([...leaves].map(([id, leaf]) => [id, engineKey(leaf)]));
  if (previous?.topology === topology && [...previous.keys.keys()].every((id) => keys.has(id))) {
    const changes = new Map<string, LeafState>();
    for (const [id, key] of keys) if (previous.keys.get(id) !== key) changes.set(id, leaves.get(id) as CiLeaf);
    if (changes.size === 0) return previous;
    return { topology, keys, evaluation: previous.evaluation.update(changes) };
  }
  return { topology, keys, evaluation: evaluate(topology.graph, leaves) };
}

export function createServiceModel(options: ServiceModelOptions): ServiceModel {
  const { directory, monitors, history, log } = options;
  const recorder = createTransitionRecorder(history, options.lease ? { lease: options.lease } : {});
  const deadlineMs = options.deadlineMs ?? 2500;
  const clock = options.now ?? (() => new Date());
  const handles = monitors.map((instance) => ({ name: instance.name, api: instance.forRequest(SYSTEM_AUTH) }));
  let last: Evaluated | null = null;
  let lastObserved: number | null = null;

  /**
   * Each monitor within the deadline: its connector gets all but a margin of it (so an aborted read
   * still ends in the connector's last good answer), and a connector that does not answer by the
   * deadline at all counts as failed.
   */
  const readMonitors = (): Promise<{ readings: MonitorReading[]; errors: GraphQLError[] }> =>
    runWithDeadline(deadlineMs, async () => {
      const deadline = currentDeadline();
      const errors: GraphQLError[] = [];
      const readings = await Promise.all(
        handles.map(async ({ name, api }): Promise<MonitorReading> => {
          try {
            const margin = (deadline?.at ?? Date.now() + deadlineMs) - Date.now() - ANSWER_MARGIN_MS;
            const read = runWithDeadline(Math.max(0, margin), () => api.snapshot());
            const snapshot = await beforeDeadline(deadline, read, () =>
              ERRORS.UPSTREAM_UNAVAILABLE.err(`${name} did not answer within the deadline`, { extensions: { connector: name } }),
            );
            if (snapshot.stale) {
              const message = `${name} answered in part or from its last known state (as of ${snapshot.asOf}): what it cannot vouch for now is UNKNOWN`;
              errors.push(ERRORS.UPSTREAM_UNAVAILABLE.err(message, { extensions: { connector: name } }));
            }
            return { name, snapshot };
          } catch (error) {
            const coded = connectorError(name, error, log);
            log.warn('monitor unavailable; what only it watches is UNKNOWN', { connector: name, error: coded.message });
            errors.push(coded);
            return { name, snapshot: null };
          }
        }),
      );
      return { readings, errors };
    });

  const snapshot = createSingleFlight(async (): Promise<HealthSnapshot> => {
    const startedAt = performance.now();
    const [topo, { readings, errors }] = await Promise.all([directory.topology(), readMonitors()]);
    const leaves = buildLeaves(topo, readings);
    const evaluated = evaluationFor(last, topo, leaves);
    const changed = evaluated !== last;
    last = evaluated;
    const { evaluation } = evaluated;
    const status = (id: string): Status => evaluation.result(id)?.status ?? 'UNKNOWN';
    const inMaintenance = (id: string) => evaluation.result(id)?.inMaintenance ?? false;
    const state = (id: string): NodeState => ({ status: status(id), inMaintenance: inMaintenance(id) });
    const at = clock();
    // A change is recorded at once; without one the recorder still looks every few seconds, so a
    // replica that does not hold the lease follows what the holder recorded.
    if (changed || lastObserved === null || at.getTime() - lastObserved >= FOLLOW_MS) {
      lastObserved = at.getTime();
      const states = new Map<string, NodeState>();
      for (const id of topo.graph.nodes.keys()) states.set(id, state(id));
      try {
        // A node first seen failing is dated by its rule: worstIfAll failed with its last child, worst with its first.
        const written = await recorder.observe(states, at, (id) => evaluation.since(id));
        if (written.length > 0) options.onRecorded?.(written);
      } catch (error) {
        // History is best effort: the current status is still worth answering with.
        log.error('recording status transitions failed', { error: String(error) });
      }
    }
    // A node's own leaf and every CI below it: what its status stands on.
    const below = (id: string): CiLeaf[] => [id, ...topo.components(id)].flatMap((ci) => leaves.get(ci) ?? []);
    const freshness = (id: string): Freshness => {
      const all = below(id);
      return {
        asOf: earliest(all.map((l) => l.asOf?.getTime() ?? NaN)),
        stale: all.some((l) => l.stale),
      };
    };
    const maintenance = (id: string) =>
      inMaintenance(id)
        ? { until: earliest(below(id).map((l) => (l.inMaintenance && l.maintenanceUntil ? l.maintenanceUntil.getTime() : NaN))) }
        : null;
    observe.healthEvaluation(secondsSince(startedAt));
    const health: HealthSnapshot = { at, topology: topo, leaves, evaluation, status, state, freshness, maintenance, monitorErrors: errors };
    if (options.lease?.held() ?? true) options.onEvaluated?.(health);
    return health;
  }, 0);

  return {
    directory,
    definitions: directory.definitions,
    history,
    snapshot,
    statusSince: (id) => recorder.since(id),
    definition: (id) => directory.definition(id),
  };
}
