import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../kernel/errors.js';
import { copyDemoEstate, createHarness, viewer, type ServicesHarness } from './test-support.js';

/**
 * The services subgraph over the demo estate through the builtin connectors: server123 is down on
 * payday (payroll), mail-node2 is down in a cluster that tolerates it (email), and smaller problems
 * elsewhere. Calendar and SLA assertions do not depend on the wall clock: they hold at any hour.
 */

let h: ServicesHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(async () => {
  await h.close();
});

async function data<T = Record<string, any>>(
  query: string,
  as?: Parameters<ServicesHarness['run']>[1],
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await h.run(query, as, variables);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

const hrOwner = viewer('hr-owner', ['hr-it'], [{ kind: 'owned' }], 'COMPONENT');
const trader = viewer('trader', ['traders'], [{ kind: 'consumed' }], 'BUSINESS');
const employee = viewer('employee', ['all-staff'], [{ kind: 'consumed' }], 'BUSINESS');

describe('health', () => {
  it('payroll is CRITICAL because of server123, with the path down to it', async () => {
    const d = await data(`{ service(id: "payroll") { status acknowledged inMaintenance
      explanation { rule text causes { id __typename } }
      rootCauses { ci { id } status path { id name kind } pathText } } }`);
    expect(d.service.status).toBe('CRITICAL');
    expect(d.service.rootCauses).toHaveLength(1);
    const [cause] = d.service.rootCauses;
    expect(cause.ci.id).toBe('server123');
    expect(cause.status).toBe('CRITICAL');
    expect(cause.path[0]).toEqual({ id: 'payroll', name: 'Payroll', kind: 'SERVICE' });
    expect(cause.path.at(-1)).toEqual({ id: 'server123', name: 'server123', kind: 'CI' });
    expect(cause.pathText).toMatch(/^Payroll → payroll-(app|batch) → server123$/);
    expect(d.service.explanation.causes.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['payroll-app']));
  });

  it('email is not CRITICAL although mail-node2 is down: the cluster tolerates one node', async () => {
    const d = await data(`{ service(id: "email") { status rootCauses { ci { id } } }
      configurationItem: _entities(representations: [{ __typename: "ConfigurationItem", id: "mail-node2" }]) {
        ... on ConfigurationItem { id status explanation { text } impactedServices { service { id } } } } }`);
    expect(d.service.status).not.toBe('CRITICAL');
    expect(d.service.rootCauses.map((c: { ci: { id: string } }) => c.ci.id)).not.toContain('mail-node2');
    const [node] = d.configurationItem;
    expect(node.status).toBe('CRITICAL');
    expect(node.explanation.text).toMatch(/Host down/);
    // Down, but it changes no service's status.
    expect(node.impactedServices).toEqual([]);
  });

  it('server123 impacts payroll bottom-up, with the status with and without it', async () => {
    const d = await data(`{ _entities(representations: [{ __typename: "ConfigurationItem", id: "server123" }]) {
      ... on ConfigurationItem { status statusSince impactedServices { service { id name } statusWith statusWithout magnitude path { id } } } } }`);
    const [ci] = d._entities;
    expect(ci.status).toBe('CRITICAL');
    const payroll = ci.impactedServices.find((i: { service: { id: string } }) => i.service.id === 'payroll');
    expect(payroll).toMatchObject({ service: { name: 'Payroll' }, statusWith: 'CRITICAL', magnitude: expect.any(Number) });
    expect(payroll.magnitude).toBeGreaterThan(0);
    expect(payroll.statusWithout).not.toBe('CRITICAL');
    expect(payroll.path[0].id).toBe('payroll');
    expect(payroll.path.at(-1).id).toBe('server123');
  });

  it('lists dependencies with their edge map, dependents and the tree', async () => {
    const d = await data(`{ service(id: "payroll") {
      rule { kind text extraRules { kind } parameters { name value } }
      dependencies { node { id __typename } relation map weight effectiveStatus }
      tree(depth: 2) { node { id } name depth parentId status }
      components { id } }
      identity: service(id: "identity") { dependents { id } } }`);
    const deps = d.service.dependencies;
    expect(deps.find((x: { node: { id: string } }) => x.node.id === 'email')).toMatchObject({
      relation: 'SERVICE',
      map: 'decrease 1',
      node: { __typename: 'Service' },
    });
    expect(deps.find((x: { node: { id: string } }) => x.node.id === 'payroll-batch')).toMatchObject({
      relation: 'DEPENDS_ON',
      weight: 2,
      effectiveStatus: 'CRITICAL',
    });
    expect(d.service.rule).toMatchObject({ kind: 'worst', extraRules: [], parameters: [] });
    expect(d.service.rule.text).toMatch(/worst/);
    expect(d.service.tree[0]).toMatchObject({ node: { id: 'payroll' }, depth: 0, parentId: null, status: 'CRITICAL' });
    expect(d.service.tree.some((t: { depth: number; parentId: string }) => t.depth === 2 && t.parentId === 'payroll-app')).toBe(true);
    expect(Math.max(...d.service.tree.map((t: { depth: number }) => t.depth))).toBe(2);
    expect(d.service.components.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['server123', 'payroll-db', 'mail-node2']),
    );
    expect(d.identity.dependents.map((s: { id: string }) => s.id).sort()).toEqual(['email', 'payroll', 'trading', 'vdi']);
  });

  it('gives other subgraphs the component ids of a service', async () => {
    const d = await data(`{ _entities(representations: [{ __typename: "Service", id: "payroll" }]) { ... on Service { componentIds } } }`);
    expect(d._entities[0].componentIds).toEqual(expect.arrayContaining(['payroll-app', 'server123', 'san-storage01']));
  });

  it('describes the rule kinds for an editor', async () => {
    const d = await data('{ ruleKinds { name target parameters { name type required } example } }');
    const quorum = d.ruleKinds.find((k: { name: string }) => k.name === 'quorum');
    expect(quorum).toMatchObject({ target: 'NODE', parameters: expect.arrayContaining([{ name: 'min', type: 'int', required: true }]) });
    expect(d.ruleKinds.find((k: { name: string }) => k.name === 'decrease').target).toBe('EDGE');
  });
});

