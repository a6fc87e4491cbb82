import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../kernel/log.js';
import { codeOf, fakeForTest, testAuth, testDeps, testRequest, type OnTestFinished } from '../core/test-support.js';
import { createServiceNowClient } from './client.js';
import { ServiceNowCmdbConfig } from './config.js';
import { startFakeServiceNow, type FakeServiceNow } from './fake-server.js';
import { parseEncodedQuery } from './fake-query.js';
import { servicenowCmdbConnector, servicenowIncidentConnector, servicenowKnowledgeConnector } from './index.js';
import { incidentQuery } from './incident.js';
import { searchQuery, searchTerms } from './knowledge.js';
import { snDateToIso, stripHtml } from './mapping.js';

const PASSWORD = 'snow-test-pw';
const auth = { username: 'svc_graph', password: PASSWORD };

const fake = (onTestFinished: OnTestFinished) => fakeForTest(onTestFinished, startFakeServiceNow({ ...auth, token: 'oauth-access-token' }));

const base = (f: FakeServiceNow, extra: Record<string, unknown> = {}) => ({
  baseUrl: f.url,
  ...auth,
  retryLimit: 0,
  timeoutMs: 2000,
  ...extra,
});

function cmdb(f: FakeServiceNow, extra: Record<string, unknown> = {}) {
  const config = servicenowCmdbConnector.config.parse(base(f, extra));
  return servicenowCmdbConnector.create('snow', config, testDeps('snow')).forRequest(testAuth());
}
function incidents(f: FakeServiceNow, extra: Record<string, unknown> = {}) {
  const config = servicenowIncidentConnector.config.parse(base(f, { knowledgeConnector: 'snow-kb', ...extra }));
  return servicenowIncidentConnector.create('snow-inc', config, testDeps('snow-inc')).forRequest(testAuth());
}
function knowledge(f: FakeServiceNow, extra: Record<string, unknown> = {}) {
  const config = servicenowKnowledgeConnector.config.parse(base(f, extra));
  return servicenowKnowledgeConnector.create('snow-kb', config, testDeps('snow-kb')).forRequest(testAuth());
}

const params = (request: string) => new URL(request.split(' ')[1]!, 'http://x').searchParams;

describe('servicenow config', () => {
  it('needs a token or username and password', () => {
    expect(ServiceNowCmdbConfig.safeParse({ baseUrl: 'https://acme.service-now.invalid' }).success).toBe(false);
    expect(ServiceNowCmdbConfig.safeParse({ baseUrl: 'https://acme.service-now.invalid', username: 'u' }).success).toBe(false);
    expect(ServiceNowCmdbConfig.safeParse({ baseUrl: 'https://acme.service-now.invalid', token: 't' }).success).toBe(true);
  });
});

