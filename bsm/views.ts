import type { HelpdeskApi, MonitorApi } from '../connectors/core/connector.js';
import type { Logger } from '../kernel/log.js';
import type { Incident, Status } from '../kernel/model.js';
import { type Condition, conditionOf } from './condition.js';
import type { KpiDefinition } from './definitions.js';
import type { NodeState } from './history.js';
import type { HealthSnapshot } from './model.js';
import { clockText, DAY_MS } from '../kernel/time.js';

/**
 * Views of the same health for different people: plain-words status for end users ("my services"),
 * open incidents on a service, and business KPIs read through the monitors' query languages.
 */

const WORDS: Record<Condition, string> = {
  up: 'working normally',
  degraded: 'degraded',
  down: 'down',
  maintenance: 'in planned maintenance',
  unknown: 'status unknown',
};

export function statusWords(state: NodeState): string {
  return WORDS[conditionOf(state)];
}

/** Whether people are told of the open incident: not while it works, nor during planned maintenance. */
export function mentionsIncident(state: NodeState): boolean {
  const condition = conditionOf(state);
  return condition !== 'up' && condition !== 'maintenance';
}

export interface SentenceFacts {
  state: NodeState;
  /** When it entered its current state. */
  since: Date | null;
  incidentNumber: string | null;
  /** In planned maintenance: when it ends, if the tools said. */
  maintenanceUntil: Date | null;
  /** An end later than a day from now gets its date. */
  now: Date;
}

/** "10:30", or "2026-11-28 06:00" when it is not within the next day (UTC either way). */
function whenText(instant: Date, now: Date): string {
  const soon = instant.getTime() - now.getTime() < DAY_MS;
  return soon ? clockText(instant) : `${instant.toISOString().slice(0, 10)} ${clockText(instant)}`;
}

/**
 * "Payroll: down since 09:12, we are working on it, incident INC0010001." (times in UTC).
 * In planned maintenance: "Reporting: in planned maintenance until 10:30." when a tool announced
 * the end, else "… in planned maintenance since 08:53." (no end is invented).
 */
export function serviceSentence(name: string, facts: SentenceFacts): string {
  const { state, since, incidentNumber, now } = facts;
  let text = `${name}: ${statusWords(state)}`;
  const until = facts.maintenanceUntil;
  if (conditionOf(state) === 'maintenance' && until) text += ` until ${whenText(until, now)}`;
  else if (state.status !== 'OK' && since) text += ` since ${clockText(since)}`;
  if (incidentNumber && mentionsIncident(state)) text += `, we are working on it, incident ${incidentNumber}`;
  return `${text}.`;
}

const OPEN_STATES = new Set<Incident['state']>(['NEW', 'IN_PROGRESS', 'ON_HOLD']);

/**
 * The open incident on each service: one on the service itself, else one on a CI that causes its
 * status, else one on any of its CIs (oldest first within each).
 * One listIncidents call per help desk for all the services asked; a help desk that fails only
 * removes the "we are working on it" part.
 */
export async function openIncidentsByService(
  helpdesks: { name: string; api: HelpdeskApi }[],
  serviceIds: readonly string[],
  snap: HealthSnapshot,
  log: Logger,
): Promise<Map<string, Incident>> {
  const components = new Map(serviceIds.map((id) => [id, new Set(snap.topology.components(id))]));
  const ciIds = [...new Set([...components.values()].flatMap((set) => [...set]))];
  const found = await Promise.all(
    helpdesks.map(async ({ name, api }) => {
      try {
        return await api.listIncidents({ serviceIds: [...serviceIds], ciIds, openOnly: true });
      } catch (error) {
        log.warn('help desk unavailable; incidents left out of the status text', { connector: name, error: String(error) });
        return [];
      }
    }),
  );
  const incidents = found
    .flat()
    .filter((i) => OPEN_STATES.has(i.state))
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  const out = new Map<string, Incident>();
  for (const id of serviceIds) {
    // Prefer a ticket on the service itself, then one on a CI that causes its status, then any of its CIs.
    const causes = new Set(snap.evaluation.rootCauses(id).map((c) => c.ciId));
    const ciOf = (incident: Incident) => snap.topology.correlate(incident.ci);
    const found =
      incidents.find((i) => i.serviceId === id) ??
      incidents.find((i) => causes.has(ciOf(i) ?? '')) ??
      incidents.find((i) => components.get(id)?.has(ciOf(i) ?? '') ?? false);
    if (found) out.set(id, found);
  }
  return out;
}

export type KpiFlag = 'NORMAL' | 'SPIKE' | 'DROP' | 'UNKNOWN';