describe('business views', () => {
  it('ranks server123 first (payday, SLA about to break) and explains why', async () => {
    const d =
      await data(`{ outages { rank ci { id } status revenuePerHourAtRisk usersAtRisk calendarReason timeToBreach { seconds text } breachAt priorityScore why
      impactedServices { service { id } } } }`);
    const [first, ...rest] = d.outages;
    expect(first).toMatchObject({
      rank: 1,
      ci: { id: 'server123' },
      status: 'CRITICAL',
      revenuePerHourAtRisk: 20000,
      usersAtRisk: 1200,
      calendarReason: 'payday',
    });
    expect(first.why).toMatch(
      /^server123 takes down Payroll \(CRITICAL, payday ×3, 20,000\/h at risk, 1,200 users, SLA breaks in \d+ minutes?\)$/,
    );
    expect(first.impactedServices.map((i: { service: { id: string } }) => i.service.id)).toContain('payroll');
    expect(first.timeToBreach.seconds).toBeGreaterThan(0);
    expect(rest.map((o: { rank: number }) => o.rank)).toEqual(rest.map((_: unknown, i: number) => i + 2));
    for (const o of rest) expect(o.priorityScore).toBeLessThan(first.priorityScore);
    expect(d.outages.map((o: { ci: { id: string } }) => o.ci.id)).not.toContain('mail-node2');
  });

  it('computes the payroll SLA from the recorded history', async () => {
    const d =
      await data(`{ service(id: "payroll") { statusSince sla { objective windowDays schedule availability errorBudget { seconds text } errorBudgetLeft { seconds }
      timeToBreach { seconds text } breachAt breached } impact { revenuePerHourAtRisk usersAffected priorityScore calendarReason calendarWeight } } }`);
    const { sla, impact, statusSince } = d.service;
    // 99.95 % over 30 days around the clock: 0.05 % × 2,592,000 s = 1,296 s of budget.
    expect(sla).toMatchObject({
      objective: 99.95,
      windowDays: 30,
      schedule: null,
      errorBudget: { seconds: 1296, text: '21 minutes' },
      breached: false,
    });
    // server123 went down 12 minutes before the estate was loaded: about 720 s of the budget are spent.
    expect(sla.errorBudgetLeft.seconds).toBeGreaterThan(400);
    expect(sla.errorBudgetLeft.seconds).toBeLessThan(700);
    expect(sla.timeToBreach.seconds).toBe(sla.errorBudgetLeft.seconds);
    expect(Date.parse(sla.breachAt) - Date.now()).toBeLessThan(700_000);
    expect(sla.availability).toBeLessThan(100);
    expect(Date.now() - Date.parse(statusSince)).toBeGreaterThanOrEqual(12 * 60_000 - 1000);
    expect(impact).toMatchObject({ revenuePerHourAtRisk: 20000, usersAffected: 1200, calendarReason: 'payday', calendarWeight: 3 });
    expect(impact.priorityScore).toBeGreaterThan(0);
  });

  it('lists SLAs at risk and the business impact for management', async () => {
    const d = await data(`{ slaAtRisk(horizonMinutes: 60) { service { id } timeToBreach { seconds } breachAt }
      businessImpact { servicesTotal servicesDown servicesDegraded servicesUnknown revenuePerHourAtRisk usersAffected
        slasAtRisk { service { id } } topServices(first: 2) { id } } }`);
    expect(d.slaAtRisk.map((r: { service: { id: string } }) => r.service.id)).toEqual(['payroll']);
    const bi = d.businessImpact;
    expect(bi).toMatchObject({ servicesTotal: 7, servicesDown: 1, slasAtRisk: [{ service: { id: 'payroll' } }] });
    expect(bi.topServices[0].id).toBe('payroll');
    expect(bi.topServices).toHaveLength(2);
    expect(bi.revenuePerHourAtRisk).toBeGreaterThanOrEqual(20000);
  });

  it('tells end users about their services in plain words', async () => {
    const d = await data('{ myServices { service { id } status since text incidentNumber } }', employee);
    const byId = Object.fromEntries(d.myServices.map((m: { service: { id: string } }) => [m.service.id, m]));
    expect(Object.keys(byId)).toEqual(expect.arrayContaining(['payroll', 'email']));
    expect(byId.payroll.text).toMatch(/^Payroll: down since \d\d:\d\d, we are working on it, incident INC0010001\.$/);
    expect(byId.payroll.incidentNumber).toBe('INC0010001');
    expect(byId.email.text).toBe('Email: working normally.');
    const summary = await data('{ service(id: "payroll") { summary } }', employee);
    expect(summary.service.summary).toBe(byId.payroll.text);
  });

  it('reads KPIs through the monitor and flags a spike', async () => {
    const d = await data('{ service(id: "trading") { kpis { name unit value baseline deviation flag expression } } }');
    const [kpi] = d.service.kpis;
    expect(kpi).toMatchObject({ name: 'trades per minute', unit: 'trades/min', value: 2950, baseline: 1200, flag: 'SPIKE' });
    expect(kpi.deviation).toBeCloseTo(2950 / 1200 - 1, 9);
  });
});