describe('servicenow Table API client', () => {
  it('pages with sysparm_limit/offset following the Link header, up to maxRecords', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const client = createServiceNowClient('snow', ServiceNowCmdbConfig.parse(base(f, { pageSize: 4 })), silentLogger);
    const all = await client.list('cmdb_ci', { query: 'sys_class_name=cmdb_ci_linux_server', fields: ['name'] });
    expect(all).toHaveLength(7);
    expect(f.requests.map((r) => params(r).get('sysparm_offset'))).toEqual(['0', '4']);
    expect(params(f.requests[0]!).get('sysparm_display_value')).toBe('all');

    const capped = createServiceNowClient('snow', ServiceNowCmdbConfig.parse(base(f, { pageSize: 4, maxRecords: 6 })), silentLogger);
    expect(await capped.list('cmdb_ci', { fields: ['name'] })).toHaveLength(6);
  });

  it('sends Bearer tokens, and maps a rejected password to UPSTREAM_AUTH_FAILED', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const bearer = cmdb(f, { username: undefined, password: undefined, token: 'oauth-access-token' });
    expect((await bearer.snapshot()).cis.length).toBeGreaterThan(0);
    const wrong = cmdb(f, { password: 'wrong' });
    expect(await codeOf(wrong.snapshot())).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('maps a query the instance refuses (400) to UPSTREAM_REJECTED, and a missing sys_id to null', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const client = createServiceNowClient('snow', ServiceNowCmdbConfig.parse(base(f)), silentLogger);
    expect(await codeOf(client.list('incident', { query: 'no_such_field=1', fields: ['number'] }))).toBe('UPSTREAM_REJECTED');
    expect(await client.get('incident', '0'.repeat(32), ['number'])).toBeNull();
  });

  it('answers 200 with an unusable body → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    f.setFailures([{ status: 200, body: '{"records":[]}' }]);
    const client = createServiceNowClient('snow', ServiceNowCmdbConfig.parse(base(f)), silentLogger);
    expect(await codeOf(client.list('incident', { fields: ['number'] }))).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('servicenow fake', () => {
  it('binds ^OR to the condition before it and rejects what it does not implement', () => {
    expect(parseEncodedQuery('active=true^short_descriptionLIKEx^ORnumber=INC1^ORDERBYDESCopened_at')).toEqual({
      groups: [
        [{ field: 'active', op: '=', value: 'true' }],
        [
          { field: 'short_description', op: 'LIKE', value: 'x' },
          { field: 'number', op: '=', value: 'INC1' },
        ],
      ],
      order: [{ field: 'opened_at', desc: true }],
    });
    expect(() => parseEncodedQuery('123TEXTQUERY321=disk')).toThrow();
  });

  it('answers like the Table API: strings everywhere, references with display values, paging headers', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const authHeader = `Basic ${Buffer.from(`svc_graph:${PASSWORD}`).toString('base64')}`;
    const res = await fetch(
      `${f.url}/api/now/table/incident?sysparm_query=number=INC0010001&sysparm_fields=number,priority,active,cmdb_ci,state&sysparm_display_value=all`,
      { headers: { authorization: authHeader } },
    );
    expect(res.headers.get('x-total-count')).toBe('1');
    const body = (await res.json()) as { result: Record<string, { display_value: string; value: string; link?: string }>[] };
    const row = body.result[0]!;
    expect(row['priority']).toEqual({ display_value: '1 - Critical', value: '1' });
    expect(row['active']).toEqual({ display_value: 'true', value: 'true' });
    expect(row['state']!.display_value).toBe('In Progress');
    expect(row['cmdb_ci']!.display_value).toBe('server123');
    expect(row['cmdb_ci']!.link).toMatch(/\/api\/now\/table\/cmdb_ci\/[0-9a-f]{32}$/);

    const paged = await fetch(`${f.url}/api/now/table/cmdb_ci?sysparm_limit=5&sysparm_offset=5`, {
      headers: { authorization: authHeader },
    });
    expect(paged.headers.get('link')).toMatch(/rel="first".*rel="prev".*rel="next".*rel="last"/);

    const denied = await fetch(`${f.url}/api/now/table/incident`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({
      error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
      status: 'failure',
    });
  });
});

describe('servicenow health', () => {
  it('checks each connector with one cheap authenticated read', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const deps = testDeps('snow');
    const instances = (extra: Record<string, unknown>) => [
      servicenowCmdbConnector.create('snow', servicenowCmdbConnector.config.parse(base(f, extra)), deps),
      servicenowIncidentConnector.create('snow', servicenowIncidentConnector.config.parse(base(f, extra)), deps),
      servicenowKnowledgeConnector.create('snow', servicenowKnowledgeConnector.config.parse(base(f, extra)), deps),
    ];
    for (const good of instances({})) await expect(good.healthCheck()).resolves.toBeUndefined();
    for (const bad of instances({ password: 'wrong' })) expect(await codeOf(bad.healthCheck())).toBe('UPSTREAM_AUTH_FAILED');
    expect(f.requests.every((r) => params(r).get('sysparm_limit') === '1')).toBe(true);
  });
});

describe('servicenow-cmdb', () => {
  it('maps CIs and relations, skips unread classes and ignored relation types', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = cmdb(f);
    const cis = (await api.snapshot()).cis;
    const server = cis.find((ci) => ci.id === 'server123')!;
    expect(server).toMatchObject({
      name: 'server123',
      class: 'server',
      fqdn: 'server123.corp.example.com',
      ip: '10.0.1.23',
      serial: 'SRV-123-XK9',
    });
    expect(server.attributes).toMatchObject({
      sys_class_name: 'cmdb_ci_linux_server',
      operational_status: 'Operational',
      support_group: 'Infrastructure',
    });
    expect(server.sourceLinks[0]).toMatchObject({ tool: 'servicenow', connector: 'snow' });
    expect(server.sourceLinks[0]!.url).toMatch(new RegExp(`^${f.url}/nav_to\\.do\\?uri=cmdb_ci\\.do%3Fsys_id%3D[0-9a-f]{32}$`));
    expect(Object.fromEntries(cis.map((ci) => [ci.id, ci.class]))).toMatchObject({
      'payroll-app-vm01': 'vm',
      'payroll-cluster': 'cluster',
      'payroll-app': 'application',
      'payroll-db': 'database',
      'core-switch01': 'network',
      san01: 'storage',
    });
    // Business services (cmdb_ci_service) are not among the default classes.
    expect(cis.some((ci) => ci.name === 'Payroll')).toBe(false);

    const relations = (await api.snapshot()).relations;
    expect(relations).toContainEqual({ parentId: 'payroll-app', childId: 'payroll-app-vm01', type: 'RUNS_ON' });
    expect(relations).toContainEqual({ parentId: 'payroll-app', childId: 'payroll-db', type: 'DEPENDS_ON' });
    expect(relations).toContainEqual({ parentId: 'payroll-cluster', childId: 'payroll-app-vm01', type: 'MEMBER_OF' });
    // `Connected by::Connects` and `Hosted on::Hosts` are not read; relations to services are dangling.
    expect(relations.some((r) => r.childId === 'core-switch01')).toBe(false);
    expect(relations.some((r) => r.childId === 'esx-cluster01')).toBe(false);
    expect(relations).toHaveLength(26);
    // One request per table, the class list in one encoded query.
    expect(f.requests).toHaveLength(2);
    expect(params(f.requests.find((r) => r.includes('/cmdb_ci?'))!).get('sysparm_query')).toMatch(/^sys_class_nameINcmdb_ci_server,/);

    // Cached: no further requests.
    expect(((await api.snapshot()).cis.find((c) => c.id === 'server123') ?? null)?.serial).toBe('SRV-123-XK9');
    expect((await api.snapshot()).cis.find((c) => c.id === 'nope') ?? null).toBeNull();
    expect(f.requests).toHaveLength(2);
  });

  it('reads the cost field as a monthly cost: empty is unknown (null), a yearly figure is divided by 12', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const cost = async (extra: Record<string, unknown>) =>
      new Map((await cmdb(f, extra).snapshot()).cis.map((ci) => [ci.id, ci.monthlyCost]));
    const monthly = await cost({});
    expect([monthly.get('server123'), monthly.get('server124'), monthly.get('web01')]).toEqual([1200, 800, null]);
    expect(params(f.requests.find((r) => r.includes('/cmdb_ci?'))!).get('sysparm_fields')).toContain(',cost');
    expect((await cost({ costPeriod: 'year' })).get('server123')).toBe(100);
    // A field the instance does not have is absent from the answer: every cost unknown, none 0.
    expect([...(await cost({ costField: 'u_monthly_cost' })).values()].every((c) => c === null)).toBe(true);
  });

  it('uses sys_ids as CI ids when configured, and honours a narrower class list', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = cmdb(f, { idField: 'sys_id', classes: ['cmdb_ci_linux_server', 'cmdb_ci_db_ora_instance'] });
    const cis = (await api.snapshot()).cis;
    expect(cis).toHaveLength(8);
    expect(cis.every((ci) => /^[0-9a-f]{32}$/.test(ci.id))).toBe(true);
    const db = cis.find((ci) => ci.name === 'payroll-db')!;
    const host = cis.find((ci) => ci.name === 'server123')!;
    expect((await api.snapshot()).relations).toEqual([{ parentId: db.id, childId: host.id, type: 'RUNS_ON' }]);
  });
});

