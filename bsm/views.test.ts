import { describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import { fakeMonitor } from './test-fakes.js';
import { type ExplainedChild, explanationText, kpiFlag, readKpi, serviceSentence, statusWords } from './views.js';

const now = new Date('2026-11-27T09:30:00Z');

describe('plain words', () => {
  it('says what a status means to a user', () => {
    const words = (inMaintenance: boolean) =>
      (['OK', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL', 'UNKNOWN'] as const).map((status) => statusWords({ status, inMaintenance }));
    expect(words(false)).toEqual(['working normally', 'degraded', 'degraded', 'down', 'down', 'status unknown']);
    // Maintenance explains any failure; a node that works is working, whatever its maintenance.
    expect(words(true)).toEqual(['working normally', ...Array(5).fill('in planned maintenance')]);
    const since = new Date('2026-11-27T09:12:00Z');
    const at = (status: 'OK' | 'MINOR' | 'CRITICAL', inMaintenance = false) => ({ status, inMaintenance });
    expect(serviceSentence('Payroll', { state: at('MINOR'), since, incidentNumber: 'INC0010001', maintenanceUntil: null, now })).toBe(
      'Payroll: degraded since 09:12, we are working on it, incident INC0010001.',
    );
    expect(serviceSentence('Email', { state: at('OK'), since, incidentNumber: null, maintenanceUntil: null, now })).toBe(
      'Email: working normally.',
    );
  });

  it('tells end users of planned maintenance: until when a tool announced the end, else since when; never of the incident', () => {
    const state = { status: 'CRITICAL' as const, inMaintenance: true };
    const since = new Date('2026-11-27T08:53:00Z');
    const facts = { state, since, incidentNumber: 'CHG0001', now };
    expect(serviceSentence('Reporting', { ...facts, maintenanceUntil: new Date('2026-11-27T10:30:00Z') })).toBe(
      'Reporting: in planned maintenance until 10:30.',
    );
    expect(serviceSentence('Reporting', { ...facts, maintenanceUntil: new Date('2026-11-29T06:00:00Z') })).toBe(
      'Reporting: in planned maintenance until 2026-11-29 06:00.',
    );
    expect(serviceSentence('Reporting', { ...facts, maintenanceUntil: null })).toBe('Reporting: in planned maintenance since 08:53.');
  });
});

describe('KPIs', () => {
  it('flags a deviation beyond the threshold, and missing data as UNKNOWN', () => {
    expect(kpiFlag(180, 300, 50)).toEqual({ deviation: -0.4, flag: 'NORMAL' });
    expect(kpiFlag(180, 300, 30)).toEqual({ deviation: -0.4, flag: 'DROP' });
    expect(kpiFlag(2950, 1200, 50).flag).toBe('SPIKE');
    expect(kpiFlag(null, 300, 50)).toEqual({ deviation: null, flag: 'UNKNOWN' });
    expect(kpiFlag(10, null, 50)).toEqual({ deviation: null, flag: 'UNKNOWN' });
  });

  it('adds series up and takes the baseline from a range average when the definition has none', async () => {
    const m = fakeMonitor('prom', { metrics: { orders: [40, 50] }, history: { orders: [200, 100, 150] } });
    const kpi = { name: 'orders', unit: 'orders/min', expression: 'orders', baseline: null, threshold: 30, monitor: null };
    const report = await readKpi(
      kpi,
      [{ name: 'prom', api: m.instance.forRequest({ sub: 'x', roles: [], groups: [] }) }],
      new Date(),
      silentLogger,
    );
    expect(report).toMatchObject({ value: 90, baseline: 150, flag: 'DROP' });
    expect(report.deviation).toBeCloseTo(-0.4, 9);
  });

  it('is UNKNOWN when the monitor fails', async () => {
    const api = {
      ...fakeMonitor('prom').instance.forRequest({ sub: 'x', roles: [], groups: [] }),
      query: async () => Promise.reject(new Error('down')),
    };
    const kpi = { name: 'orders', unit: null, expression: 'orders', baseline: 100, threshold: 50, monitor: null };
    expect(await readKpi(kpi, [{ name: 'prom', api }], new Date(), silentLogger)).toMatchObject({ value: null, flag: 'UNKNOWN' });
  });
});

describe('explanations in the words a viewer may read', () => {
  const children: ExplainedChild[] = [
    { id: 'payroll-app', name: 'payroll-app', kind: 'ci', status: 'CRITICAL' },
    { id: 'payroll-batch', name: 'payroll-batch', kind: 'ci', status: 'CRITICAL' },
    { id: 'identity', name: 'Identity', kind: 'service', status: 'OK' },
    { id: 'email', name: 'Email', kind: 'service', status: 'MINOR' },
  ];
  const worst = { text: 'worst: payroll-app CRITICAL, payroll-batch CRITICAL', rule: 'worst', causeIds: ['payroll-app', 'payroll-batch'] };
  const servicesOnly = (c: ExplainedChild) => c.kind === 'service';

  it("keeps the engine's text for a viewer who sees every child", () => {
    expect(explanationText(worst, 'CRITICAL', children, () => true)).toBe(worst.text);
  });

  it('counts the causes a viewer may not see, per status, and names the others', () => {
    expect(explanationText(worst, 'CRITICAL', children, servicesOnly)).toBe('worst: 2 components CRITICAL');
    const mixed = { text: 'worst: payroll-app MINOR, Email MINOR', rule: 'worst', causeIds: ['payroll-app', 'email'] };
    const minor = children.map((c) => (c.id === 'payroll-app' ? { ...c, status: 'MINOR' as const } : c));
    expect(explanationText(mixed, 'MINOR', minor, servicesOnly)).toBe('worst: Email MINOR, 1 component MINOR');
  });

  it('without causes (a healthy node), gives the status and what it was decided over, naming no component', () => {
    const ok = { text: 'worstIfAll: web01 OK, so web02 does not matter', rule: 'worstIfAll', causeIds: [] };
    const web: ExplainedChild[] = [
      { id: 'web01', name: 'web01', kind: 'ci', status: 'OK' },
      { id: 'web02', name: 'web02', kind: 'ci', status: 'CRITICAL' },
    ];
    expect(explanationText(ok, 'OK', web, servicesOnly)).toBe('worstIfAll: OK (1 component OK, 1 component CRITICAL)');
  });
});
