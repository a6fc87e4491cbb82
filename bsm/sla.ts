import { DAY_MS, WEEKDAYS, parseHours, zonedToUtc, type Weekday } from '../kernel/time.js';
import { conditionOf } from './condition.js';
import type { NodeState, StatusChange } from './history.js';

/**
 * Service SLA arithmetic over the recorded status history. Pure: every function takes `now`.
 *
 * - Only *counted* time matters: inside the business-hours schedule, outside the excluded windows
 *   of the definition and outside recorded planned maintenance (a state of its own, as in Checkmk and
 *   ServiceNow: neither good nor bad time, and no error budget is earned on it either).
 * - Bad time is counted time "down" (condition.ts: MAJOR or CRITICAL, not in maintenance). WARNING
 *   and MINOR ("degraded") are up.
 * - UNKNOWN time and time before the first recorded status are neither good nor bad: availability is
 *   measured over the observed counted time only, so a fresh install or a monitor outage does not
 *   invent downtime (and never invents uptime either).
 * - The error budget is (100 − objective)% of the counted time of the whole window.
 * - timeToBreach: how long the current outage may go on before it eats the budget left, counting only
 *   future schedule time (outside business hours the clock stops; the breach moves to when the
 *   schedule resumes). Bad time that would slide out of the rolling window meanwhile is ignored, which
 *   errs on the early side.
 */

export interface SlaSchedule {
  weekdays?: Weekday[];
  /** "07:00-19:00" local time; the whole day when absent. */
  hours?: string;
  /** IANA zone. @default UTC */
  timezone?: string;
}

export interface SlaExclusion {
  /** ISO 8601 */
  from: string;
  to: string;
  reason: string;
}

export interface SlaSpec {
  /** Percent, e.g. 99.9 */
  objective: number;
  windowDays: number;
  schedule?: SlaSchedule | undefined;
  exclude: SlaExclusion[];
}

export interface StatusTimeline {
  /** State in effect at the window start; null when nothing was recorded before it. */
  initial: NodeState | null;
  /** Transitions inside the window, oldest first. */
  changes: Pick<StatusChange, 'at' | 'to' | 'inMaintenance'>[];
}

export interface SlaReport {
  objective: number;
  windowDays: number;
  schedule: string | null;
  /** Percent of observed counted time that was not bad; 100 when nothing was observed. */
  availability: number;
  /** Schedule time of the window outside exclusions and recorded maintenance. */
  countedSeconds: number;
  /** Schedule time of the window spent in recorded planned maintenance (not counted). */
  maintenanceSeconds: number;
  observedSeconds: number;
  badSeconds: number;
  errorBudgetSeconds: number;
  errorBudgetLeftSeconds: number;
  /** Null unless the service is down now (in maintenance it is not). */
  timeToBreachSeconds: number | null;
  breachAt: Date | null;
  breached: boolean;
}

export type Interval = [number, number];

/** Schedule time inside [from, to), as sorted disjoint intervals of epoch ms. */
export function scheduleIntervals(schedule: SlaSchedule | undefined, from: number, to: number): Interval[] {
  if (to <= from) return [];
  if (!schedule || (!schedule.weekdays && !schedule.hours)) return [[from, to]];
  const zone = schedule.timezone ?? 'UTC';
  const [startMin, endMin] = (schedule.hours ? parseHours(schedule.hours) : null) ?? [0, 24 * 60];
  const days = new Set<Weekday>(schedule.weekdays ?? WEEKDAYS);
  const out: Interval[] = [];
  // Walk calendar dates from the day before `from` (an overnight shift may spill into it) to `to`.
  const first = new Date(from - DAY_MS);
  let cursor = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
  const last = to + DAY_MS;
  while (cursor <= last) {
    const d = new Date(cursor);
    const weekday = WEEKDAYS[d.getUTCDay()] as Weekday;
    if (days.has(weekday)) {
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + 1;
      const day = d.getUTCDate();
      const a = Math.max(from, zonedToUtc(y, m, day, startMin, zone));
      const b = Math.min(to, zonedToUtc(y, m, day, endMin, zone));
      if (b > a) out.push([a, b]);
    }
    cursor += DAY_MS;
  }
  return normalise(out);
}

