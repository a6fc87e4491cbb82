import { describe, expect, it } from 'vitest';
import {
  article,
  ci,
  codes,
  createRunner,
  fakeCatalog,
  fakeCmdb,
  fakeHelpdesk,
  fakeKnowledge,
  incident,
  testDeps,
  viewer,
} from '../common/test-fakes.js';
import type { Offering } from '../../bsm/catalog.js';
import type { ScopeSource } from '../../bsm/directory.js';
import { createHelpdeskSubgraph } from './index.js';

const catalog = fakeCatalog([
  {
    id: 'payroll',
    name: 'Payroll',
    owner: 'hr-it',
    consumers: ['staff'],
    criticality: 'CRITICAL',
    components: ['server123', 'payroll-db'],
  },
  { id: 'email', name: 'Email', owner: 'mail-team', consumers: ['staff'], criticality: 'MEDIUM', components: ['mail-node1'] },
  { id: 'trading', name: 'Trading', owner: 'markets', consumers: ['traders'], components: ['trade-gw'] },
]);
const cis = [ci('server123', { fqdn: 'server123.corp.example' }), ci('payroll-db'), ci('mail-node1'), ci('trade-gw')];

function setup(
  options: {
    jiraDown?: boolean;
    cmdbDown?: boolean;
    noLinks?: boolean;
    maxPageSize?: number;
    catalog?: ScopeSource;
    audits?: unknown[];
    offerings?: Offering[];
  } = {},
) {
  const soon = new Date(Date.now() + 600_000).toISOString();
  const rt = fakeHelpdesk(
    'rt',
    [
      incident('rt', '1', {
        title: 'Payroll run fails',
        priority: 'HIGH',
        ci: { name: 'server123.corp.example' },
        resolutionDue: soon,
        linkedArticleIds: ['wiki:Restart'],
      }),
      incident('rt', '2', { title: 'Mail slow', ci: { name: 'mail-node1' }, openedAt: '2026-11-27T21:00:00.000Z' }),
      incident('rt', '3', { title: 'Old trading issue', state: 'RESOLVED', serviceId: 'trading' }),
      incident('rt', '4', { title: 'Printer jam', ci: { name: 'printer-7' } }),
    ],
    { noLinks: options.noLinks ?? false },
  );
  const sn = fakeHelpdesk('sn', [
    incident('sn', 'INC0010001', { tool: 'servicenow', title: 'Payroll report wrong', serviceId: 'payroll', priority: 'CRITICAL' }),
  ]);
  const down = fakeHelpdesk('jira', [incident('jira', 'JSM-1')], { fail: true });
  const wiki = fakeKnowledge('wiki', [article('wiki', 'Restart', { title: 'Restart the payroll batch' })]);
  const cmdb = fakeCmdb('cmdb', cis, [], { fail: options.cmdbDown ?? false });
  const desks = options.jiraDown ? [down.instance, rt.instance, sn.instance] : [rt.instance, sn.instance];
  const module = createHelpdeskSubgraph(
    testDeps({ helpdesk: desks, cmdb: [cmdb.instance], knowledge: [wiki.instance] }, options.maxPageSize ?? 200, options.offerings),
  );
  return { run: createRunner(module, options.catalog ?? catalog, options.audits), rt, sn };
}

const agent = viewer('hank', [{ role: 'helpdesk', actions: ['incident:create', 'incident:comment', 'article:link'] }]);
const payrollOwner = viewer('olivia', [{ role: 'owner', actions: ['incident:comment'], scope: [{ kind: 'owned' }] }], ['hr-it']);
const endUser = viewer(
  'ursula',
  [{ role: 'end-user', actions: ['problem:report'], scope: [{ kind: 'consumed' }], drillLevel: 'BUSINESS' }],
  ['staff'],
);

const INCIDENTS = `query($filter: IncidentFilter, $first: Int) {
  incidents(filter: $filter, first: $first) { id number title state priority source connector ci { id } service { id } linkedArticleIds resolutionTimeLeftSeconds }
}`;

