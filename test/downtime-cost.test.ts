import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteHistory, type Transition } from '../bsm/history.js';
import type { Status } from '../kernel/model.js';
import { startStack, type Stack } from './harness.js';

/**
 * The cost of downtime through the gateway on the demo, with the clock and the history driven: a
 * recorded 30-minute outage and an hour of planned maintenance earlier this month, then payroll down
 * (server123) from the moment the stack first looks, for 45 minutes of the driven clock.
 */
const year = new Date().getUTCFullYear();
const month = new Date().getUTCMonth();
const at = (day: number, hh: number, mm = 0) => new Date(Date.UTC(year, month, day, hh, mm));

describe('cost of downtime over the demo estate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cost-'));
  let stack: Stack;
  let clock = at(15, 12);
  beforeAll(async () => {
    const history = createSqliteHistory(join(dir, 'data'));
    const chain: [Date, Status | null, Status, boolean][] = [
      [at(15, 8), null, 'OK', false],
      [at(15, 9), 'OK', 'CRITICAL', false],
      [at(15, 9, 30), 'CRITICAL', 'OK', false],
      [at(15, 10), 'OK', 'CRITICAL', true],
      [at(15, 11), 'CRITICAL', 'OK', false],
    ];
    let fromMaintenance = false;
    for (const [when, from, to, inMaintenance] of chain) {
      const t: Transition = { id: 'payroll', at: when, from, to, inMaintenance, fromMaintenance };
      expect(await history.record([t])).toHaveLength(1);
      fromMaintenance = inMaintenance;
    }
    await history.close();
    stack = await startStack({ dir, now: () => clock });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("this month's downtime cost of payroll is its recorded bad minutes × revenue per hour; maintenance is free", async () => {
    const executive = await stack.token('executive');
    const query = `{
      service(id: "payroll") { status downtimeCost { downtime { seconds } maintenance { seconds } availability revenueLost userHoursLost productivityCost total } }
      businessImpact { downtimeCostMonthToDate { total { revenueLost } byService { service { id } cost { revenueLost } } byValueClass { valueClass cost { revenueLost } } } }
    }`;
    const first = await stack.gql<any>(query, { token: executive });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.service.status).toBe('CRITICAL'); // recorded from now on (12:00)
    clock = at(15, 12, 45);
    const { body } = await stack.gql<any>(query, { token: executive });
    expect(body.errors).toBeUndefined();
    const cost = body.data.service.downtimeCost;
    // 30 recorded minutes + 45 since the stack saw it down; the maintenance hour costs nothing.
    expect(cost.downtime.seconds).toBe(75 * 60);
    expect(cost.maintenance.seconds).toBe(3600);
    expect(cost.revenueLost).toBeCloseTo((75 / 60) * 20000, 6);
    expect(cost.userHoursLost).toBeCloseTo((75 / 60) * 1200, 6);
    expect(cost.productivityCost).toBeCloseTo((75 / 60) * 1200 * 50, 6);
    expect(cost.total).toBeCloseTo(cost.revenueLost + cost.productivityCost, 6);
    // Observed: 08:00-10:00 and 11:00-12:45 = 225 minutes, 75 of them down.
    expect(cost.availability).toBeCloseTo((150 / 225) * 100, 6);
    const mtd = body.data.businessImpact.downtimeCostMonthToDate;
    expect(mtd.byService.find((s: any) => s.service.id === 'payroll').cost.revenueLost).toBeCloseTo(cost.revenueLost, 6);
    const valueAdd = mtd.byValueClass.find((v: any) => v.valueClass === 'VALUE_ADD');
    expect(valueAdd.cost.revenueLost).toBeGreaterThanOrEqual(cost.revenueLost);
    expect(mtd.byValueClass.map((v: any) => v.valueClass)).toEqual(['COMMODITY', 'DIFFERENTIATOR', 'VALUE_ADD']);
    expect(mtd.total.revenueLost).toBeCloseTo(
      mtd.byService.reduce((a: number, s: any) => a + s.cost.revenueLost, 0),
      6,
    );
  });

  it('keeps to the scope and refuses a backwards period with a code', async () => {
    const owner = await stack.token('service-owner', { groups: ['ecommerce'] });
    const { body } = await stack.gql<any>(`{ downtimeCost { byService { service { id } } } }`, { token: owner });
    expect(body.errors).toBeUndefined();
    // The web shop and the network it runs on (a child service), never payroll.
    expect(body.data.downtimeCost.byService.map((s: any) => s.service.id).sort()).toEqual(['network', 'webshop']);
    const bad = await stack.gql<any>(`{ downtimeCost(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { total { total } } }`, {
      token: owner,
    });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