function normalise(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const lastOut = out[out.length - 1];
    if (lastOut && a <= lastOut[1]) lastOut[1] = Math.max(lastOut[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function subtract(intervals: Interval[], holes: Interval[]): Interval[] {
  let current = intervals;
  for (const [ha, hb] of normalise(holes)) {
    const next: Interval[] = [];
    for (const [a, b] of current) {
      if (hb <= a || ha >= b) next.push([a, b]);
      else {
        if (ha > a) next.push([a, ha]);
        if (hb < b) next.push([hb, b]);
      }
    }
    current = next;
  }
  return current;
}

export function overlap(intervals: Interval[], a: number, b: number): number {
  let total = 0;
  for (const [x, y] of intervals) total += Math.max(0, Math.min(b, y) - Math.max(a, x));
  return total;
}

const exclusionIntervals = (spec: SlaSpec): Interval[] =>
  spec.exclude.map((e) => [Date.parse(e.from), Date.parse(e.to)] as Interval).filter(([a, b]) => b > a);

/** Counted time: schedule minus exclusions. */
export function countedIntervals(spec: SlaSpec, from: number, to: number): Interval[] {
  return subtract(scheduleIntervals(spec.schedule, from, to), exclusionIntervals(spec));
}

export function scheduleText(schedule: SlaSchedule | undefined): string | null {
  if (!schedule || (!schedule.weekdays && !schedule.hours)) return null;
  const cap = (d: string) => d[0]?.toUpperCase() + d.slice(1);
  let days = 'every day';
  if (schedule.weekdays) {
    const set = new Set(schedule.weekdays);
    const weekdaysOnly = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
    if (set.size === 5 && weekdaysOnly.every((d) => set.has(d))) days = 'Mon-Fri';
    else if (set.size < 7)
      days = WEEKDAYS.filter((d) => set.has(d))
        .map(cap)
        .join(', ');
  }
  return `${days} ${schedule.hours ?? '00:00-24:00'} ${schedule.timezone ?? 'UTC'}`;
}

/** When the budget left runs out if the outage goes on from `now`, counting only future schedule time. */
export function breachInstant(spec: SlaSpec, now: number, budgetLeftMs: number): number | null {
  if (budgetLeftMs <= 0) return now;
  let remaining = budgetLeftMs;
  const chunk = 7 * DAY_MS;
  // A schedule that never opens again (all exclusions) would never breach: stop after a year.
  for (let start = now; start < now + 366 * DAY_MS; start += chunk) {
    for (const [a, b] of countedIntervals(spec, start, start + chunk)) {
      if (b - a >= remaining) return a + remaining;
      remaining -= b - a;
    }
  }
  return null;
}

/** The timeline as intervals of one state each over [start, end); null state before the first record. */
export function segments(timeline: StatusTimeline, start: number, end: number): { from: number; to: number; state: NodeState | null }[] {
  const out: { from: number; to: number; state: NodeState | null }[] = [];
  let state = timeline.initial;
  let from = start;
  for (const change of timeline.changes) {
    const at = Math.min(Math.max(change.at.getTime(), start), end);
    if (at > from) out.push({ from, to: at, state });
    state = { status: change.to, inMaintenance: change.inMaintenance };
    from = at;
  }
  if (end > from) out.push({ from, to: end, state });
  return out;
}

export function computeSla(spec: SlaSpec, timeline: StatusTimeline, now: Date, current: NodeState): SlaReport {
  const end = now.getTime();
  const start = end - spec.windowDays * DAY_MS;
  const parts = segments(timeline, start, end);
  const scheduled = countedIntervals(spec, start, end);
  const maintenance = parts.filter((p) => p.state && conditionOf(p.state) === 'maintenance').map((p): Interval => [p.from, p.to]);
  const counted = subtract(scheduled, maintenance);
  const countedMs = overlap(counted, start, end);

  let observedMs = 0;
  let badMs = 0;
  for (const { from, to, state } of parts) {
    if (state === null || state.status === 'UNKNOWN') continue;
    const ms = overlap(counted, from, to);
    observedMs += ms;
    if (conditionOf(state) === 'down') badMs += ms;
  }

  const maintenanceMs = overlap(scheduled, start, end) - countedMs;
  return slaReport(spec, { countedMs, maintenanceMs, observedMs, badMs }, end, current);
}

/** The window's time, in ms, by how it counts. */
interface SlaTotals {
  countedMs: number;
  maintenanceMs: number;
  observedMs: number;
  badMs: number;
}

/** The report of these totals at `end` (epoch ms), with the breach ahead when the service is down now. */
function slaReport(spec: SlaSpec, totals: SlaTotals, end: number, current: NodeState): SlaReport {
  const { countedMs, maintenanceMs, observedMs, badMs } = totals;
  const budgetMs = ((100 - spec.objective) / 100) * countedMs;
  const leftMs = Math.max(0, budgetMs - badMs);
  const breached = badMs > budgetMs;
  let breachAt: number | null = null;
  if (conditionOf(current) === 'down') breachAt = breached ? end : breachInstant(spec, end, leftMs);
  return {
    objective: spec.objective,
    windowDays: spec.windowDays,
    schedule: scheduleText(spec.schedule),
    availability: observedMs > 0 ? ((observedMs - badMs) / observedMs) * 100 : 100,
    countedSeconds: countedMs / 1000,
    maintenanceSeconds: maintenanceMs / 1000,
    observedSeconds: observedMs / 1000,
    badSeconds: badMs / 1000,
    errorBudgetSeconds: budgetMs / 1000,
    errorBudgetLeftSeconds: leftMs / 1000,
    timeToBreachSeconds: breachAt === null ? null : (breachAt - end) / 1000,
    breachAt: breachAt === null ? null : new Date(breachAt),
    breached,
  };
}

/**
 * A report computed at `at`, read at `now`: the schedule time since then counts as the current
 * state's (bad while down, neither while unknown, maintenance while in it) and the schedule time
 * that slid out of the window's start meanwhile leaves the counted time, so the budget, the budget
 * left, the time to breach and `breached` move between evaluations as a fresh computation's would.
 * The observed and bad time that slid out (at most one evaluation interval of it) still count: bad
 * time that should have left errs on the early side, as breachInstant does.
 */
export function slaAt(spec: SlaSpec, report: SlaReport, at: Date, now: Date, current: NodeState): SlaReport {
  const from = at.getTime();
  const end = now.getTime();
  if (end <= from) return report;
  const windowMs = spec.windowDays * DAY_MS;
  const scheduledMs = (a: number, b: number) => overlap(countedIntervals(spec, a, b), a, b);
  const elapsedMs = scheduledMs(from, end);
  const condition = conditionOf(current);
  const inMaintenance = condition === 'maintenance';
  const observedMs = inMaintenance || condition === 'unknown' ? 0 : elapsedMs;
  const totals: SlaTotals = {
    countedMs: report.countedSeconds * 1000 + (inMaintenance ? 0 : elapsedMs) - scheduledMs(from - windowMs, end - windowMs),
    maintenanceMs: report.maintenanceSeconds * 1000 + (inMaintenance ? elapsedMs : 0),
    observedMs: report.observedSeconds * 1000 + observedMs,
    badMs: report.badSeconds * 1000 + (condition === 'down' ? elapsedMs : 0),
  };
  return slaReport(spec, totals, end, current);
}
