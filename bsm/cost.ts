import { conditionOf, isProblemNow } from './condition.js';
import { VALUE_CLASSES, type ServiceDefinition, type ValueClass } from './definitions.js';
import type { ServiceModel } from './model.js';
import { revenueShare } from './service-report.js';
import { segments, type StatusTimeline } from './sla.js';

/**
 * The cost of downtime over a period, from the recorded status history: "don't measure server
 * availability, measure the sales value impacted". Pure arithmetic over the timeline, around the
 * clock (revenue is lost whenever the service is out, not only in its SLA's business hours):
 *
 *   revenue lost      Σ hours × revenue per hour × share (condition.ts: down 1, degraded 0.5)
 *   user-hours lost   Σ hours × users, while down or degraded
 *   productivity      user-hours lost × the service's cost per user-hour
 *   total             revenue lost + productivity
 *   availability      percent of the observed time that was not down
 *
 * Planned maintenance, UNKNOWN time and time before the first record cost nothing and are not
 * observed, as in the SLA (sla.ts): planned work is priced before it happens (what-if), not after.
 */

export interface DowntimeCost {
  from: Date;
  to: Date;
  downSeconds: number;
  degradedSeconds: number;
  /** Time with a known state outside planned maintenance. */
  observedSeconds: number;
  maintenanceSeconds: number;
  /** Percent of observed time not down; 100 when nothing was observed. */
  availability: number;
  revenueLost: number;
  userHoursLost: number;
  productivityCost: number;
  total: number;
}

/** What a cost adds up, and what sumCosts sums. */
const AMOUNTS = [
  'downSeconds',
  'degradedSeconds',
  'observedSeconds',
  'maintenanceSeconds',
  'revenueLost',
  'userHoursLost',
  'productivityCost',
  'total',
] as const;
const zero = () => Object.fromEntries(AMOUNTS.map((k) => [k, 0])) as Record<(typeof AMOUNTS)[number], number>;

export function downtimeCost(def: Pick<ServiceDefinition, 'impact'>, timeline: StatusTimeline, from: Date, to: Date): DowntimeCost {
  const cost = { from, to, ...zero() };
  for (const part of segments(timeline, from.getTime(), to.getTime())) {
    if (!part.state) continue;
    const seconds = (part.to - part.from) / 1000;
    const condition = conditionOf(part.state);
    if (condition === 'maintenance') cost.maintenanceSeconds += seconds;
    if (condition === 'maintenance' || condition === 'unknown') continue;
    cost.observedSeconds += seconds;
    if (condition === 'down') cost.downSeconds += seconds;
    if (condition === 'degraded') cost.degradedSeconds += seconds;
    cost.revenueLost += (seconds / 3600) * def.impact.revenuePerHour * revenueShare(part.state);
    if (isProblemNow(part.state)) cost.userHoursLost += (seconds / 3600) * def.impact.users;
  }
  const productivityCost = cost.userHoursLost * def.impact.costPerUserHour;
  return {
    ...cost,
    availability: availability(cost),
    productivityCost,
    total: cost.revenueLost + productivityCost,
  };
}

const availability = (c: { observedSeconds: number; downSeconds: number }) =>
  c.observedSeconds > 0 ? ((c.observedSeconds - c.downSeconds) / c.observedSeconds) * 100 : 100;

/** The sum of several services' costs over the same period; availability weighted by observed time. */
export function sumCosts(costs: readonly DowntimeCost[], from: Date, to: Date): DowntimeCost {
  const total = { from, to, ...zero() };
  for (const c of costs) for (const k of AMOUNTS) total[k] += c[k];
  return { ...total, availability: availability(total) };
}

/** A service's cost of downtime over [from, to] from the recorded history (read only). */
export async function serviceDowntimeCost(model: ServiceModel, def: ServiceDefinition, from: Date, to: Date): Promise<DowntimeCost> {
  const [initial, changes] = await Promise.all([model.history.stateAt(def.id, from), model.history.history(def.id, from, to)]);
  return downtimeCost(def, { initial, changes: changes.filter((c) => c.at > from) }, from, to);
}

export interface DowntimeCostReport {
  total: DowntimeCost;
  byService: { serviceId: string; cost: DowntimeCost }[];
  /** Every value class, in the definitions' order (COMMODITY, DIFFERENTIATOR, VALUE_ADD), also when zero. */
  byValueClass: { valueClass: ValueClass; cost: DowntimeCost }[];
}

export async function downtimeCostReport(
  model: ServiceModel,
  serviceIds: readonly string[],
  from: Date,
  to: Date,
): Promise<DowntimeCostReport> {
  const defs = serviceIds.flatMap((id) => model.definitions.byId.get(id) ?? []);
  const byService = await Promise.all(
    defs.map(async (d) => ({ serviceId: d.id, def: d, cost: await serviceDowntimeCost(model, d, from, to) })),
  );
  return {
    total: sumCosts(
      byService.map((s) => s.cost),
      from,
      to,
    ),
    byService: byService.map(({ serviceId, cost }) => ({ serviceId, cost })),
    byValueClass: VALUE_CLASSES.map((valueClass) => ({
      valueClass,
      cost: sumCosts(
        byService.filter((s) => s.def.valueClass === valueClass).map((s) => s.cost),
        from,
        to,
      ),
    })),
  };
}

/** The first instant of the month `now` is in, in UTC: where "month to date" starts. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
