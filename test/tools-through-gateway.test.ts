import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeConfluence } from '../connectors/confluence/fake-server.js';
import { startFakeJira } from '../connectors/jira/fake-server.js';
import { FAKE_NETBOX_V1_TOKEN, startFakeNetBox } from '../connectors/netbox/fake-server.js';
import { startFakePrometheus } from '../connectors/prometheus/fake-server.js';
import { startFakeServiceNow } from '../connectors/servicenow/fake-server.js';
import { startFakeZabbix } from '../connectors/zabbix/fake-server.js';
import { ROOT, startStack, type Stack } from './harness.js';

/**
 * The whole gateway over real connectors talking HTTP to the protocol fakes: ServiceNow (CMDB,
 * incidents, knowledge), NetBox (a second CMDB, reconciled), Jira (a second help desk), Confluence
 * (a second knowledge base), Prometheus + Alertmanager and Zabbix 7 (two monitors at once).
 *
 * The stack runs on a clock of the test's (every connector's cache, the merged CMDB and the model
 * read it): a test expires the caches by moving it, never by sleeping, so a loaded machine cannot
 * make a cache outlive the wait. Only deadlines are real time: they bound real waiting.
 */
const PROM_TTL_MS = 2000;
/** Small, so the slow-tool test is quick; the default is 2500. */
const DEADLINE_MS = 1500;
const HOSTS = [
  'server123',
  'server124',
  'payroll-app-vm01',
  'payroll-app-vm02',
  'shop-vm01',
  'shop-vm02',
  'trade-srv01',
  'trade-srv02',
  'san01',
];

