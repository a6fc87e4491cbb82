import { describe, expect, it } from 'vitest';
import { calendarWeight } from './calendar.js';
import {
  computeSla,
  countedIntervals,
  scheduleIntervals,
  scheduleText,
  slaAt,
  type SlaReport,
  type SlaSpec,
  type StatusTimeline,
} from './sla.js';
import type { Status } from '../kernel/model.js';
import { durationText } from '../kernel/time.js';
import type { NodeState } from './history.js';

const at = (iso: string) => new Date(iso);
const st = (status: Status, inMaintenance = false): NodeState => ({ status, inMaintenance });
const ms = (iso: string) => Date.parse(iso);

describe('SLA around the clock', () => {
  // 30 days × 86,400 s = 2,592,000 s counted; 0.1 % of it = 2,592 s (43.2 minutes) of budget.
  const spec: SlaSpec = { objective: 99.9, windowDays: 30, exclude: [] };
  const now = at('2026-11-27T10:00:00Z');

  it('spends the budget on the current outage and says how long is left', () => {
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [{ at: at('2026-11-27T09:50:00Z'), to: 'CRITICAL', inMaintenance: false }],
    };
    const sla = computeSla(spec, timeline, now, st('CRITICAL'));
    expect(sla.countedSeconds).toBe(2_592_000);
    expect(sla.errorBudgetSeconds).toBeCloseTo(2592, 6);
    expect(sla.badSeconds).toBe(600);
    expect(sla.errorBudgetLeftSeconds).toBeCloseTo(1992, 6);
    // 1,992 s of budget left while the outage goes on: the breach is 33.2 minutes away.
    expect(sla.timeToBreachSeconds).toBeCloseTo(1992, 6);
    expect(sla.breachAt?.toISOString()).toBe('2026-11-27T10:33:12.000Z');
    expect(sla.availability).toBeCloseTo(((2_592_000 - 600) / 2_592_000) * 100, 9);
    expect(sla.breached).toBe(false);
    expect(durationText(sla.timeToBreachSeconds ?? 0)).toBe('33 minutes');
  });

  it('has no time to breach while the service is up, and counts WARNING as up', () => {
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [{ at: at('2026-11-27T09:00:00Z'), to: 'WARNING', inMaintenance: false }],
    };
    const sla = computeSla(spec, timeline, now, st('WARNING'));
    expect(sla.badSeconds).toBe(0);
    expect(sla.timeToBreachSeconds).toBeNull();
    expect(sla.breachAt).toBeNull();
  });

  it('reports a breach once the bad time exceeds the budget', () => {
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [{ at: at('2026-11-27T09:00:00Z'), to: 'MAJOR', inMaintenance: false }],
    };
    const sla = computeSla(spec, timeline, now, st('MAJOR'));
    expect(sla.badSeconds).toBe(3600);
    expect(sla.breached).toBe(true);
    expect(sla.errorBudgetLeftSeconds).toBe(0);
    expect(sla.timeToBreachSeconds).toBe(0);
  });

  it('counts neither unrecorded nor UNKNOWN time, so a fresh install is not 0 % available', () => {
    const timeline: StatusTimeline = {
      initial: null,
      changes: [
        { at: at('2026-11-27T08:00:00Z'), to: 'OK', inMaintenance: false },
        { at: at('2026-11-27T09:00:00Z'), to: 'UNKNOWN', inMaintenance: false },
        { at: at('2026-11-27T09:30:00Z'), to: 'CRITICAL', inMaintenance: false },
      ],
    };
    const sla = computeSla(spec, timeline, now, st('CRITICAL'));
    expect(sla.observedSeconds).toBe(3600 + 1800);
    expect(sla.badSeconds).toBe(1800);
    expect(sla.availability).toBeCloseTo((3600 / 5400) * 100, 9);
    // The budget is over the whole window all the same.
    expect(sla.errorBudgetSeconds).toBeCloseTo(2592, 6);
  });
});

describe('SLA with recorded planned maintenance', () => {
  const spec: SlaSpec = { objective: 99.9, windowDays: 30, exclude: [] };
  const now = at('2026-11-27T10:00:00Z');

  it('counts a CRITICAL spell in planned maintenance as neither bad nor good time, and earns no budget on it', () => {
    // CRITICAL since 09:00; 09:00-09:40 in maintenance (2,400 s), then a real outage of 1,200 s.
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [
        { at: at('2026-11-27T09:00:00Z'), to: 'CRITICAL', inMaintenance: true },
        { at: at('2026-11-27T09:40:00Z'), to: 'CRITICAL', inMaintenance: false },
      ],
    };
    const sla = computeSla(spec, timeline, now, st('CRITICAL'));
    expect(sla.maintenanceSeconds).toBe(2400);
    expect(sla.countedSeconds).toBe(2_592_000 - 2400);
    expect(sla.badSeconds).toBe(1200);
    expect(sla.observedSeconds).toBe(2_592_000 - 2400);
    expect(sla.errorBudgetSeconds).toBeCloseTo(0.001 * (2_592_000 - 2400), 6);
    expect(sla.timeToBreachSeconds).toBeCloseTo(0.001 * (2_592_000 - 2400) - 1200, 6);
  });

  it('has no time to breach while the failure is planned maintenance', () => {
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [{ at: at('2026-11-27T09:30:00Z'), to: 'CRITICAL', inMaintenance: true }],
    };
    const sla = computeSla(spec, timeline, now, st('CRITICAL', true));
    expect(sla.badSeconds).toBe(0);
    expect(sla.availability).toBe(100);
    expect(sla.timeToBreachSeconds).toBeNull();
    expect(sla.breachAt).toBeNull();
  });
});