describe('servicenow-incident', () => {
  it('lists with one encoded query and maps state, priority, CI, service, assignee, dates, SLA and links', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f);
    const open = await api.listIncidents({ openOnly: true });
    expect(open.map((i) => i.number)).toEqual(['INC0010002', 'INC0010001', 'INC0010007', 'INC0010008', 'INC0010003']);
    const incidentRequests = f.requests.filter((r) => r.includes('/table/incident?'));
    expect(incidentRequests).toHaveLength(1);
    expect(params(incidentRequests[0]!).get('sysparm_query')).toBe('active=true^ORDERBYDESCopened_at');
    expect(f.requests).toHaveLength(3); // incidents, task_sla, m2m_kb_task

    const inc = open.find((i) => i.number === 'INC0010001')!;
    expect(inc).toMatchObject({
      id: 'snow-inc:INC0010001',
      connector: 'snow-inc',
      tool: 'servicenow',
      title: 'server123 is down: payroll batch cannot reach its database',
      state: 'IN_PROGRESS',
      priority: 'CRITICAL',
      ci: { name: 'server123' },
      serviceId: 'payroll',
      assignee: 'Beth Anglin',
      openedAt: '2026-11-27T07:55:00Z',
      resolutionDue: '2026-11-27T11:55:00Z',
      responseDue: null, // the response SLA is completed
      linkedArticleIds: ['snow-kb:KB0010001'],
    });
    expect(inc.url).toMatch(/\/nav_to\.do\?uri=incident\.do%3Fsys_id%3D[0-9a-f]{32}$/);
    expect(open.find((i) => i.number === 'INC0010002')!.assignee).toBeNull();

    const all = await api.listIncidents({});
    expect(Object.fromEntries(all.map((i) => [i.number, `${i.state}/${i.priority}`]))).toMatchObject({
      INC0010001: 'IN_PROGRESS/CRITICAL',
      INC0010002: 'NEW/HIGH',
      INC0010003: 'ON_HOLD/MODERATE',
      INC0010004: 'RESOLVED/HIGH',
      INC0010005: 'CLOSED/LOW',
      INC0010006: 'CANCELED/PLANNING',
    });
    expect(all.find((i) => i.number === 'INC0010006')).toMatchObject({ ci: null, serviceId: null });
  });

  it('filters by CI names, services (mapped or by name) and text', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f, { serviceMap: { 'Web Shop': 'shop' } });
    const numbers = async (filter: Parameters<typeof api.listIncidents>[0]) =>
      (await api.listIncidents(filter)).map((i) => i.number).sort();
    expect(await numbers({ ciIds: ['server123', 'trade-srv01'] })).toEqual(['INC0010001', 'INC0010002']);
    expect(await numbers({ serviceIds: ['payroll'] })).toEqual(['INC0010001', 'INC0010007']);
    expect(await numbers({ serviceIds: ['shop'] })).toEqual(['INC0010004']);
    expect(await numbers({ serviceIds: ['vdi-desktops'], openOnly: true })).toEqual([]);
    expect(await numbers({ text: 'tablespace' })).toEqual(['INC0010007']);
    expect(incidentQuery({ openOnly: true, ciIds: ['a', 'b^x'], text: 'disk' }, {})).toBe(
      'active=true^cmdb_ci.nameINa,b x^short_descriptionLIKEdisk^ORdescriptionLIKEdisk^ORnumber=disk^ORDERBYDESCopened_at',
    );
  });

  it('batches incidentById into one numberIN query', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f);
    const found = await Promise.all(
      ['snow-inc:INC0010003', 'snow-inc:INC0010001', 'snow-inc:INC0099999', 'other:INC0010001'].map((id) => api.incidentById(id)),
    );
    expect(found.map((i) => i?.number ?? null)).toEqual(['INC0010003', 'INC0010001', null, null]);
    const incidentRequests = f.requests.filter((r) => r.includes('/table/incident?'));
    expect(incidentRequests).toHaveLength(1);
    expect(params(incidentRequests[0]!).get('sysparm_query')).toBe('numberININC0010003,INC0010001,INC0099999');
  });

  it('creates with correlation_id, CI and service references and impact/urgency for the priority', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f);
    const created = await api.createIncident({
      title: 'Payroll export stuck',
      description: 'The export job has not finished.',
      priority: 'CRITICAL',
      ciId: 'server123',
      serviceId: 'payroll',
      caller: 'alice',
      correlationId: 'gw-123',
    });
    expect(created).toMatchObject({
      id: 'snow-inc:INC0010009',
      state: 'NEW',
      priority: 'CRITICAL',
      ci: { name: 'server123' },
      serviceId: 'payroll',
    });
    const row = f.records('incident').find((r) => r['number'] === 'INC0010009')!;
    const ciSysId = f.records('cmdb_ci').find((r) => r['name'] === 'server123')!['sys_id'];
    const serviceSysId = f.records('cmdb_ci').find((r) => r['name'] === 'Payroll')!['sys_id'];
    expect(row).toMatchObject({ correlation_id: 'gw-123', impact: '1', urgency: '1', cmdb_ci: ciSysId, business_service: serviceSysId });
    expect(row['description']).toContain('Reported by alice via servicegraph.');
    // A cached list sees the new incident: writes clear the cache.
    expect((await api.listIncidents({ openOnly: true })).some((i) => i.number === 'INC0010009')).toBe(true);
  });

  it('a retry after a lost answer finds the incident instead of opening a second one', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f, { timeoutMs: 300 });
    const input = {
      title: 'Mail down',
      description: 'x',
      priority: 'HIGH' as const,
      ciId: null,
      serviceId: null,
      caller: 'bob',
      correlationId: 'gw-lost-1',
    };
    f.setFailures([{ delayMs: 700, method: 'POST' }]);
    expect(await codeOf(api.createIncident(input))).toBe('UPSTREAM_UNAVAILABLE');
    await new Promise((resolve) => setTimeout(resolve, 600)); // the instance finishes the insert
    const retried = await api.createIncident(input);
    expect(retried.number).toBe('INC0010009');
    expect(f.records('incident').filter((r) => r['correlation_id'] === 'gw-lost-1')).toHaveLength(1);
    expect(f.requests.filter((r) => r.startsWith('POST '))).toHaveLength(1);
  });

  it('opens a catalogue request as an sc_request with one RITM of the item, never twice; a retry completes a missing RITM', async ({
    onTestFinished,
  }) => {
    const payslip = 'fe87991e10b612ece389725c1382499d';
    const mailbox = 'f0fa6318a63d59b5cf77f61b91845efa';
    const f = await fake(onTestFinished);
    const api = incidents(f, { catalogItem: payslip });
    const opened = await api.createRequest(testRequest('req-1'));
    expect(opened).toMatchObject({ id: 'snow-inc:REQ0010002', connector: 'snow-inc', number: 'REQ0010002' });
    expect(opened.url).toContain('sc_request.do%3Fsys_id%3D');
    const request = f.records('sc_request').find((r) => r['number'] === 'REQ0010002')!;
    expect(request).toMatchObject({
      short_description: 'Request: Payslip reissue',
      request_state: 'requested',
      correlation_display: 'servicegraph',
    });
    const ritms = () => f.records('sc_req_item').filter((i) => i['request'] === request['sys_id']);
    expect(ritms()).toEqual([expect.objectContaining({ number: 'RITM0010002', cat_item: payslip, short_description: 'Payslip reissue' })]);
    expect(await api.createRequest(testRequest('req-1'))).toEqual(opened);
    expect(ritms()).toHaveLength(1);
    expect(f.records('incident').some((r) => r['short_description'] === 'Request: Payslip reissue')).toBe(false);

    // The RITM insert fails: the retry finds the request and adds the RITM, once.
    f.setFailures([{ status: 503, method: 'POST', pathPrefix: '/api/now/table/sc_req_item' }]);
    expect(await codeOf(api.createRequest(testRequest('req-2')))).toBe('UPSTREAM_UNAVAILABLE');
    const second = await api.createRequest(testRequest('req-2'));
    expect(
      f
        .records('sc_req_item')
        .filter((i) => i['request'] === f.records('sc_request').find((r) => r['number'] === second.number)?.['sys_id']),
    ).toHaveLength(1);
    expect(f.records('sc_request')).toHaveLength(3);

    // The offering's own item wins; an item not in the catalogue, or retired, opens nothing.
    const own = await api.createRequest(testRequest('req-3', { toolIds: { servicenow: mailbox } }));
    const ownRequest = f.records('sc_request').find((r) => r['number'] === own.number)!;
    expect(
      f
        .records('sc_req_item')
        .filter((i) => i['request'] === ownRequest['sys_id'])
        .map((i) => i['cat_item']),
    ).toEqual([mailbox]);
    expect(await codeOf(api.createRequest(testRequest('req-4', { toolIds: { servicenow: '0'.repeat(32) } })))).toBe('NOT_CONFIGURED');
    expect(await codeOf(api.createRequest(testRequest('req-4', { toolIds: { 'snow-inc': '9ab0320e79c02ad9a580be232b418844' } })))).toBe(
      'NOT_CONFIGURED',
    );
    expect(f.records('sc_request')).toHaveLength(4);
    // Without any item: a request without RITMs.
    const bare = await incidents(f).createRequest(testRequest('req-5'));
    expect(
      f.records('sc_req_item').filter((i) => i['request'] === f.records('sc_request').find((r) => r['number'] === bare.number)?.['sys_id']),
    ).toEqual([]);
  });

  it('comments as work notes or customer comments, and rejects unknown incidents', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f);
    await api.comment('snow-inc:INC0010002', { author: 'carol', text: 'Looking into it', internal: true });
    await api.comment('snow-inc:INC0010002', { author: 'carol', text: 'We are on it', internal: false });
    const row = f.records('incident').find((r) => r['number'] === 'INC0010002')!;
    expect(row['work_notes']).toContain('Looking into it\n\n-- carol (via servicegraph)');
    expect(row['comments']).toContain('We are on it');
    expect(f.requests.filter((r) => r.startsWith('PATCH '))).toHaveLength(2);
    expect(await codeOf(api.comment('snow-inc:INC0099999', { author: 'c', text: 't', internal: true }))).toBe('NOT_FOUND');
  });

  it('links KB articles through m2m_kb_task once, and other articles as a work note', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = incidents(f);
    const article = { id: 'snow-kb:KB0010004', title: 'Trading engine latency troubleshooting', url: null };
    expect(await api.linkArticle('snow-inc:INC0010002', article)).toBe(true);
    expect(await api.linkArticle('snow-inc:INC0010002', article)).toBe(true);
    expect(f.records('m2m_kb_task')).toHaveLength(3);
    expect((await api.incidentById('snow-inc:INC0010002'))?.linkedArticleIds).toEqual(['snow-kb:KB0010004']);

    await api.linkArticle('snow-inc:INC0010002', {
      id: 'wiki:Runbook:Latency',
      title: 'Latency runbook',
      url: 'https://wiki.example.invalid/Runbook:Latency',
    });
    expect(f.records('incident').find((r) => r['number'] === 'INC0010002')!['work_notes']).toContain(
      'https://wiki.example.invalid/Runbook:Latency',
    );
    expect(await codeOf(api.linkArticle('snow-inc:INC0010002', { id: 'snow-kb:KB0099999', title: 'x', url: null }))).toBe('NOT_FOUND');
  });
});

