import { calendarWeight } from './calendar.js';
import { type Condition, conditionOf, isProblemNow } from './condition.js';
import type { Criticality, ServiceDefinition } from './definitions.js';
import type { ServiceModel } from './model.js';
import type { NodeState } from './history.js';
import { computeSla, type SlaReport } from './sla.js';
import { DAY_MS } from '../kernel/time.js';

/**
 * Per-service business numbers: SLA from the recorded history, value at risk and the priority score.
 *
 * priorityScore = criticality weight × value at risk × calendar weight × SLA urgency
 *   criticality weight  LOW 1, MEDIUM 2, HIGH 4, CRITICAL 8
 *   value at risk       share × (revenue per hour + cost per user-hour × users), share 1 when down (MAJOR,
 *                       CRITICAL), 0.5 when degraded (WARNING, MINOR), 0 in planned maintenance
 *                       (condition.ts); at least 1, so a service with no numbers still ranks by
 *                       criticality
 *   calendar weight     the heaviest calendar entry that applies now (payday ×3), else 1
 *   SLA urgency         1 + 4 × 60 / (60 + minutes to breach): 5 when breached, ≈4.4 at 10 minutes,
 *                       1.8 at 4 hours, 1 without a running outage or SLA
 */

export const CRITICALITY_WEIGHT: Record<Criticality, number> = { LOW: 1, MEDIUM: 2, HIGH: 4, CRITICAL: 8 };

const SHARE: Record<Condition, number> = { down: 1, degraded: 0.5, up: 0, maintenance: 0, unknown: 0 };

/** Share of revenue at risk: down loses it all, degraded half; planned maintenance puts none at risk. */
export function revenueShare(state: NodeState): number {
  return SHARE[conditionOf(state)];
}

export function slaUrgency(timeToBreachSeconds: number | null): number {
  if (timeToBreachSeconds === null) return 1;
  return 1 + (4 * 60) / (60 + Math.max(0, timeToBreachSeconds) / 60);
}

export interface ServiceImpactReport {
  revenuePerHourAtRisk: number;
  usersAffected: number;
  priorityScore: number;
  calendarReason: string | null;
  calendarWeight: number;
}

export function serviceImpact(def: ServiceDefinition, state: NodeState, now: Date, sla: SlaReport | null): ServiceImpactReport {
  const calendar = calendarWeight(def.calendar, now);
  const revenue = def.impact.revenuePerHour * revenueShare(state);
  const users = isProblemNow(state) ? def.impact.users : 0;
  const value = Math.max(1, revenueShare(state) * (def.impact.revenuePerHour + def.impact.costPerUserHour * def.impact.users));
  const priorityScore = isProblemNow(state)
    ? CRITICALITY_WEIGHT[def.criticality] * value * calendar.weight * slaUrgency(sla?.timeToBreachSeconds ?? null)
    : 0;
  return {
    revenuePerHourAtRisk: revenue,
    usersAffected: users,
    priorityScore,
    calendarReason: calendar.reason,
    calendarWeight: calendar.weight,
  };
}

/** The service's SLA over its window from the recorded history; null when it has no SLA. */
export async function serviceSla(model: ServiceModel, def: ServiceDefinition, state: NodeState, now: Date): Promise<SlaReport | null> {
  if (!def.sla) return null;
  const from = new Date(now.getTime() - def.sla.windowDays * DAY_MS);
  const [initial, changes] = await Promise.all([model.history.stateAt(def.id, from), model.history.history(def.id, from, now)]);
  return computeSla(def.sla, { initial, changes: changes.filter((c) => c.at > from) }, now, state);
}

/** Per-request memo of the per-service numbers over one health snapshot. */
export interface ServiceReporter {
  readonly now: Date;
  sla(id: string): Promise<SlaReport | null>;
  impact(id: string): Promise<ServiceImpactReport | null>;
  /** Services whose SLA breaks within the horizon if their outage goes on, soonest first. */
  slaAtRisk(ids: readonly string[], horizonSeconds: number): Promise<{ serviceId: string; report: SlaReport }[]>;
}

/** `slaOf` computes a service's SLA (from the history, by default; evaluation-reports.ts reads it from its evaluation's). */
export function createServiceReporter(
  model: ServiceModel,
  state: (id: string) => NodeState,
  now: Date,
  slaOf: (def: ServiceDefinition) => Promise<SlaReport | null> = (def) => serviceSla(model, def, state(def.id), now),
): ServiceReporter {
  const slas = new Map<string, Promise<SlaReport | null>>();
  const sla = (id: string): Promise<SlaReport | null> => {
    let p = slas.get(id);
    if (!p) {
      const def = model.definitions.byId.get(id);
      p = def ? slaOf(def) : Promise.resolve(null);
      slas.set(id, p);
    }
    return p;
  };
  return {
    now,
    sla,
    async impact(id) {
      const def = model.definitions.byId.get(id);
      return def ? serviceImpact(def, state(id), now, await sla(id)) : null;
    },
    async slaAtRisk(ids, horizonSeconds) {
      const out: { serviceId: string; report: SlaReport }[] = [];
      for (const id of ids) {
        const report = await sla(id);
        if (report && report.timeToBreachSeconds !== null && report.timeToBreachSeconds <= horizonSeconds)
          out.push({ serviceId: id, report });
      }
      return out.sort((a, b) => (a.report.timeToBreachSeconds ?? 0) - (b.report.timeToBreachSeconds ?? 0));
    },
  };
}
