import { describe, expect, it } from 'vitest';
import { downtimeCost, monthStart, sumCosts } from './cost.js';

const def = { impact: { revenuePerHour: 1000, users: 10, costPerUserHour: 50 } };
const t = (hh: number) => new Date(Date.UTC(2026, 11, 3, hh));

describe('cost of downtime', () => {
  it('prices down time whole and degraded time half; maintenance and UNKNOWN cost nothing and are not observed', () => {
    const timeline = {
      initial: { status: 'OK' as const, inMaintenance: false },
      changes: [
        { at: t(1), to: 'CRITICAL' as const, inMaintenance: false },
        { at: t(2), to: 'WARNING' as const, inMaintenance: false },
        { at: t(4), to: 'CRITICAL' as const, inMaintenance: true },
        { at: t(5), to: 'UNKNOWN' as const, inMaintenance: false },
        { at: t(6), to: 'OK' as const, inMaintenance: false },
      ],
    };
    const c = downtimeCost(def, timeline, t(0), t(8));
    expect(c).toMatchObject({ downSeconds: 3600, degradedSeconds: 7200, maintenanceSeconds: 3600, observedSeconds: 6 * 3600 });
    expect(c.revenueLost).toBe(1000 + 2 * 500);
    expect(c.userHoursLost).toBe(3 * 10);
    expect(c.total).toBe(2000 + 30 * 50);
    expect(c.availability).toBeCloseTo((5 / 6) * 100, 9);
    expect(sumCosts([c, c], t(0), t(8))).toMatchObject({ revenueLost: 4000, availability: c.availability });
  });

  it('costs nothing before the first record, and months start on the 1st in UTC', () => {
    expect(downtimeCost(def, { initial: null, changes: [] }, t(0), t(8))).toMatchObject({ total: 0, availability: 100 });
    expect(monthStart(new Date('2026-12-31T23:59:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