export interface KpiReport {
  name: string;
  unit: string | null;
  value: number | null;
  baseline: number | null;
  deviation: number | null;
  flag: KpiFlag;
  expression: string;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** value / baseline − 1 beyond ±threshold% is a SPIKE or a DROP; missing data is UNKNOWN, never NORMAL. */
export function kpiFlag(
  value: number | null,
  baseline: number | null,
  thresholdPercent: number,
): { deviation: number | null; flag: KpiFlag } {
  if (value === null || baseline === null || baseline === 0) return { deviation: null, flag: 'UNKNOWN' };
  const deviation = value / baseline - 1;
  const limit = thresholdPercent / 100;
  return { deviation, flag: deviation > limit ? 'SPIKE' : deviation < -limit ? 'DROP' : 'NORMAL' };
}

/** The monitors a KPI is read from: the named one, else every one in order. */
const kpiMonitors = (kpi: KpiDefinition, monitors: { name: string; api: MonitorApi }[]) =>
  kpi.monitor ? monitors.filter((m) => m.name === kpi.monitor) : monitors;

/**
 * A KPI's value at a past instant: the sum of each series' last sample within `lookbackMs` before
 * it, from the first monitor that has one; null when none can say (no range queries, no data), which
 * is unknown, never 0.
 */
export async function kpiValueAt(
  kpi: KpiDefinition,
  monitors: { name: string; api: MonitorApi }[],
  at: Date,
  lookbackMs: number,
  log: Logger,
): Promise<number | null> {
  for (const { name, api } of kpiMonitors(kpi, monitors)) {
    try {
      const series = await api.queryRange(kpi.expression, new Date(at.getTime() - lookbackMs), at, Math.max(1, lookbackMs / 5000));
      const last = (series ?? []).flatMap((s) => s.slice(-1).map((sample) => sample.value));
      if (last.length > 0) return sum(last);
    } catch (error) {
      log.warn('KPI range query failed', { connector: name, kpi: kpi.name, error: String(error) });
    }
  }
  return null;
}

/**
 * Reads a KPI: from the named monitor, or the first that answers. Several series add up (orders per
 * minute across shop nodes). Without a baseline in the definition, the average over the last day.
 */
export async function readKpi(
  kpi: KpiDefinition,
  monitors: { name: string; api: MonitorApi }[],
  now: Date,
  log: Logger,
): Promise<KpiReport> {
  const candidates = kpiMonitors(kpi, monitors);
  let value: number | null = null;
  let baseline = kpi.baseline;
  for (const { name, api } of candidates) {
    try {
      const samples = await api.query(kpi.expression);
      if (!samples || samples.length === 0) continue;
      value = sum(samples.map((s) => s.value));
      if (baseline === null) {
        const series = await api.queryRange(kpi.expression, new Date(now.getTime() - DAY_MS), now, 900);
        if (series && series.length > 0) {
          // Sum the series per timestamp, then average over time: the same shape as `value`.
          const byTime = new Map<number, number>();
          for (const s of series) for (const sample of s) byTime.set(sample.timestamp, (byTime.get(sample.timestamp) ?? 0) + sample.value);
          if (byTime.size > 0) baseline = sum([...byTime.values()]) / byTime.size;
        }
      }
      break;
    } catch (error) {
      log.warn('KPI query failed', { connector: name, kpi: kpi.name, error: String(error) });
    }
  }
  return { name: kpi.name, unit: kpi.unit, value, baseline, ...kpiFlag(value, baseline, kpi.threshold), expression: kpi.expression };
}

/** A child of a node as an explanation may speak of it: its status after the edge's map. */
export interface ExplainedChild {
  id: string;
  name: string;
  kind: 'service' | 'ci';
  status: Status;
}

const counted = (n: number, kind: ExplainedChild['kind'], status: Status) =>
  `${n} ${kind === 'ci' ? 'component' : 'service'}${n === 1 ? '' : 's'} ${status}`;

/**
 * An explanation in the words a viewer may read. The engine's own text names children (causes, and
 * the healthy ones that kept the node up); when every child is one the viewer may see, that text is
 * theirs. Otherwise it is said again with the visible children by name and the others counted per
 * status: "worst: 2 components CRITICAL" to a viewer who sees services but no CI, so that a
 * SERVICE-level viewer learns how bad it is below, never which server.
 */
export function explanationText(
  explanation: { text: string; rule: string; causeIds: readonly string[] },
  status: Status,
  children: readonly ExplainedChild[],
  visible: (child: ExplainedChild) => boolean,
): string {
  if (children.every(visible)) return explanation.text;
  const causes = new Set(explanation.causeIds);
  const about = causes.size > 0 ? children.filter((c) => causes.has(c.id)) : children;
  const named = about.filter(visible).map((c) => `${c.name} ${c.status}`);
  const hidden = new Map<string, { kind: ExplainedChild['kind']; status: Status; n: number }>();
  for (const c of about) {
    if (visible(c)) continue;
    const key = `${c.kind} ${c.status}`;
    const group = hidden.get(key) ?? { kind: c.kind, status: c.status, n: 0 };
    group.n += 1;
    hidden.set(key, group);
  }
  const parts = [...named, ...[...hidden.values()].map((g) => counted(g.n, g.kind, g.status))].join(', ');
  return causes.size > 0 ? `${explanation.rule}: ${parts}` : `${explanation.rule}: ${status} (${parts})`;
}
