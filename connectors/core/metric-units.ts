/**
 * The unit a metric's name declares, by the OpenMetrics naming convention (`_bytes`, `_seconds`,
 * `_ratio`, `_percent` suffixes): shared by the monitors whose metrics follow it.
 */
const UNIT_SUFFIXES: [string, string][] = [
  ['_percent', '%'],
  ['_ratio', 'ratio'],
  ['_bytes', 'bytes'],
  ['_seconds', 's'],
];

export function unitFromName(name: string): string | null {
  return UNIT_SUFFIXES.find(([suffix]) => name.endsWith(suffix))?.[1] ?? null;
}

/** A sample value as a JSON number: NaN and ±Inf (a rate over no data) are not. */
export const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Unix seconds as ISO 8601, or null. */
export const unixToIso = (seconds: number): string | null => (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null);
