import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

/** What-if through the gateway on the demo: taking san-storage01 down tonight, and who may ask. */
describe('what-if over the demo estate', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const WHAT_IF = `query ($from: DateTime, $to: DateTime) {
    whatIf(changes: [{ id: "san-storage01", maintenance: true }], from: $from, to: $to) {
      from to windowRevenue windowUserHours windowCost revenuePerHourAtRiskNow revenuePerHourAtRiskThen
      slaBreaches { id }
      services {
        service { id } changed windowRevenue windowUserHours
        current { status inMaintenance } hypothetical { status inMaintenance revenuePerHourAtRisk }
        rootCauses { ci { id } pathText }
      }
    }
  }`;
  const history = `{
    payroll: service(id: "payroll") { statusHistory(from: "2000-01-01T00:00:00Z") { at to } }
    san: configurationItem(id: "san-storage01") { status statusHistory(from: "2000-01-01T00:00:00Z") { at to } }
    incidents(first: 100) { id }
  }`;

  it("shows payroll's impact of san-storage01 in maintenance tonight, beside now, and writes nothing", async () => {
    const operator = await stack.token('operator');
    const before = await stack.gql(history, { token: operator });
    expect(before.body.errors).toBeUndefined();
    const from = new Date(Date.now() + 6 * 3_600_000);
    const to = new Date(from.getTime() + 2 * 3_600_000);
    const { body } = await stack.gql<any>(WHAT_IF, { token: operator, variables: { from: from.toISOString(), to: to.toISOString() } });
    expect(body.errors).toBeUndefined();
    const result = body.data.whatIf;
    const payroll = result.services.find((s: any) => s.service.id === 'payroll');
    expect(payroll).toBeDefined();
    // san-storage01 carries the payroll application's server and database: payroll is out for the window.
    expect(payroll.hypothetical.status).toBe('CRITICAL');
    expect(payroll.rootCauses.map((c: any) => c.ci.id)).toContain('san-storage01');
    expect(payroll.windowRevenue).toBe(20000 * 2);
    expect(payroll.windowUserHours).toBe(1200 * 2);
    const webshop = result.services.find((s: any) => s.service.id === 'webshop');
    expect(webshop).toMatchObject({ changed: true, hypothetical: { inMaintenance: true, revenuePerHourAtRisk: 0 } });
    expect(result.windowRevenue).toBeGreaterThanOrEqual(20000 * 2 + 40000 * 2);
    // Planned maintenance is not counted against an SLA.
    expect(result.slaBreaches.map((s: any) => s.id)).not.toContain('webshop');
    // Nothing recorded, nothing opened, the CI itself untouched.
    expect(await stack.gql(history, { token: operator })).toEqual(before);
    expect((before.body.data as any).san.status).toBe('OK');
  });

  it('says which SLAs an unplanned outage breaks within the window', async () => {
    const operator = await stack.token('operator');
    const { body } = await stack.gql<any>(
      `{ whatIf(changes: [{ id: "san-storage01", status: CRITICAL }]) { slaBreaches { id } services { service { id } slaBreach hypothetical { timeToBreach { seconds } } } } }`,
      { token: operator },
    );
    expect(body.errors).toBeUndefined();
    const webshop = body.data.whatIf.services.find((s: any) => s.service.id === 'webshop');
    // 99.9 % over 30 days is 43 minutes of budget: an hour down breaks it.
    expect(webshop.hypothetical.timeToBreach.seconds).toBeLessThanOrEqual(3600);
    expect(body.data.whatIf.slaBreaches.map((s: any) => s.id)).toContain('webshop');
  });

  it('keeps to the viewer: the web shop owner sees the web shop only, and an id outside the scope does not exist', async () => {
    const owner = await stack.token('service-owner', { groups: ['ecommerce'] });
    const { body } = await stack.gql<any>(WHAT_IF, { token: owner });
    expect(body.errors).toBeUndefined();
    expect(body.data.whatIf.services.map((s: any) => s.service.id)).toEqual(['webshop']);
    const outside = await stack.gql<any>(`{ whatIf(changes: [{ id: "server123", status: OK }]) { windowCost } }`, { token: owner });
    expect(outside.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const executive = await stack.token('executive');
    const denied = await stack.gql<any>(WHAT_IF, { token: executive });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses changes it cannot apply, with a code', async () => {
    const operator = await stack.token('operator');
    const bad = async (changes: string) =>
      (await stack.gql<any>(`{ whatIf(changes: ${changes}) { windowCost } }`, { token: operator })).body.errors?.[0]?.extensions?.code;
    expect(await bad('[]')).toBe('BAD_USER_INPUT');
    expect(await bad('[{ id: "payroll" }]')).toBe('BAD_USER_INPUT');
    expect(await bad('[{ id: "payroll", status: OK }, { id: "payroll", status: MAJOR }]')).toBe('BAD_USER_INPUT');
    expect(await bad('[{ id: "no-such-thing", status: OK }]')).toBe('NOT_FOUND');
  });
});
