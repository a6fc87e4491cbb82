import type { Status } from '../kernel/model.js';
import { calendarWeight } from './calendar.js';
import type { HealthSnapshot, ServiceModel } from './model.js';
import { isProblem, isProblemNow } from './condition.js';
import { CRITICALITY_WEIGHT, revenueShare, slaUrgency, type ServiceReporter } from './service-report.js';
import type { SlaReport } from './sla.js';
import { durationText } from '../kernel/time.js';

/**
 * Which of the many red things to fix first: the failing root-cause CIs of every (visible) service,
 * ranked by the business priority of what they break. A CI's score is the sum over the services it
 * breaks of: criticality weight × value at risk (the part of the service's revenue/h + its cost per user-hour × users
 * this CI puts at risk) × calendar weight now × SLA urgency (see service-report.ts). A service in
 * planned maintenance is not failing the business (condition.ts): its root causes rank only through
 * other services.
 */

export interface OutageImpact {
  serviceId: string;
  statusWith: Status;
  statusWithout: Status;
  magnitude: number;
  /** Node ids from the service down to the CI. */
  path: string[];
}

export interface OutageReport {
  rank: number;
  ciId: string;
  status: Status;
  impacts: OutageImpact[];
  revenuePerHourAtRisk: number;
  usersAtRisk: number;
  calendarReason: string | null;
  timeToBreachSeconds: number | null;
  breachAt: Date | null;
  priorityScore: number;
  why: string;
}

const money = (n: number) => Math.round(n).toLocaleString('en-US');

export interface RankOptions {
  /** Its `now` decides the calendar weight and the SLA numbers. */
  reporter: ServiceReporter;
  /** Only these services count (the viewer's scope); all when absent. */
  visible?: (serviceId: string) => boolean;
}

export async function rankOutages(model: ServiceModel, snap: HealthSnapshot, options: RankOptions): Promise<OutageReport[]> {
  const { reporter } = options;
  const now = reporter.now;
  const visible = options.visible ?? (() => true);
  const services = model.definitions.services.filter((d) => visible(d.id) && isProblemNow(snap.state(d.id)));
  const failing = new Set(services.map((d) => d.id));
  // The statuses of an impact are what the service would read with and without the CI: no maintenance in them.
  const share = (status: Status) => revenueShare({ status, inMaintenance: false });

  // Root causes per CI, with the path from each service that names it.
  const causes = new Map<string, Map<string, string[]>>();
  for (const def of services) {
    for (const cause of snap.evaluation.rootCauses(def.id)) {
      if (!isProblem(cause.status)) continue;
      let bySvc = causes.get(cause.ciId);
      if (!bySvc) causes.set(cause.ciId, (bySvc = new Map()));
      if (!bySvc.has(def.id)) bySvc.set(def.id, cause.path);
    }
  }

  const reports: Omit<OutageReport, 'rank'>[] = [];
  for (const [ciId, bySvc] of causes) {
    const impacts = new Map<string, OutageImpact>();
    for (const impact of snap.evaluation.impact(ciId)) {
      if (failing.has(impact.serviceId) && impact.magnitude > 0) impacts.set(impact.serviceId, { ...impact });
    }
    for (const [serviceId, path] of bySvc) {
      if (!impacts.has(serviceId)) {
        const status = snap.status(serviceId);
        // A co-cause (fixing it alone changes nothing, fixing the set does): counts at the service's status.
        impacts.set(serviceId, { serviceId, statusWith: status, statusWithout: status, magnitude: 0, path });
      }
    }
    let revenue = 0;
    let users = 0;
    let score = 0;
    let soonest: SlaReport | null = null;
    let heaviest = { weight: 0, reason: null as string | null };
    const clauses: string[] = [];
    for (const impact of impacts.values()) {
      const def = model.definitions.byId.get(impact.serviceId);
      if (!def) continue;
      const part = impact.magnitude > 0 ? share(impact.statusWith) - share(impact.statusWithout) : share(impact.statusWith);
      const svcRevenue = def.impact.revenuePerHour * part;
      const svcUsers = isProblem(impact.statusWith) && (impact.magnitude === 0 || !isProblem(impact.statusWithout)) ? def.impact.users : 0;
      const calendar = calendarWeight(def.calendar, now);
      const sla = await reporter.sla(def.id);
      const ttb = sla?.timeToBreachSeconds ?? null;
      revenue += svcRevenue;
      users += svcUsers;
      const value = part * (def.impact.revenuePerHour + def.impact.costPerUserHour * svcUsers);
      score += CRITICALITY_WEIGHT[def.criticality] * Math.max(1, value) * calendar.weight * slaUrgency(ttb);
      if (ttb !== null && (soonest?.timeToBreachSeconds == null || ttb < soonest.timeToBreachSeconds)) soonest = sla;
      if (calendar.weight > heaviest.weight) heaviest = calendar;

      const down = impact.statusWith === 'MAJOR' || impact.statusWith === 'CRITICAL';
      const parts: string[] = [def.criticality];
      if (calendar.reason) parts.push(`${calendar.reason} ×${calendar.weight}`);
      if (svcRevenue > 0) parts.push(`${money(svcRevenue)}/h at risk`);
      if (svcUsers > 0) parts.push(`${money(svcUsers)} users`);
      if (ttb !== null) parts.push(ttb <= 0 ? 'SLA already breached' : `SLA breaks in ${durationText(ttb)}`);
      clauses.push(`${down ? 'takes down' : 'degrades'} ${def.name} (${parts.join(', ')})`);
    }
    if (impacts.size === 0) continue;
    const name = snap.topology.cis.get(ciId)?.name ?? ciId;
    const why = `${name} ${clauses.length > 1 ? `${clauses.slice(0, -1).join('; ')} and ${clauses[clauses.length - 1]}` : clauses[0]}`;
    reports.push({
      ciId,
      status: snap.status(ciId),
      impacts: [...impacts.values()],
      revenuePerHourAtRisk: revenue,
      usersAtRisk: users,
      calendarReason: heaviest.reason,
      timeToBreachSeconds: soonest?.timeToBreachSeconds ?? null,
      breachAt: soonest?.breachAt ?? null,
      priorityScore: score,
      why,
    });
  }
  reports.sort(
    (a, b) =>
      b.priorityScore - a.priorityScore ||
      (a.timeToBreachSeconds ?? Infinity) - (b.timeToBreachSeconds ?? Infinity) ||
      a.ciId.localeCompare(b.ciId),
  );
  return reports.map((r, i) => ({ ...r, rank: i + 1 }));
}