describe('servicenow-knowledge', () => {
  it('searches published articles with LIKE terms and scores them', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = knowledge(f);
    const found = await api.search({ text: 'payroll tablespace', limit: 5 });
    expect(found[0]).toMatchObject({
      id: 'snow-kb:KB0010002',
      connector: 'snow-kb',
      tool: 'servicenow',
      title: 'Payroll batch fails: Oracle tablespace full',
      score: 1,
      url: `${f.url}/kb_view.do?sysparm_article=KB0010002`,
    });
    expect(found[0]!.labels).toEqual(expect.arrayContaining(['Runbooks', 'payroll', 'oracle']));
    expect(found[0]!.snippet).not.toMatch(/[<>]/);
    // The retired article mentions payroll too, but only published, active ones are searched.
    expect(found.map((a) => a.id)).not.toContain('snow-kb:KB0010008');
    expect(params(f.requests[0]!).get('sysparm_query')).toBe(searchQuery(['payroll', 'tablespace']));

    expect(await api.search({ text: 'clean', limit: 5 })).toEqual([]); // only a draft says so
    const byCi = await api.search({ text: '', ciNames: ['trade-srv01'], limit: 5 });
    expect(byCi.map((a) => a.id)).toEqual(['snow-kb:KB0010004']);
    expect(byCi[0]!.score).toBe(0.5);
  });

  it('reads articles by id, batching, and never drafts', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = knowledge(f);
    const [a, draft, other] = await Promise.all([
      api.articleById('snow-kb:KB0010001'),
      api.articleById('snow-kb:KB0010007'),
      api.articleById('jira:KB0010001'),
    ]);
    expect(a).toMatchObject({ title: 'Server unreachable: first-response checklist', score: null });
    expect(a!.snippet).toContain('Reboot if the kernel hung & collect the crash dump.');
    expect(draft).toBeNull();
    expect(other).toBeNull();
    expect(f.requests).toHaveLength(1);
  });

  it('builds search terms from words and names', () => {
    expect(searchTerms({ text: 'Disk full on web01.corp!', ciNames: ['Server123'], serviceNames: ['Web Shop'], limit: 3 })).toEqual([
      'disk',
      'full',
      'on',
      'web01.corp',
      'server123',
      'web shop',
    ]);
  });
});

describe('servicenow mapping', () => {
  it('reads ServiceNow UTC date-times and strips HTML', () => {
    expect(snDateToIso('2026-11-27 07:55:00')).toBe('2026-11-27T07:55:00Z');
    expect(snDateToIso('')).toBeNull();
    expect(stripHtml('<p>a &amp; b</p><script>x()</script><ol><li>c</li></ol>')).toBe('a & b c');
  });
});
