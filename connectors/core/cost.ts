/**
 * A CMDB's cost field as a number: CMDBs hand currency and decimal fields over as strings
 * ("1200.00"), numbers, or empty when nobody filled them in. Empty, negative or unreadable is null
 * (unknown), never 0: a CI nobody priced is not free.
 */
export function parseCost(raw: unknown): number | null {
  if (typeof raw !== 'number' && (typeof raw !== 'string' || raw.trim() === '')) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