describe('SLA in business hours with an excluded maintenance window', () => {
  // Mon-Fri 09:00-17:00 UTC over 7 days ending Wed 2026-11-25 12:00:
  //   Wed 18 12-17 (5 h) + Thu 19, Fri 20, Mon 23, Tue 24 (4 × 8 h) + Wed 25 09-12 (3 h) = 40 h,
  //   minus the excluded Tue 24 09:00-11:00 (2 h) = 38 h = 136,800 s counted.
  //   1 % of it = 1,368 s (22.8 minutes) of budget.
  const spec: SlaSpec = {
    objective: 99,
    windowDays: 7,
    schedule: { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00', timezone: 'UTC' },
    exclude: [{ from: '2026-11-24T09:00:00Z', to: '2026-11-24T11:00:00Z', reason: 'database upgrade' }],
  };
  // Down Tue 10:00-11:10: only 11:00-11:10 counts (the rest is excluded) = 600 s.
  const tuesday = [
    { at: at('2026-11-24T10:00:00Z'), to: 'CRITICAL' as const, inMaintenance: false },
    { at: at('2026-11-24T11:10:00Z'), to: 'OK' as const, inMaintenance: false },
  ];

  it('counts only schedule time outside exclusions', () => {
    const counted = countedIntervals(spec, ms('2026-11-18T12:00:00Z'), ms('2026-11-25T12:00:00Z'));
    expect(counted.reduce((a, [x, y]) => a + (y - x), 0) / 1000).toBe(136_800);
    expect(scheduleText(spec.schedule)).toBe('Mon-Fri 09:00-17:00 UTC');
  });

  it('gives the breach time within business hours', () => {
    // Down again since Wed 11:55: 300 s more, 900 s in all; 468 s left → breach at 12:07:48.
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [...tuesday, { at: at('2026-11-25T11:55:00Z'), to: 'CRITICAL', inMaintenance: false }],
    };
    const sla = computeSla(spec, timeline, at('2026-11-25T12:00:00Z'), st('CRITICAL'));
    expect(sla.countedSeconds).toBe(136_800);
    expect(sla.errorBudgetSeconds).toBeCloseTo(1368, 6);
    expect(sla.badSeconds).toBe(900);
    expect(sla.errorBudgetLeftSeconds).toBeCloseTo(468, 6);
    expect(sla.breachAt?.toISOString()).toBe('2026-11-25T12:07:48.000Z');
    expect(sla.timeToBreachSeconds).toBeCloseTo(468, 6);
    expect(sla.availability).toBeCloseTo(((136_800 - 900) / 136_800) * 100, 9);
  });

  it('stops the clock outside business hours: the breach moves to when the schedule resumes', () => {
    // Same budget arithmetic at Wed 16:58 with the outage since 16:53 (300 s): 468 s left,
    // 120 s until 17:00, the other 348 s from Thu 09:00 → breach Thu 09:05:48.
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [...tuesday, { at: at('2026-11-25T16:53:00Z'), to: 'CRITICAL', inMaintenance: false }],
    };
    const sla = computeSla(spec, timeline, at('2026-11-25T16:58:00Z'), st('CRITICAL'));
    expect(sla.countedSeconds).toBe(136_800);
    expect(sla.badSeconds).toBe(900);
    expect(sla.breachAt?.toISOString()).toBe('2026-11-26T09:05:48.000Z');
    expect(sla.timeToBreachSeconds).toBe(16 * 3600 + 7 * 60 + 48);
  });

  it('reads the schedule in its time zone', () => {
    // Paris is UTC+1 in November: 09:00-17:00 local is 08:00-16:00 UTC.
    const paris = scheduleIntervals(
      { hours: '09:00-17:00', timezone: 'Europe/Paris' },
      ms('2026-11-25T00:00:00Z'),
      ms('2026-11-26T00:00:00Z'),
    );
    expect(paris).toEqual([[ms('2026-11-25T08:00:00Z'), ms('2026-11-25T16:00:00Z')]]);
    // In July it is UTC+2.
    const summer = scheduleIntervals(
      { hours: '09:00-17:00', timezone: 'Europe/Paris' },
      ms('2026-07-01T00:00:00Z'),
      ms('2026-07-02T00:00:00Z'),
    );
    expect(summer).toEqual([[ms('2026-07-01T07:00:00Z'), ms('2026-07-01T15:00:00Z')]]);
  });

  it('handles a night shift that runs past midnight', () => {
    const night = scheduleIntervals({ weekdays: ['wed'], hours: '22:00-06:00' }, ms('2026-11-25T00:00:00Z'), ms('2026-11-27T00:00:00Z'));
    expect(night).toEqual([[ms('2026-11-25T22:00:00Z'), ms('2026-11-26T06:00:00Z')]]);
  });
});

