/**
 * Wall-clock arithmetic in an IANA time zone without a date library: calendars and SLA schedules are
 * written in local business time ("08:00-17:30 Europe/Paris") while history is kept in UTC instants.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** YYYY-MM-DD */
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function rawParts(instant: number, timeZone: string) {
  const out: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) out[part.type] = part.value;
  return {
    year: Number(out['year']),
    month: Number(out['month']),
    day: Number(out['day']),
    hour: Number(out['hour']),
    minute: Number(out['minute']),
    second: Number(out['second']),
    weekday: (out['weekday'] ?? 'Sun').slice(0, 3).toLowerCase() as Weekday,
  };
}

/**
 * The local date and time of an instant, to the minute. Remembered per zone for the last minute
 * asked: calendars ask for "now" for every service of every request, and a local wall clock moves
 * only once a minute (zone offsets are whole minutes since 1972), where each miss costs an Intl
 * formatToParts.
 */
export function localParts(instant: number, timeZone: string): LocalParts {
  const minute = Math.floor(instant / MINUTE_MS);
  const known = lastMinute.get(timeZone);
  if (known?.minute === minute) return known.parts;
  const p = rawParts(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const parts: LocalParts = Object.freeze({
    year: p.year,
    month: p.month,
    day: p.day,
    weekday: p.weekday,
    minutes: p.hour * 60 + p.minute,
    date: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
  });
  lastMinute.set(timeZone, { minute, parts });
  return parts;
}
/** One entry per zone: as many as the zones the definitions name. */
const lastMinute = new Map<string, { minute: number; parts: LocalParts }>();

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const p = rawParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time; minutes may exceed 24 h (rolls into the next day).
 * Remembered across calls: the answer for a zone and wall-clock time never changes, and SLA
 * schedules ask for the same days on every request (each miss costs two Intl formatToParts, which
 * were a fifth of the dashboard's CPU when recomputed per request).
 */
export function zonedToUtc(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day) + minutes * MINUTE_MS;
  const key = `${timeZone}|${naive}`;
  const known = zonedInstants.get(key);
  if (known !== undefined) return known;
  // Two passes settle the offset across a DST change.
  let guess = naive - offsetAt(naive, timeZone);
  guess = naive - offsetAt(guess, timeZone);
  if (zonedInstants.size >= ZONED_MEMO_MAX) zonedInstants.clear();
  zonedInstants.set(key, guess);
  return guess;
}

/** A year of two schedule edges a day for a hundred zones fits; past that, start over rather than grow. */
const ZONED_MEMO_MAX = 100_000;
const zonedInstants = new Map<string, number>();

/** "08:00-17:30" → [480, 1050]; an end at or before the start runs past midnight ("22:00-06:00"). */
export function parseHours(hours: string): [number, number] | null {
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(hours.trim());
  if (!match) return null;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  const from = h1 * 60 + m1;
  let to = h2 * 60 + m2;
  if (from > 24 * 60 || to > 24 * 60) return null;
  if (to <= from) to += 24 * 60;
  return [from, to];
}

/** For people: 600 s → "10 minutes", 5400 s → "1 hour 30 minutes", 200000 s → "2 days 7 hours". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? unit(days, 'day') : `${unit(days, 'day')} ${unit(hours % 24, 'hour')}`;
}

/** "09:12" in UTC: what people read in a status line. */
export function clockText(instant: Date): string {
  return instant.toISOString().slice(11, 16);
}
