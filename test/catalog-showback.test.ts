import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startStack, type Stack } from './harness.js';

/** Showback and the service catalogue through the gateway on the demo estate and its builtin help desk. */
describe('showback and the service catalogue over the demo estate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-catalog-'));
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dir });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const REQUEST = `mutation($input: RequestOfferingInput!) {
    requestOffering(input: $input) { number message offering { id name } }
  }`;
  const request = async (token: string, offeringId: string, clientMutationId: string) =>
    stack.gql<any>(REQUEST, { token, variables: { input: { offeringId, clientMutationId, note: 'for March' } } });

  /** The request records the builtin help desk holds for an offering, from its store. */
  function requestRecords(name: string): { number: string; service_id: string }[] {
    const db = new Database(join(stack.dataDir, 'builtin-helpdesk.sqlite'), { readonly: true });
    try {
      return db
        .prepare<[string], { number: string; service_id: string }>(
          "SELECT number, service_id FROM incident WHERE number LIKE 'REQ%' AND title = ? ORDER BY number",
        )
        .all(`Request: ${name}`);
    } finally {
      db.close();
    }
  }

  /** Incidents matching the text, as the help desk sees them: a request must never be among them. */
  async function incidentsNamed(text: string): Promise<unknown[]> {
    const token = await stack.token('helpdesk');
    const { body } = await stack.gql<any>(`query($text: String) { incidents(filter: { text: $text }, first: 200) { number } }`, {
      token,
      variables: { text },
    });
    expect(body.errors).toBeUndefined();
    return body.data.incidents;
  }

  it('lists the offerings of the services the viewer sees, with value class, cost, SLA and owner', async () => {
    const endUser = await stack.token('end-user', { groups: ['all-staff'] });
    const { body } = await stack.gql<any>(`{ catalog { id name valueClass monthlyCost slaObjective owner howToRequest service { id } } }`, {
      token: endUser,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.catalog.map((o: any) => o.id)).toEqual(['email.shared-mailbox', 'payroll.payslip-reissue', 'vdi.trader-desktop']);
    expect(body.data.catalog[1]).toMatchObject({ valueClass: 'VALUE_ADD', monthlyCost: 0, slaObjective: 99.95, owner: 'hr-it' });
    const customer = await stack.token('end-user', { groups: ['customers'] });
    const theirs = await stack.gql<any>(`{ catalog { id } }`, { token: customer });
    expect(theirs.body.data.catalog).toEqual([]);
  });

  it('opens one request ticket, also on retry; another viewer with the same key opens its own', async () => {
    const ursula = await stack.token('end-user', { sub: 'ursula', groups: ['all-staff'] });
    const first = await request(ursula, 'payroll.payslip-reissue', 'req-1');
    expect(first.body.errors).toBeUndefined();
    const { number } = first.body.data.requestOffering;
    expect(first.body.data.requestOffering.message).toBe(`We opened ${number} for Payslip reissue.`);
    const retry = await request(ursula, 'payroll.payslip-reissue', 'req-1');
    expect(retry.body.data.requestOffering.number).toBe(number);
    expect(number).toMatch(/^REQ\d{7}$/);
    expect(requestRecords('Payslip reissue')).toEqual([{ number, service_id: 'payroll' }]);
    expect(await incidentsNamed('Payslip reissue')).toEqual([]);

    const victor = await stack.token('end-user', { sub: 'victor', groups: ['all-staff'] });
    const other = await request(victor, 'payroll.payslip-reissue', 'req-1');
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.requestOffering.number).not.toBe(number);
    expect(requestRecords('Payslip reissue').map((t) => t.number)).toEqual([number, other.body.data.requestOffering.number].sort());
  });

  it('answers an offering outside the scope like a missing one, opens nothing, and audits the denial', async () => {
    const customer = await stack.token('end-user', { sub: 'carla', groups: ['customers'] });
    const hidden = await request(customer, 'email.shared-mailbox', 'req-2');
    const missing = await request(customer, 'email.no-such-offering', 'req-2');
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(hidden.body.errors?.[0]?.message.replace('shared-mailbox', 'X')).toBe(
      missing.body.errors?.[0]?.message.replace('no-such-offering', 'X'),
    );
    expect(requestRecords('Shared mailbox')).toEqual([]);
    const audit = readFileSync(stack.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(audit).toContainEqual(
      expect.objectContaining({
        who: 'carla',
        kind: 'denial',
        action: 'offering:request',
        target: 'email.shared-mailbox',
        result: 'denied',
      }),
    );
  });

  it('shows an executive each service’s own, allocated and total cost and each consumer group’s, no CI names', async () => {
    const executive = await stack.token('executive');
    const { body } = await stack.gql<any>(
      `{ showback(month: "2026-12") { month total services { service { id } ownCost allocatedCost totalCost allocatedOnward byConsumerGroup { group cost } } byConsumerGroup { group cost } } }`,
      { token: executive },
    );
    expect(body.errors).toBeUndefined();
    const report = body.data.showback;
    expect(report.month).toBe('2026-12');
    expect(report.total).toBe(227200); // the own costs of the seven demo services
    const payroll = report.services.find((s: any) => s.service.id === 'payroll');
    // Worked out in bsm/showback.test.ts: 25000 own + 4000 of identity + 38000 of email.
    expect(payroll).toMatchObject({ ownCost: 25000, allocatedCost: 42000, totalCost: 67000, allocatedOnward: 0 });
    expect(report.services[0].service.id).toBe('webshop'); // costliest total first: 70000
    expect(report.byConsumerGroup[0]).toEqual({ group: 'traders', cost: 64800 });
    expect(report.byConsumerGroup.reduce((sum: number, g: any) => sum + g.cost, 0)).toBeCloseTo(227200, 6);
    const bad = await stack.gql<any>(`{ showback(month: "December") { total } }`, { token: executive });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps showback to the viewer’s scope', async () => {
    const owner = await stack.token('service-owner', { groups: ['ecommerce'] });
    const { body } = await stack.gql<any>(`{ showback { services { service { id } } byConsumerGroup { group } } }`, { token: owner });
    expect(body.errors).toBeUndefined();
    expect(body.data.showback.services.map((s: any) => s.service.id).sort()).toEqual(['network', 'webshop']);
    expect(body.data.showback.byConsumerGroup.map((g: any) => g.group).sort()).toEqual(['customers', 'marketing']);
  });

  it('refuses a viewer without the action', async () => {
    const executive = await stack.token('executive');
    const { body } = await request(executive, 'payroll.payslip-reissue', 'req-3');
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

/** Showback with the CMDB's cost of the CIs: the demo estate with two priced CIs in its builtin CMDB. */
describe('showback with CI costs from the CMDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cmdb-cost-'));
  let stack: Stack;
  beforeAll(async () => {
    const estateDir = join(dir, 'estate');
    cpSync(join(ROOT, 'estate/demo'), estateDir, { recursive: true });
    const cmdb = readFileSync(join(estateDir, 'cmdb.yaml'), 'utf8')
      .replace('{ id: server123, class: server,', '{ id: server123, monthlyCost: 850, class: server,')
      .replace('{ id: san-storage01, class: storage,', '{ id: san-storage01, monthlyCost: 4200, class: storage,');
    writeFileSync(join(estateDir, 'cmdb.yaml'), cmdb);
    stack = await startStack({ dir, estateDir });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds each service’s share of the CIs it uses directly, a shared CI split by users', async () => {
    const executive = await stack.token('executive');
    const { body } = await stack.gql<any>(`{ showback { total services { service { id } ownCost totalCost } } }`, { token: executive });
    expect(body.errors).toBeUndefined();
    const byId = new Map(body.data.showback.services.map((s: any) => [s.service.id, s]));
    // server123 (850) is payroll's alone. san-storage01 (4200) is used directly by payroll (server123,
    // db-server01) and the web shop (db-server02): by users 1200 : 3000 = 1200 + 3000.
    expect(byId.get('payroll')).toEqual({ service: { id: 'payroll' }, ownCost: 25000 + 850 + 1200, totalCost: 67000 + 2050 });
    expect(byId.get('webshop')).toEqual({ service: { id: 'webshop' }, ownCost: 40000 + 3000, totalCost: 70000 + 3000 });
    expect(body.data.showback.total).toBe(227200 + 850 + 4200);
  });
});
