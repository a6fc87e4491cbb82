import { localParts, parseHours, type Weekday } from '../kernel/time.js';

/**
 * A business calendar entry: when it applies, how much more an outage then matters, and why
 * ("payday ×3"). An entry applies when every condition it names holds (dates AND weekdays AND hours),
 * read in its time zone (UTC by default).
 */
export interface CalendarEntry {
  reason: string;
  weight: number;
  dates?: string[];
  weekdays?: Weekday[];
  hours?: string;
  timezone?: string;
}

export interface CalendarWeight {
  /** 1 when nothing applies. */
  weight: number;
  /** The reason(s) of the heaviest entries that apply, e.g. "payday"; null when none applies. */
  reason: string | null;
}

export function entryApplies(entry: CalendarEntry, at: Date): boolean {
  const local = localParts(at.getTime(), entry.timezone ?? 'UTC');
  if (entry.dates && !entry.dates.includes(local.date)) return false;
  if (entry.weekdays && !entry.weekdays.includes(local.weekday)) return false;
  if (entry.hours) {
    const range = parseHours(entry.hours);
    if (!range) return false;
    const [from, to] = range;
    // A range past midnight ("22:00-06:00") also covers the early hours of the day.
    const inRange = (local.minutes >= from && local.minutes < to) || local.minutes + 24 * 60 < to;
    if (!inRange) return false;
  }
  return true;
}

/**
 * The weight of the heaviest applying entry (weights do not multiply: payday during market hours is
 * as urgent as the more urgent of the two, which keeps scores explainable).
 */
export function calendarWeight(entries: readonly CalendarEntry[], at: Date): CalendarWeight {
  let weight = 1;
  let reasons: string[] = [];
  for (const entry of entries) {
    if (!entryApplies(entry, at)) continue;
    if (entry.weight > weight) {
      weight = entry.weight;
      reasons = [entry.reason];
    } else if (entry.weight === weight && weight > 1) {
      reasons.push(entry.reason);
    }
  }
  return { weight, reason: reasons.length > 0 ? reasons.join(', ') : null };
}
