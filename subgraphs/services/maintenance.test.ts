import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoEstate, createHarness, viewer, type ServicesHarness } from './test-support.js';

/**
 * Planned maintenance as a state of its own: the demo estate with server123 (CRITICAL, under
 * payroll, `maintenance: checkmk`) in a maintenance window that its monitor says ends in 45 minutes.
 */
let h: ServicesHarness;
let remove: () => void;
let until: number;
beforeAll(() => {
  const estate = copyDemoEstate();
  remove = estate.remove;
  const file = join(estate.dir, 'monitor.yaml');
  const monitor = readFileSync(file, 'utf8');
  const a1 = /( {2}- id: a1\n(?: {4}.*\n)*?) {4}inMaintenance: false\n/;
  if (!a1.test(monitor)) throw new Error('the demo estate changed: server123 has no alert a1 to put in maintenance');
  writeFileSync(file, monitor.replace(a1, '$1    inMaintenance: true\n    maintenanceUntil: "{{now+45m}}"\n'));
  until = Date.now() + 45 * 60_000;
  h = createHarness({ estateDir: estate.dir });
});
afterAll(async () => {
  await h.close();
  remove();
});

async function data(query: string, as?: Parameters<ServicesHarness['run']>[1]): Promise<Record<string, any>> {
  const result = await h.run(query, as);
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, any>;
}

describe('a CRITICAL CI in planned maintenance', () => {
  it('keeps its status, and puts the service it explains in maintenance until the announced end', async () => {
    const d = await data(`{ service(id: "payroll") { status inMaintenance maintenanceUntil summary
      impact { revenuePerHourAtRisk usersAffected priorityScore } } }`);
    expect(d.service).toMatchObject({
      status: 'CRITICAL',
      inMaintenance: true,
      impact: { revenuePerHourAtRisk: 0, usersAffected: 0, priorityScore: 0 },
    });
    expect(Math.abs(Date.parse(d.service.maintenanceUntil) - until)).toBeLessThan(60_000);
    expect(d.service.summary).toBe(`Payroll: in planned maintenance until ${d.service.maintenanceUntil.slice(11, 16)}.`);
  });

  it('is no outage and no service down', async () => {
    const d = await data(
      `{ outages { ci { id } } businessImpact { servicesDown servicesInMaintenance topServices { id } slasAtRisk { service { id } } } }`,
    );
    expect(d.outages.map((o: any) => o.ci.id)).not.toContain('server123');
    expect(d.businessImpact.servicesInMaintenance).toBeGreaterThanOrEqual(1);
    expect(d.businessImpact.topServices.map((s: any) => s.id)).not.toContain('payroll');
    expect(d.businessImpact.slasAtRisk.map((r: any) => r.service.id)).not.toContain('payroll');
    const down = await data(`{ services(filter: { status: [MAJOR, CRITICAL] }) { nodes { id inMaintenance } } }`);
    const failing = down.services.nodes.filter((s: any) => !s.inMaintenance).length;
    expect(d.businessImpact.servicesDown).toBe(failing);
  });

  it('is no SLA bad time, and the history records the maintenance', async () => {
    const d =
      await data(`{ service(id: "payroll") { sla { timeToBreach { seconds } breached errorBudget { seconds } errorBudgetLeft { seconds } }
      statusHistory(from: "2000-01-01T00:00:00Z") { to inMaintenance } } }`);
    expect(d.service.sla).toMatchObject({ timeToBreach: null, breached: false });
    expect(d.service.sla.errorBudgetLeft.seconds).toBe(d.service.sla.errorBudget.seconds);
    expect(d.service.statusHistory).toEqual([{ to: 'CRITICAL', inMaintenance: true }]);
  });

  it('reads "in planned maintenance until …" to end users, without the incident', async () => {
    const employee = viewer('employee', ['all-staff'], [{ kind: 'consumed' }], 'BUSINESS');
    const d = await data('{ myServices { service { id } text } }', employee);
    const payroll = d.myServices.find((s: any) => s.service.id === 'payroll');
    expect(payroll.text).toMatch(/^Payroll: in planned maintenance until \d\d:\d\d\.$/);
  });
});