describe('helpdesk subgraph', () => {
  it('lists open incidents of every help desk, correlated to CIs and services, most urgent first', async () => {
    const { run } = setup();
    const result = await run(agent, INCIDENTS);
    expect(result.errors).toBeUndefined();
    const list = result.data.incidents;
    expect(list.map((i: { id: string }) => i.id)).toEqual(['sn:INC0010001', 'rt:1', 'rt:2', 'rt:4']);
    expect(list[1]).toMatchObject({
      source: 'rt',
      connector: 'rt',
      ci: { id: 'server123' },
      service: { id: 'payroll' },
      linkedArticleIds: ['wiki:Restart'],
    });
    expect(list[1].resolutionTimeLeftSeconds).toBeGreaterThan(590);
    expect(list[1].resolutionTimeLeftSeconds).toBeLessThanOrEqual(600);
    expect(list[0]).toMatchObject({ source: 'servicenow', ci: null, service: { id: 'payroll' }, resolutionTimeLeftSeconds: null });
    expect(list[3]).toMatchObject({ ci: null, service: null });
  });

  it('filters by service (its own or its CIs), CI, text and open state', async () => {
    const { run } = setup();
    const ids = async (filter: object) => ((await run(agent, INCIDENTS, { filter })).data.incidents as { id: string }[]).map((i) => i.id);
    expect(await ids({ serviceIds: ['payroll'] })).toEqual(['sn:INC0010001', 'rt:1']);
    expect(await ids({ ciIds: ['mail-node1'] })).toEqual(['rt:2']);
    expect(await ids({ text: 'printer' })).toEqual(['rt:4']);
    expect(await ids({ openOnly: false, serviceIds: ['trading'] })).toEqual(['rt:3']);
  });

  it("leaves out incidents outside the viewer's scope and answers null for one by id", async () => {
    const { run } = setup();
    const result = await run(payrollOwner, INCIDENTS);
    expect(result.data.incidents.map((i: { id: string }) => i.id)).toEqual(['sn:INC0010001', 'rt:1']);
    expect(await run(payrollOwner, '{ incident(id: "rt:2") { id } }')).toEqual({ data: { incident: null } });
    expect((await run(payrollOwner, '{ incident(id: "rt:1") { id title } }')).data.incident).toEqual({
      id: 'rt:1',
      title: 'Payroll run fails',
    });
    expect(await run(agent, '{ a: incident(id: "nope:1") { id } b: incident(id: "rt:99") { id } }')).toEqual({
      data: { a: null, b: null },
    });
  });

  it("returns the other help desks' incidents and a coded error when one is down", async () => {
    const { run } = setup({ jiraDown: true });
    const result = await run(agent, '{ incidents { id } }');
    expect(result.data.incidents).toHaveLength(4);
    expect(result.errors?.map((e) => [e.path, e.extensions['code'], e.extensions['connector']])).toEqual([
      [['incidents'], 'UPSTREAM_UNAVAILABLE', 'jira'],
    ]);
    const one = await run(agent, '{ incident(id: "jira:JSM-1") { id } }');
    expect(one.data).toEqual({ incident: null });
    expect(one.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'jira' });
  });

  it('resolves entities: incidents of a service from componentIds, of a CI, and searchText for knowledge', async () => {
    const { run } = setup();
    const result = await run(
      agent,
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Service { id incidents { id } closed: incidents(openOnly: false) { id } }
        ... on ConfigurationItem { id incidents { id } }
        ... on Incident { id searchText }
      } }`,
      {
        reps: [
          { __typename: 'Service', id: 'payroll', componentIds: ['server123', 'payroll-db'] },
          { __typename: 'Service', id: 'trading', componentIds: ['trade-gw'] },
          { __typename: 'ConfigurationItem', id: 'mail-node1' },
          { __typename: 'Incident', id: 'rt:1' },
          { __typename: 'Incident', id: 'sn:INC0010001' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      { id: 'payroll', incidents: [{ id: 'sn:INC0010001' }, { id: 'rt:1' }], closed: [{ id: 'sn:INC0010001' }, { id: 'rt:1' }] },
      { id: 'trading', incidents: [], closed: [{ id: 'rt:3' }] },
      { id: 'mail-node1', incidents: [{ id: 'rt:2' }] },
      { id: 'rt:1', searchText: 'Payroll run fails server123 Payroll' },
      { id: 'sn:INC0010001', searchText: 'Payroll report wrong Payroll' },
    ]);
  });

  it('creates an incident once per clientMutationId, in the named or the first help desk', async () => {
    const { run, rt, sn } = setup();
    const create = `mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id connector title priority ci { id } service { id } } }`;
    const input = { title: 'Payroll batch stuck', description: 'since 9:00', ciId: 'server123', clientMutationId: 'k-1' };
    const first = await run(agent, create, { input });
    const again = await run(agent, create, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data.createIncident).toMatchObject({
      connector: 'rt',
      title: 'Payroll batch stuck',
      priority: 'MODERATE',
      ci: { id: 'server123' },
      service: { id: 'payroll' },
    });
    expect(again.data.createIncident.id).toBe(first.data.createIncident.id);
    // The key reaches the tool per viewer: the same clientMutationId from another viewer is another ticket.
    expect(rt.calls.create).toHaveLength(2);
    expect(rt.calls.create[0]).toBe(rt.calls.create[1]);
    expect(rt.calls.create[0]).not.toContain('k-1');
    const colleague = viewer('hugo', [{ role: 'helpdesk', actions: ['incident:create'] }]);
    const theirs = await run(colleague, create, { input });
    expect(theirs.data.createIncident.id).not.toBe(first.data.createIncident.id);
    const other = await run(agent, create, { input: { title: 'x', description: '', connector: 'sn', priority: 'LOW' } });
    expect(other.data.createIncident).toMatchObject({ connector: 'sn', priority: 'LOW', ci: null, service: null });
    // Without a clientMutationId every create gets its own key.
    expect(sn.calls.create[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(codes(await run(agent, create, { input: { title: 'x', description: '', connector: 'nope' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(agent, create, { input: { title: '  ', description: '' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(agent, create, { input: { title: 'x', description: '', ciId: 'ghost' } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('checks the create right on the service and on the CI the incident is for, each of them', async () => {
    const { run, rt } = setup();
    const payrollCreator = viewer('pc', [
      { role: 'payroll-desk', actions: ['incident:create'], scope: [{ kind: 'list', services: ['payroll'] }] },
    ]);
    const create = `mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`;
    const refused = async (input: object) => {
      const result = await run(payrollCreator, create, { input: { title: 'x', description: '', ...input } });
      return [codes(result), result.errors?.[0]?.message];
    };
    // Objects outside the viewer's scope read as objects that do not exist, in the input as anywhere.
    expect(await refused({ ciId: 'mail-node1' })).toEqual(
      await refused({ ciId: 'mail-node9' }).then(([c, m]) => [c, String(m).replace('9', '1')]),
    );
    expect(await refused({ serviceId: 'email' })).toEqual([['BAD_USER_INPUT'], 'input.serviceId: no service "email"']);
    // The service in scope does not carry a CI of another service with it.
    expect(await refused({ serviceId: 'payroll', ciId: 'trade-gw' })).toEqual([
      ['BAD_USER_INPUT'],
      'input.ciId: no configuration item "trade-gw"',
    ]);
    expect(rt.calls.create).toEqual([]);
    expect((await run(payrollCreator, create, { input: { title: 'x', description: '', serviceId: 'payroll' } })).errors).toBeUndefined();
    // About nothing in particular, the ticket would be one only a viewer who sees everything could see again.
    expect(codes(await run(payrollCreator, create, { input: { title: 'x', description: '' } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('comments only where the viewer may, hiding incidents out of scope', async () => {
    const { run, rt } = setup();
    const comment = (id: string, who = payrollOwner) => run(who, `mutation { commentIncident(id: "${id}", text: "looking") { id } }`);
    expect((await comment('rt:1')).data.commentIncident).toEqual({ id: 'rt:1' });
    expect(codes(await comment('rt:2'))).toEqual(['BAD_USER_INPUT']);
    const reader = viewer('rita', [{ role: 'reader', scope: [{ kind: 'all' }] }]);
    expect(codes(await comment('rt:1', reader))).toEqual(['FORBIDDEN']);
    expect(codes(await run(agent, 'mutation { commentIncident(id: "rt:1", text: " ") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(rt.calls.comment).toEqual(['rt:1: looking']);
  });

  it('links an article after looking it up in its knowledge base', async () => {
    const { run, rt } = setup();
    const link = (incidentId: string, articleId: string) =>
      run(agent, `mutation { linkArticle(incidentId: "${incidentId}", articleId: "${articleId}") { id linkedArticleIds } }`);
    const linked = await link('rt:2', 'wiki:Restart');
    expect(linked.data.linkArticle).toEqual({ id: 'rt:2', linkedArticleIds: ['wiki:Restart'] });
    expect(rt.calls.link).toEqual(['rt:2 -> wiki:Restart']);
    expect(codes(await link('rt:2', 'wiki:Nope'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await link('rt:2', 'other:Nope'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await link('rt:99', 'wiki:Restart'))).toEqual(['BAD_USER_INPUT']);
    const cannot = setup({ noLinks: true });
    expect(codes(await cannot.run(agent, 'mutation { linkArticle(incidentId: "rt:2", articleId: "wiki:Restart") { id } }'))).toEqual([
      'UPSTREAM_REJECTED',
    ]);
  });

  it('opens one request per clientMutationId and viewer in the first desk, and refuses an offering out of scope like a missing one', async () => {
    const offering = (serviceId: string): Offering => ({
      id: `${serviceId}.access`,
      serviceId,
      name: `${serviceId} access`,
      description: 'an account',
      valueClass: 'COMMODITY',
      monthlyCost: 10,
      slaObjective: null,
      owner: 'it',
      howToRequest: 'ask',
      request: { rt: `${serviceId} requests` },
    });
    const audits: unknown[] = [];
    const { run, rt } = setup({ offerings: [offering('payroll'), offering('trading')], audits });
    const requester = viewer(
      'ursula',
      [{ role: 'end-user', actions: ['offering:request'], scope: [{ kind: 'consumed' }], drillLevel: 'BUSINESS' }],
      ['staff'],
    );
    const request = (who: typeof requester, offeringId: string, key: string) =>
      run(
        who,
        `mutation { requestOffering(input: { offeringId: "${offeringId}", clientMutationId: "${key}" }) { number offering { id } } }`,
      );
    const incidents = rt.state.size;
    const first = await request(requester, 'payroll.access', 'k1');
    expect(first.errors).toBeUndefined();
    expect((await request(requester, 'payroll.access', 'k1')).data.requestOffering.number).toBe(first.data.requestOffering.number);
    // A request, not an incident, carrying the offering's ids in the tools.
    const created = [...rt.requests.values()].find((r) => r.number === first.data.requestOffering.number);
    expect(created).toMatchObject({ offeringId: 'payroll.access', serviceId: 'payroll', toolIds: { rt: 'payroll requests' } });
    expect([created?.title, created?.caller]).toEqual(['Request: payroll access', 'ursula']);
    const other = await request({ ...requester, id: 'victor' }, 'payroll.access', 'k1');
    expect(other.data.requestOffering.number).not.toBe(first.data.requestOffering.number);
    expect(rt.requests.size).toBe(2);
    const outside = await request(requester, 'trading.access', 'k2');
    const missing = await request(requester, 'nothing.access', 'k2');
    expect(codes(outside)).toEqual(['BAD_USER_INPUT']);
    expect(outside.errors?.[0]?.message).toBe(missing.errors?.[0]?.message.replace('nothing', 'trading'));
    expect(rt.requests.size).toBe(2);
    expect(rt.state.size).toBe(incidents);
    expect(audits).toEqual([expect.objectContaining({ kind: 'denial', action: 'offering:request', target: 'trading.access' })]);
    const listed = await run(requester, '{ catalog { id } }');
    expect(listed.data.catalog).toEqual([{ id: 'payroll.access' }]);
  });

  it('lets an end user report a problem with a service they use, and only those', async () => {
    const { run, rt } = setup();
    const report = (serviceId: string) =>
      run(endUser, `mutation { reportProblem(serviceId: "${serviceId}", text: "cannot see my payslip") { number message } }`);
    const ok = await report('payroll');
    expect(ok.errors).toBeUndefined();
    expect(ok.data.reportProblem.message).toBe(`Thanks — we opened ${ok.data.reportProblem.number} for Payroll.`);
    const created = [...rt.state.values()].find((i) => i.number === ok.data.reportProblem.number);
    expect(created).toMatchObject({ serviceId: 'payroll', priority: 'HIGH', description: 'cannot see my payslip' });
    // Trading is not consumed by ursula's groups: it reads as not existing, and nothing is created.
    const outside = await report('trading');
    const missing = await report('does-not-exist');
    expect(codes(outside)).toEqual(['BAD_USER_INPUT']);
    expect(outside.errors?.[0]?.message).toBe(missing.errors?.[0]?.message.replace('does-not-exist', 'trading'));
    expect(rt.calls.create).toHaveLength(1);
  });

  it('rejects a first above the cap', async () => {
    const { run } = setup({ maxPageSize: 3 });
    expect(codes(await run(agent, '{ incidents(first: 4) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect((await run(agent, '{ incidents { id } }')).data.incidents).toHaveLength(3);
  });
});

describe('seeing a child service is not acting on it', () => {
  // Payslips go out by email: email is a child of payroll, so payroll's owner sees it.
  const withChild = fakeCatalog([
    {
      id: 'payroll',
      name: 'Payroll',
      owner: 'hr-it',
      criticality: 'CRITICAL',
      components: ['server123', 'payroll-db'],
      children: ['email'],
    },
    { id: 'email', name: 'Email', owner: 'mail-team', components: ['mail-node1'] },
  ]);
  const owner = (actOnChildren: boolean) =>
    viewer(
      'olivia',
      [{ role: 'owner', actions: ['incident:create', 'incident:comment', 'problem:report'], scope: [{ kind: 'owned' }], actOnChildren }],
      ['hr-it'],
    );

  it('sees the child’s incidents, may not comment, open or report on them, and each refusal is audited', async () => {
    const audits: unknown[] = [];
    const { run, rt } = setup({ catalog: withChild, audits });
    const seen = await run(owner(false), '{ incidents { id } }');
    expect(seen.data.incidents.map((i: { id: string }) => i.id)).toContain('rt:2');
    const attempts = [
      'mutation { commentIncident(id: "rt:2", text: "mine?") { id } }',
      'mutation { createIncident(input: { title: "x", description: "", ciId: "mail-node1" }) { id } }',
      'mutation { reportProblem(serviceId: "email", text: "slow") { number } }',
    ];
    for (const attempt of attempts) expect(codes(await run(owner(false), attempt)), attempt).toEqual(['FORBIDDEN']);
    expect(rt.calls.comment).toEqual([]);
    expect(rt.calls.create).toEqual([]);
    expect(audits).toEqual([
      expect.objectContaining({
        kind: 'denial',
        action: 'incident:comment',
        field: 'Mutation.commentIncident',
        target: 'rt:2',
        result: 'denied',
      }),
      expect.objectContaining({
        kind: 'denial',
        action: 'incident:create',
        field: 'Mutation.createIncident',
        target: 'mail-node1',
        result: 'denied',
      }),
      expect.objectContaining({
        kind: 'denial',
        action: 'problem:report',
        field: 'Mutation.reportProblem',
        target: 'email',
        result: 'denied',
      }),
    ]);
    // The same on payroll's own objects is allowed.
    expect((await run(owner(false), 'mutation { commentIncident(id: "rt:1", text: "on it") { id } }')).errors).toBeUndefined();
  });

  it('acts on the children too when the role says actOnChildren', async () => {
    const { run, rt } = setup({ catalog: withChild });
    expect((await run(owner(true), 'mutation { commentIncident(id: "rt:2", text: "mine") { id } }')).errors).toBeUndefined();
    expect(rt.calls.comment).toEqual(['rt:2: mine']);
  });

  it('opens a reported problem at a priority from the service’s criticality: CRITICAL → HIGH', async () => {
    const { run, rt } = setup({ catalog: withChild });
    const reported = await run(owner(false), 'mutation { reportProblem(serviceId: "payroll", text: "no payslip") { number } }');
    const created = [...rt.state.values()].find((i) => i.number === reported.data.reportProblem.number);
    expect(created?.priority).toBe('HIGH');
  });
});