describe('lists and paging', () => {
  it('pages with opaque cursors', async () => {
    const page1 = await data('{ services(first: 3) { totalCount hasNextPage endCursor nodes { id } } }');
    expect(page1.services).toMatchObject({ totalCount: 7, hasNextPage: true });
    const page2 = await data(
      'query($after: String) { services(first: 10, after: $after) { hasNextPage endCursor nodes { id } } }',
      undefined,
      {
        after: page1.services.endCursor,
      },
    );
    expect(page2.services.hasNextPage).toBe(false);
    expect(page2.services.endCursor).toBeNull();
    const ids = [...page1.services.nodes, ...page2.services.nodes].map((n: { id: string }) => n.id);
    expect(ids).toEqual(['email', 'identity', 'network', 'payroll', 'trading', 'vdi', 'webshop']);
  });

  it('filters by status, criticality, tag and text', async () => {
    const d = await data(`{ down: services(filter: { status: [CRITICAL] }) { nodes { id } }
      critical: services(filter: { criticality: [CRITICAL] }) { nodes { id } }
      finance: services(filter: { tag: "finance" }) { nodes { id } }
      text: services(filter: { text: "MAIL" }) { nodes { id } } }`);
    expect(d.down.nodes).toEqual([{ id: 'payroll' }]);
    expect(d.critical.nodes.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining(['payroll', 'trading']));
    expect(d.critical.nodes.map((n: { id: string }) => n.id)).not.toContain('email');
    expect(d.finance.nodes.map((n: { id: string }) => n.id)).toEqual(['payroll', 'trading']);
    expect(d.text.nodes.map((n: { id: string }) => n.id)).toContain('email');
  });

  it('rejects a page larger than the cap and a cursor it did not give out', async () => {
    for (const query of [
      '{ services(first: 1000) { totalCount } }',
      '{ services(after: "bm9wZQ==") { totalCount } }',
      '{ outages(first: -1) { rank } }',
    ]) {
      const result = await h.run(query);
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
  });
});

describe('scope: a service outside the viewer scope is invisible', () => {
  it('shows an owner their services and the children, nothing else', async () => {
    const d = await data('{ services { nodes { id } } viewer { id scope { kinds services } } }', hrOwner);
    const ids = d.services.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(['email', 'identity', 'network', 'payroll']);
    expect(d.viewer.scope.kinds).toEqual(['OWNED']);
    expect([...d.viewer.scope.services].sort()).toEqual(ids);
  });

  it('answers null, without an error, for a service or CI out of scope', async () => {
    const result = await h.run(
      `{ service(id: "trading") { id name }
         _entities(representations: [{ __typename: "Service", id: "trading" }, { __typename: "ConfigurationItem", id: "trade-app01" },
                                     { __typename: "ConfigurationItem", id: "server123" }, { __typename: "Service", id: "nosuch" }]) {
           ... on Service { id } ... on ConfigurationItem { id } } }`,
      hrOwner,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['service']).toBeNull();
    expect(result.data?.['_entities']).toEqual([null, null, { id: 'server123' }, null]);
  });

  it('leaves out-of-scope services out of dependents, impact, outages and the business view', async () => {
    const d = await data(
      `{ identity: service(id: "identity") { dependents { id } }
      businessImpact { servicesTotal topServices { id } }
      outages { ci { id } impactedServices { service { id } } } }`,
      trader,
    );
    expect(d.identity.dependents).toEqual([{ id: 'trading' }]);
    expect(d.businessImpact.servicesTotal).toBe(3);
    expect(d.businessImpact.topServices.map((s: { id: string }) => s.id)).not.toContain('payroll');
    expect(d.outages.map((o: { ci: { id: string } }) => o.ci.id)).not.toContain('server123');
    const ci = await data(
      `{ _entities(representations: [{ __typename: "ConfigurationItem", id: "core-switch1" }]) {
      ... on ConfigurationItem { impactedServices { service { id } } } } }`,
      trader,
    );
    for (const i of ci._entities[0]?.impactedServices ?? []) expect(['trading', 'network', 'identity']).toContain(i.service.id);
  });
});

describe('history', () => {
  it('survives a restart: a new subgraph on the same data directory sees the same history', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sg-restart-'));
    const query = `{ service(id: "payroll") { status statusSince statusHistory(from: "2000-01-01T00:00:00Z") { at from to } } }`;
    try {
      const first = createHarness({ dataDir });
      await first.module.start?.();
      const before = (await first.run(query)).data?.['service'] as { statusSince: string; statusHistory: unknown[] };
      await first.close();
      expect(before.statusHistory).toEqual([{ at: before.statusSince, from: null, to: 'CRITICAL' }]);

      const second = createHarness({ dataDir });
      const after = (await second.run(query)).data?.['service'] as { statusSince: string; statusHistory: unknown[] };
      await second.close();
      expect(after.statusSince).toBe(before.statusSince);
      expect(after.statusHistory).toEqual(before.statusHistory);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a malformed date', async () => {
    const result = await h.run('{ service(id: "payroll") { statusHistory(from: "yesterday") { at } } }');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('definition problems stop the start', () => {
  it('names the file and the path of every problem', () => {
    const estate = copyDemoEstate();
    try {
      writeFileSync(
        join(estate.dir, 'services', 'broken.yaml'),
        'id: broken\nname: Broken\ncriticality: HIGH\nowner: x\nrule: { kind: wrost }\nchildren: [{ service: nosuch }]\n',
      );
      expect(() => createHarness({ estateDir: estate.dir })).toThrow(ConfigError);
      try {
        createHarness({ estateDir: estate.dir });
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([
          expect.stringMatching(/^services\/broken\.yaml: rule\.kind: unknown rule "wrost"/),
        ]);
      }
    } finally {
      estate.remove();
    }
  });
});