describe('business calendar', () => {
  const calendar = [
    { reason: 'payday', weight: 3, dates: ['2026-11-27'] },
    {
      reason: 'market hours',
      weight: 2,
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[],
      hours: '09:30-16:00',
      timezone: 'America/New_York',
    },
  ];

  it('takes the heaviest entry that applies', () => {
    expect(calendarWeight(calendar, at('2026-11-27T15:00:00Z'))).toEqual({ weight: 3, reason: 'payday' });
  });

  it('reads hours in the entry time zone', () => {
    // New York is UTC-5 in November: 09:30-16:00 local is 14:30-21:00 UTC.
    expect(calendarWeight(calendar, at('2026-11-26T14:45:00Z'))).toEqual({ weight: 2, reason: 'market hours' });
    expect(calendarWeight(calendar, at('2026-11-26T14:15:00Z'))).toEqual({ weight: 1, reason: null });
    // Saturday: no market.
    expect(calendarWeight(calendar, at('2026-11-28T15:00:00Z'))).toEqual({ weight: 1, reason: null });
  });

  it('opens at the minute, whatever was asked within the minute before (local time is remembered per minute)', () => {
    expect(calendarWeight(calendar, at('2026-11-26T14:29:00.000Z')).reason).toBe(null);
    expect(calendarWeight(calendar, at('2026-11-26T14:29:59.999Z')).reason).toBe(null);
    expect(calendarWeight(calendar, at('2026-11-26T14:30:00.000Z')).reason).toBe('market hours');
    expect(calendarWeight(calendar, at('2026-11-26T14:29:30.000Z')).reason).toBe(null);
  });
});

describe("a report read later (an evaluation's report between evaluations)", () => {
  /** Every field of the report, numbers to the microsecond, instants to the millisecond. */
  const same = (read: SlaReport, fresh: SlaReport, label: string) => {
    for (const key of Object.keys(fresh) as (keyof SlaReport)[]) {
      const [a, b] = [read[key], fresh[key]];
      const what = `${label}: ${key}`;
      if (typeof b === 'number' && typeof a === 'number') expect.soft(a, what).toBeCloseTo(b, 6);
      else if (b instanceof Date && a instanceof Date) expect.soft(Math.abs(a.getTime() - b.getTime()), what).toBeLessThanOrEqual(1);
      else expect.soft(a, what).toEqual(b);
    }
  };
  const specs: Record<string, SlaSpec> = {
    'around the clock': { objective: 99.9, windowDays: 30, exclude: [] },
    'business hours': {
      objective: 99.5,
      windowDays: 30,
      schedule: { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00', timezone: 'Europe/Paris' },
      exclude: [{ from: '2026-11-25T16:30:00Z', to: '2026-11-25T16:40:00Z', reason: 'change window' }],
    },
  };
  const states = [st('CRITICAL'), st('MAJOR', true), st('WARNING'), st('UNKNOWN'), st('OK')];
  // Wed 15:50 UTC (16:50 in Paris): the schedule closes within the first 10 minutes and reopens Thursday.
  const evaluatedAt = at('2026-11-25T15:50:00Z');

  it('counts down exactly as a fresh computation would, for every state and schedule', () => {
    for (const [name, spec] of Object.entries(specs)) {
      for (const current of states) {
        // History starts two days before: the window's start slides over nothing recorded.
        const timeline: StatusTimeline = {
          initial: null,
          changes: [
            { at: at('2026-11-23T15:00:00Z'), to: 'OK', inMaintenance: false },
            { at: at('2026-11-25T15:40:00Z'), to: current.status, inMaintenance: current.inMaintenance },
          ],
        };
        const report = computeSla(spec, timeline, evaluatedAt, current);
        for (const laterMs of [0, 90_000, 25 * 60_000, 3 * 86_400_000]) {
          const now = new Date(evaluatedAt.getTime() + laterMs);
          const label = `${name}, ${current.status}${current.inMaintenance ? ' in maintenance' : ''}, ${laterMs / 1000} s later`;
          same(slaAt(spec, report, evaluatedAt, now, current), computeSla(spec, timeline, now, current), label);
        }
      }
    }
  });

  it('breaches when the outage outlasts the budget left', () => {
    const spec = specs['around the clock'] as SlaSpec;
    const timeline: StatusTimeline = {
      initial: st('OK'),
      changes: [{ at: at('2026-11-25T15:40:00Z'), to: 'CRITICAL', inMaintenance: false }],
    };
    const report = computeSla(spec, timeline, evaluatedAt, st('CRITICAL'));
    const late = slaAt(spec, report, evaluatedAt, new Date(report.breachAt!.getTime() + 60_000), st('CRITICAL'));
    expect(report.breached).toBe(false);
    expect(late).toMatchObject({ breached: true, timeToBreachSeconds: 0, errorBudgetLeftSeconds: 0 });
  });
});
