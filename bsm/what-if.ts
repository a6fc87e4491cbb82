import { ERRORS } from '../kernel/errors.js';
import type { Status } from '../kernel/model.js';
import { conditionOf, isProblemNow } from './condition.js';
import { evaluate } from './engine/evaluate.js';
import type { Evaluation, HealthGraph, LeafState, RootCause } from './engine/types.js';
import type { NodeState } from './history.js';
import type { HealthSnapshot, ServiceModel } from './model.js';
import { revenueShare, serviceImpact, serviceSla, type ServiceImpactReport } from './service-report.js';
import type { SlaReport } from './sla.js';

/**
 * What-if: the health model over hypothetical states, side by side with now (OpenNMS's and
 * Checkmk's simulation mode). Pure engine work over copies: the snapshot's leaves and graph are
 * copied, the hypotheses applied, the copy evaluated; nothing is recorded and no tool is asked (the
 * SLA numbers read the recorded history, never write it).
 *
 * - A hypothesis sets a node (a CI or a service) to a status: the node's own state becomes that
 *   status and its children stop counting for it, so "payroll OK" means payroll OK whatever is below.
 * - `maintenance: true` puts the node in planned maintenance: its state is the status given
 *   (CRITICAL when none: the thing is taken down) marked in maintenance, and the engine's maintenance
 *   rule decides, per service, whether maintenance explains what fails above it.
 * - The window (`from` to `to`, default the next hour) dates the calendar (payday during the window
 *   weighs as it would then) and bounds the SLA question: an SLA "would breach" when the service is
 *   down then (maintenance does not count, as in the SLA) and its time to breach is within the window.
 * - A planned window's business impact is what it takes out of service, maintenance or not: the
 *   revenue and user-hours of every service that is down or degraded then, over the window's hours.
 *   The SLA and the cost of downtime exclude planned maintenance; the planner still wants its price.
 */

export interface Hypothesis {
  id: string;
  /** @default CRITICAL with maintenance, else required */
  status?: Status | undefined;
  maintenance?: boolean | undefined;
}

export interface WhatIfWindow {
  from: Date;
  to: Date;
}

export interface ScenarioState extends NodeState {
  impact: ServiceImpactReport;
  sla: SlaReport | null;
}

export interface ServiceWhatIf {
  serviceId: string;
  now: ScenarioState;
  then: ScenarioState;
  /** The status or maintenance differs from now. */
  changed: boolean;
  /** Root causes in the hypothetical world. */
  rootCauses: RootCause[];
  /** Down then (not in maintenance) and its SLA breaks within the window. */
  slaBreach: boolean;
  /** Revenue the window takes out of service (share of revenue/h then, maintenance or not, × hours). */
  windowRevenue: number;
  /** User-hours the window takes out of service (its users when down or degraded then, × hours). */
  windowUserHours: number;
  /** windowRevenue + windowUserHours × the service's cost per user-hour. */
  windowCost: number;
}

export interface WhatIfReport {
  window: WhatIfWindow;
  evaluation: Evaluation;
  /** Services above a hypothesised node or whose state changes, in definition order. */
  services: ServiceWhatIf[];
}

export interface WhatIfOptions {
  window: WhatIfWindow;
  /** Only these services are reported (the viewer's scope). */
  visible: (serviceId: string) => boolean;
}

/** The hypotheses checked against the snapshot: every id known, a status or maintenance on each, each id once. */
function checkHypotheses(snap: HealthSnapshot, hypotheses: readonly Hypothesis[]): Map<string, LeafState> {
  if (hypotheses.length === 0) throw ERRORS.BAD_USER_INPUT.err('give at least one change');
  const states = new Map<string, LeafState>();
  for (const h of hypotheses) {
    if (!snap.topology.graph.nodes.has(h.id)) throw ERRORS.NOT_FOUND.err(`no service or CI "${h.id}"`);
    if (states.has(h.id)) throw ERRORS.BAD_USER_INPUT.err(`"${h.id}" is changed twice`);
    if (!h.status && !h.maintenance) throw ERRORS.BAD_USER_INPUT.err(`"${h.id}": give a status, maintenance or both`);
    const status = h.status ?? 'CRITICAL';
    states.set(h.id, {
      status,
      acknowledged: false,
      inMaintenance: h.maintenance ?? false,
      reason: `what-if: set to ${status}${h.maintenance ? ' in planned maintenance' : ''}`,
      since: null,
    });
  }
  return states;
}

/** A copy of the graph where each hypothesised node stands on its own state alone. */
function hypotheticalGraph(graph: HealthGraph, fixed: ReadonlySet<string>): HealthGraph {
  const nodes = new Map(graph.nodes);
  for (const id of fixed) {
    const node = graph.nodes.get(id);
    if (node) nodes.set(id, { ...node, edges: [] });
  }
  return { nodes };
}

export async function whatIf(
  model: ServiceModel,
  snap: HealthSnapshot,
  hypotheses: readonly Hypothesis[],
  options: WhatIfOptions,
): Promise<WhatIfReport> {
  const { window } = options;
  if (!(window.to > window.from)) throw ERRORS.BAD_USER_INPUT.err('to must be after from');
  const changes = checkHypotheses(snap, hypotheses);
  const leaves = new Map<string, LeafState>(snap.leaves);
  for (const [id, leaf] of changes) leaves.set(id, leaf);
  const evaluation = evaluate(hypotheticalGraph(snap.topology.graph, new Set(changes.keys())), leaves);
  const stateThen = (id: string): NodeState => {
    const r = evaluation.result(id);
    return { status: r?.status ?? 'UNKNOWN', inMaintenance: r?.inMaintenance ?? false };
  };

  const above = new Set<string>();
  for (const id of changes.keys()) {
    if (model.definitions.byId.has(id)) above.add(id);
    for (const s of snap.topology.servicesAbove(id)) above.add(s);
  }
  const hours = (window.to.getTime() - window.from.getTime()) / 3_600_000;
  const services: ServiceWhatIf[] = [];
  for (const def of model.definitions.services) {
    if (!options.visible(def.id)) continue;
    const nowState = snap.state(def.id);
    const thenState = stateThen(def.id);
    const changed = nowState.status !== thenState.status || nowState.inMaintenance !== thenState.inMaintenance;
    if (!changed && !above.has(def.id)) continue;
    const [slaNow, slaThen] = await Promise.all([serviceSla(model, def, nowState, snap.at), serviceSla(model, def, thenState, snap.at)]);
    const ttb = slaThen?.timeToBreachSeconds ?? null;
    // What the window takes out of service: its status then, whether maintenance explains it or not.
    const outOfService = { status: thenState.status, inMaintenance: false };
    const windowRevenue = def.impact.revenuePerHour * revenueShare(outOfService) * hours;
    const windowUserHours = isProblemNow(outOfService) ? def.impact.users * hours : 0;
    services.push({
      serviceId: def.id,
      now: { ...nowState, impact: serviceImpact(def, nowState, snap.at, slaNow), sla: slaNow },
      then: { ...thenState, impact: serviceImpact(def, thenState, window.from, slaThen), sla: slaThen },
      changed,
      rootCauses: evaluation.rootCauses(def.id),
      slaBreach: conditionOf(thenState) === 'down' && ttb !== null && ttb <= hours * 3600,
      windowRevenue,
      windowUserHours,
      windowCost: windowRevenue + windowUserHours * def.impact.costPerUserHour,
    });
  }
  return { window, evaluation, services };
}
