/** How the board writes numbers, money, times and durations for people (the browser's locale). */

const moneyFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const count = new Intl.NumberFormat(undefined);
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Revenue has no currency in the estate: "20,000/h". */
export const perHour = (value: number): string => `${moneyFormat.format(value)}/h`;
export const number = (value: number): string => count.format(value);
/** An amount of the estate's (unnamed) currency: "4,000". */
export const money = (value: number): string => moneyFormat.format(value);
export const clock = (iso: string): string => time.format(new Date(iso));
export const when = (iso: string): string => dateTime.format(new Date(iso));

/** "9 min 05 s", "2 h 10 min", "45 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

export const percent = (value: number, digits = 2): string => `${value.toFixed(digits)} %`;