describe('tools through the gateway', () => {
  let stack: Stack;
  let snow: Awaited<ReturnType<typeof startFakeServiceNow>>;
  let netbox: Awaited<ReturnType<typeof startFakeNetBox>>;
  let jira: Awaited<ReturnType<typeof startFakeJira>>;
  let confluence: Awaited<ReturnType<typeof startFakeConfluence>>;
  let prom: Awaited<ReturnType<typeof startFakePrometheus>>;
  let zabbix: Awaited<ReturnType<typeof startFakeZabbix>>;
  let operator: string;
  let clockMs = Date.now();
  const now = () => new Date(clockMs);
  /** Moves the stack's clock: every cache older than its TTL is expired (and still there for stale-if-error). */
  const advance = (ms: number) => {
    clockMs += ms;
  };

  beforeAll(async () => {
    [snow, netbox, jira, confluence, zabbix] = await Promise.all([
      startFakeServiceNow(),
      startFakeNetBox(),
      startFakeJira(),
      startFakeConfluence(),
      startFakeZabbix({ mode: '7.0' }),
    ]);
    prom = await startFakePrometheus({
      alerts: [
        {
          labels: { alertname: 'HostDown', instance: 'server123:9100', job: 'node', severity: 'critical' },
          annotations: { summary: 'server123 does not answer' },
          startsAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        },
      ],
      targets: HOSTS.map((h) => ({ labels: { instance: `${h}:9100`, job: 'node' }, health: h === 'server123' ? 'down' : 'up' })),
    });
    const fast = 'timeoutMs: 1000, retryLimit: 0, breakerThreshold: 50';
    stack = await startStack({
      now,
      // No evaluator tick during a test: the tests count the calls a query makes.
      extra: `requestDeadlineMs: ${DEADLINE_MS}\nevaluatorIntervalMs: 3600000`,
      estateDir: join(ROOT, 'test/estates/itsm'),
      env: {
        SNOW_PASSWORD: 'admin-password',
        NETBOX_TOKEN: FAKE_NETBOX_V1_TOKEN,
        JIRA_TOKEN: 'jira-api-token',
        CONFLUENCE_TOKEN: 'confluence-api-token',
        ZABBIX_TOKEN: 'zbx-api-token',
      },
      connectors: `
  - { name: prom, type: prometheus, prometheus: { baseUrl: "${prom.url}", ${fast} }, alertmanager: { baseUrl: "${prom.url}", timeoutMs: 4000, retryLimit: 0, breakerThreshold: 50 }, cacheTtlMs: ${PROM_TTL_MS} }
  - { name: zbx, type: zabbix, baseUrl: "${zabbix.url}", token: "\${ZABBIX_TOKEN}", ${fast} }
  - { name: snow, type: servicenow-cmdb, baseUrl: "${snow.url}", username: admin, password: "\${SNOW_PASSWORD}", ${fast} }
  - { name: netbox, type: netbox, baseUrl: "${netbox.url}", token: "\${NETBOX_TOKEN}", ${fast} }
  - { name: snow-inc, type: servicenow-incident, baseUrl: "${snow.url}", username: admin, password: "\${SNOW_PASSWORD}", knowledgeConnector: snow-kb, serviceMap: { Payroll: payroll, "Web Shop": webshop, Trading: trading }, ${fast} }
  - { name: jsm, type: jira, baseUrl: "${jira.url}", email: bot@example.com, apiToken: "\${JIRA_TOKEN}", projectKey: OPS, ${fast} }
  - { name: snow-kb, type: servicenow-knowledge, baseUrl: "${snow.url}", username: admin, password: "\${SNOW_PASSWORD}", ${fast} }
  - { name: wiki, type: confluence, baseUrl: "${confluence.url}", email: bot@example.com, apiToken: "\${CONFLUENCE_TOKEN}", ${fast} }`,
    });
    operator = await stack.token('operator', { sub: 'olga' });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([snow, netbox, jira, confluence, prom, zabbix].map((f) => f?.close()));
  });

  it('goes from a ServiceNow incident to its service, root cause and suggested articles in one query', async () => {
    const { body } = await stack.gql(
      `{ incident(id: "snow-inc:INC0010001") {
          number title source url
          ci { id name }
          service { id status rootCauses { pathText ci { id alerts { id severity source { tool url } } } } }
          suggestedArticles(first: 5) { title source url }
        } }`,
      { token: operator },
    );
    expect(body.errors).toBeUndefined();
    const incident = (body.data as any).incident;
    expect(incident).toMatchObject({
      number: 'INC0010001',
      source: 'servicenow',
      ci: { id: 'server123' },
      service: { id: 'payroll', status: 'CRITICAL' },
    });
    expect(incident.url).toContain(snow.url);
    const cause = incident.service.rootCauses[0];
    expect(cause.pathText).toBe('Payroll → payroll-app → payroll-db → server123');
    expect(cause.ci.alerts[0]).toMatchObject({ severity: 'CRITICAL', source: { tool: 'alertmanager' } });
    expect(cause.ci.alerts[0].source.url).toContain(prom.url);
    const sources = new Set(incident.suggestedArticles.map((a: any) => a.source));
    expect(incident.suggestedArticles.length).toBeGreaterThan(0);
    expect([...sources].every((s) => s === 'servicenow' || s === 'confluence')).toBe(true);
  });

  it('reconciles one CI from ServiceNow and NetBox, keeping both deep links, plus the monitor’s', async () => {
    const { body } = await stack.gql(
      `{ configurationItem(id: "server123") { name class sourceLinks { tool url } monitorLinks { tool connector url } } }`,
      { token: operator },
    );
    expect(body.errors).toBeUndefined();
    const ci = (body.data as any).configurationItem;
    expect(ci.sourceLinks.map((l: any) => l.tool).sort()).toEqual(['netbox', 'servicenow']);
    expect(ci.sourceLinks.find((l: any) => l.tool === 'netbox').url).toContain(netbox.url);
    expect(ci.monitorLinks).toEqual([
      { tool: 'prometheus', connector: 'prom', url: expect.stringContaining(`${prom.url}/graph?g0.expr=`) },
    ]);
  });

  it('lists the alerting rules of the monitors that have them, with links to their expressions', async () => {
    const { body } = await stack.gql(`{ alertRules { id name expression severity state source { tool connector url } } }`, {
      token: operator,
    });
    expect(body.errors).toBeUndefined();
    const rules = (body.data as any).alertRules;
    expect(rules.map((r: any) => r.name)).toEqual(expect.arrayContaining(['TargetDown', 'AlwaysFiring']));
    expect(
      rules.every(
        (r: any) => r.source.tool === 'prometheus' && r.source.connector === 'prom' && r.source.url.startsWith(`${prom.url}/graph`),
      ),
    ).toBe(true);
    const executive = await stack.token('executive');
    const denied = await stack.gql(`{ alertRules { id } }`, { token: executive });
    expect(denied.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('merges two monitors with tool-qualified ids, and lists what maps to no CI', async () => {
    const { body } = await stack.gql(`{ alerts { id source { tool } ci { id } } unmappedAlerts { id source { tool } } }`, {
      token: operator,
    });
    expect(body.errors).toBeUndefined();
    const data = body.data as any;
    const prefixes = new Set(data.alerts.map((a: any) => a.id.split(':')[0]));
    expect(prefixes).toEqual(new Set(['prom', 'zbx']));
    expect(data.alerts.find((a: any) => a.id.startsWith('prom:')).ci.id).toBe('server123');
    for (const a of data.unmappedAlerts) expect(data.alerts.find((x: any) => x.id === a.id)?.ci ?? null).toBeNull();
  });

  it('creates an incident on a CI, sees it on the service, links an article and sees the link in ServiceNow', async () => {
    const created = await stack.gql(
      `mutation { createIncident(input: { title: "Payslips missing", description: "batch did not run", priority: HIGH, ciId: "server123", connector: "snow-inc", clientMutationId: "t-1" }) { id number ci { id } } }`,
      { token: operator },
    );
    expect(created.body.errors).toBeUndefined();
    const incident = (created.body.data as any).createIncident;
    const row = snow.records('incident').find((r) => r['number'] === incident.number);
    expect(row).toMatchObject({ short_description: 'Payslips missing' });
    // The tool keeps the viewer's own key for t-1 (the same clientMutationId from another viewer is another key).
    const key = String(row!['correlation_id']);
    expect(key).toMatch(/^[0-9a-f]{40}$/);

    // The same client id again: the tool's correlation id makes it the same ticket, not a second one.
    const again = await stack.gql(
      `mutation { createIncident(input: { title: "Payslips missing", description: "batch did not run", ciId: "server123", connector: "snow-inc", clientMutationId: "t-1" }) { number } }`,
      { token: operator },
    );
    expect((again.body.data as any).createIncident.number).toBe(incident.number);
    expect(snow.records('incident').filter((r) => r['correlation_id'] === key)).toHaveLength(1);

    const onService = await stack.gql(`{ service(id: "payroll") { incidents { number } } }`, { token: operator });
    expect((onService.body.data as any).service.incidents.map((i: any) => i.number)).toContain(incident.number);

    const articles = await stack.gql(`{ searchArticles(text: "server unreachable") { id source } }`, { token: operator });
    const article = (articles.body.data as any).searchArticles.find((a: any) => a.source === 'servicenow');
    const linked = await stack.gql(`mutation($i: ID!, $a: ID!) { linkArticle(incidentId: $i, articleId: $a) { linkedArticleIds } }`, {
      token: operator,
      variables: { i: incident.id, a: article.id },
    });
    expect(linked.body.errors).toBeUndefined();
    expect((linked.body.data as any).linkArticle.linkedArticleIds).toContain(article.id);
    expect(snow.records('m2m_kb_task').some((r) => r['task'] === row!['sys_id'])).toBe(true);
  });

  it('acknowledges in Alertmanager with the viewer as author, shows it back, and takes it back', async () => {
    const { body } = await stack.gql(`{ alerts { id acknowledged ci { id } } }`, { token: operator });
    const alert = (body.data as any).alerts.find((a: any) => a.id.startsWith('prom:'));
    const ack = await stack.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "rebooting") { acknowledged acknowledgedBy acknowledgedUntil } }`,
      {
        token: operator,
        variables: { id: alert.id },
      },
    );
    expect(ack.body.errors).toBeUndefined();
    expect((ack.body.data as any).acknowledgeAlert).toMatchObject({ acknowledged: true, acknowledgedBy: 'olga' });
    const silence = [...prom.silences.values()][0]!;
    expect(silence).toMatchObject({ createdBy: 'olga', comment: 'rebooting' });
    const un = await stack.gql(`mutation($id: ID!) { unacknowledgeAlert(id: $id) { acknowledged } }`, {
      token: operator,
      variables: { id: alert.id },
    });
    expect((un.body.data as any).unacknowledgeAlert.acknowledged).toBe(false);
  });

  it('lets a write take longer than the deadline: cutting it short would not undo it', async () => {
    const { body } = await stack.gql(`{ alerts { id ci { id } } }`, { token: operator });
    const alert = (body.data as any).alerts.find((a: any) => a.id.startsWith('prom:'));
    // Alertmanager confirms the silence after longer than a query may wait, within its own timeout.
    prom.setFailures([{ delayMs: DEADLINE_MS + 800, method: 'POST', pathPrefix: '/api/v2/silences' }]);
    const ack = await stack.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "slow tool") { acknowledged } }`, {
      token: operator,
      variables: { id: alert.id },
    });
    expect(ack.body.errors).toBeUndefined();
    expect((ack.body.data as any).acknowledgeAlert.acknowledged).toBe(true);
    const un = await stack.gql(`mutation($id: ID!) { unacknowledgeAlert(id: $id) { acknowledged } }`, {
      token: operator,
      variables: { id: alert.id },
    });
    expect((un.body.data as any).unacknowledgeAlert.acknowledged).toBe(false);
  });

  describe('calls per tool', () => {
    beforeEach(() => {
      // Past the alerts' TTL and the 2 s CMDB merge, so the query pays its full cost.
      advance(PROM_TTL_MS + 1);
    });

    it('a dashboard over every service costs a bounded number of calls per tool', async () => {
      const before = {
        prom: prom.requests.length,
        snow: snow.requests.length,
        netbox: netbox.requests.length,
        zbx: zabbix.requests.length,
      };
      const dashboard = `{ services { nodes { id status summary rootCauses { pathText } alerts { id severity } incidents { number } articles { title } } } outages { rank ci { id } } }`;
      const { body } = await stack.gql(dashboard, { token: operator });
      expect(body.errors).toBeUndefined();
      const used = {
        prom: prom.requests.length - before.prom,
        snow: snow.requests.length - before.snow,
        netbox: netbox.requests.length - before.netbox,
        zbx: zabbix.requests.length - before.zbx,
      };
      // Alertmanager alerts + silences + status, Prometheus alerts + start time, once, whatever the
      // number of services (targets, rules and flags are cached for a minute).
      expect(used.prom).toBeLessThanOrEqual(5);
      expect(used.zbx).toBeLessThanOrEqual(4);
      expect(used.netbox).toBeLessThanOrEqual(5);
      // CMDB CIs + relations, incident list, knowledge searches (one per service).
      expect(used.snow).toBeLessThanOrEqual(12);
    });
  });

  describe('a tool that fails', () => {
    it('a knowledge base answering 500 nulls only its part, naming the connector; the rest arrives', async () => {
      confluence.setFailures(Array.from({ length: 5 }, () => ({ status: 500 })));
      const { body } = await stack.gql(
        `{ searchArticles(text: "payroll batch tablespace") { title source } service(id: "payroll") { status } }`,
        { token: operator },
      );
      const data = body.data as any;
      expect(data.service.status).toBe('CRITICAL');
      expect(data.searchArticles.every((a: any) => a.source === 'servicenow')).toBe(true);
      expect(body.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connector: 'wiki' }) }),
      ]);
      expect(JSON.stringify(body.errors)).not.toContain(confluence.url);
    });

    it('a monitor answering after 10 s: /readyz answers within its own timeout, health within the deadline, names at once', async () => {
      // /readyz first: the clock stands still, so every cache is fresh and nothing else asks Alertmanager.
      prom.setFailures([{ delayMs: 10_000, pathPrefix: '/api/v2/status' }]);
      // No wall-clock bounds (they fail on a loaded machine): what ended each call is in its answer.
      const ready = await fetch(stack.url.replace(/\/graphql$/, '/readyz'));
      expect(ready.status).toBe(503);
      // The readiness timeout (2 s) ended the check, not the tool's answer after 10 s.
      expect(((await ready.json()) as any).checks['connector:prom']).toMatch(/deadline|timed out/);

      advance(PROM_TTL_MS + 1);
      prom.setFailures([{ delayMs: 10_000, pathPrefix: '/api/v2/alerts' }]);
      const asked = prom.requests.length;
      const names = await stack.gql(`{ services { nodes { id name criticality } } }`, { token: operator });
      expect(names.body.errors).toBeUndefined();
      expect((names.body.data as any).services.nodes.length).toBeGreaterThan(0);
      // What needs no health does not read it: no monitor was asked.
      expect(prom.requests.length).toBe(asked);

      const { body } = await stack.gql(`{ service(id: "payroll") { status statusStale } }`, { token: operator });
      // The last known alert (server123 down) from the connector's cache, marked stale, and the tool
      // named: the deadline ended the read (the tool's answer after 10 s would be fresh, not stale).
      expect((body.data as any).service).toEqual({ status: 'CRITICAL', statusStale: true });
      expect(body.errors).toEqual([
        expect.objectContaining({
          path: ['service', 'status'],
          extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom' }),
        }),
      ]);
    });

    it('a monitor that fails makes what it watched UNKNOWN at its first failed read, never OK, and says so', async () => {
      const query = `{ configurationItem(id: "server124") { status statusStale statusAsOf explanation { text } } service(id: "webshop") { status } alerts { id stale } }`;
      advance(PROM_TTL_MS + 1);
      const before = await stack.gql(query, { token: operator });
      expect(before.body.errors).toBeUndefined();
      const good = (before.body.data as any).configurationItem;
      expect(good).toMatchObject({ status: 'OK', statusStale: false });

      advance(PROM_TTL_MS + 1);
      prom.setFailures(Array.from({ length: 50 }, () => ({ status: 503 })));
      // The first read after the failure: no evaluation of the model outlives it.
      const { body } = await stack.gql(query, { token: operator });
      const data = body.data as any;
      expect(data.configurationItem).toMatchObject({ status: 'UNKNOWN', statusStale: true, statusAsOf: good.statusAsOf });
      expect(data.configurationItem.explanation.text).toContain('prometheus did not answer');
      expect(data.service.status).not.toBe('OK');
      expect(body.errors).toContainEqual(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom' }) }),
      );
      // Its last good alerts are still listed, marked stale (stale-if-error); the other monitor's are fresh.
      expect(data.alerts.filter((a: any) => a.id.startsWith('prom:')).every((a: any) => a.stale)).toBe(true);
      expect(data.alerts.filter((a: any) => a.id.startsWith('zbx:')).every((a: any) => !a.stale)).toBe(true);
    });
  });
});
