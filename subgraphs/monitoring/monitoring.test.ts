import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../kernel/log.js';
import { partialErrorsPlugin } from '../common/partial-errors.js';
import { buildScopedSchema } from '../common/schema.js';
import { alert, ci, codes, createRunner, fakeCatalog, fakeCmdb, fakeMonitor, testDeps, viewer } from '../common/test-fakes.js';
import { createMonitoringSubgraph } from './index.js';

const catalog = fakeCatalog([
  { id: 'payroll', name: 'Payroll', owner: 'hr-it', components: ['server123', 'payroll-db'] },
  { id: 'email', name: 'Email', owner: 'mail-team', components: ['mail-node1', 'mail-node2'] },
]);

const cis = [
  ci('server123', { fqdn: 'server123.corp.example', ip: '10.0.0.5' }),
  ci('payroll-db', { class: 'database', fqdn: 'payroll-db.corp.example' }),
  ci('mail-node1'),
  ci('mail-node2'),
];

function setup(options: { zabbixDown?: boolean; cmdbDown?: boolean; failAck?: boolean; maxPageSize?: number } = {}) {
  const prom = fakeMonitor(
    'prom',
    [
      alert('prom', 'a1', { severity: 'CRITICAL', summary: 'server123 down', ci: { name: 'server123:9100' }, labels: { job: 'node' } }),
      alert('prom', 'a2', { severity: 'WARNING', summary: 'mystery box hot', ci: { name: 'box-42' } }),
      alert('prom', 'a3', { severity: 'MAJOR', summary: 'mail queue', ci: { ip: '10.9.9.9' } }),
      alert('prom', 'a4', {
        severity: 'MAJOR',
        summary: 'mail node down',
        ci: { name: 'mail-node1' },
        startsAt: '2026-11-27T19:00:00.000Z',
      }),
    ],
    {
      stale: true,
      failAck: options.failAck ?? false,
      metrics: { server123: [{ name: 'cpu', value: 0.97, unit: null, at: '2027-01-15T08:00:00.000Z', url: null }] },
    },
  );
  const icinga = fakeMonitor('icinga', [
    alert('icinga', 'db!disk', { tool: 'icinga', severity: 'MINOR', summary: 'disk', ci: { fqdn: 'payroll-db.corp.example' } }),
  ]);
  const zabbix = fakeMonitor('zabbix', [alert('zabbix', '77', { tool: 'zabbix', ci: { name: 'server123' } })], {
    fail: options.zabbixDown ?? false,
  });
  const cmdb = fakeCmdb('cmdb', cis, [], { fail: options.cmdbDown ?? false });
  const module = createMonitoringSubgraph(
    testDeps({ monitor: [prom.instance, icinga.instance, zabbix.instance], cmdb: [cmdb.instance] }, options.maxPageSize ?? 200),
  );
  return { run: createRunner(module, catalog), prom, icinga, zabbix, cmdb };
}

const operator = viewer('olga', [{ role: 'operator', actions: ['alert:acknowledge'] }]);
const payrollOperator = viewer('paul', [
  { role: 'payroll-op', actions: ['alert:acknowledge'], scope: [{ kind: 'list', services: ['payroll'] }] },
]);
const emailOperatorPayrollViewer = viewer('erin', [
  { role: 'email-op', actions: ['alert:acknowledge'], scope: [{ kind: 'list', services: ['email'] }] },
  { role: 'payroll-reader', actions: [], scope: [{ kind: 'list', services: ['payroll'] }] },
]);

const ALERTS = `query($filter: AlertFilter, $first: Int) {
  alerts(filter: $filter, first: $first) { id severity summary stale acknowledged ci { id } source { tool connector url } labels { name value } }
}`;

describe('monitoring subgraph', () => {
  it('merges every monitor, correlates alerts to CIs, worst first, tool-qualified ids', async () => {
    const { run } = setup();
    const result = await run(operator, ALERTS);
    expect(result.errors).toBeUndefined();
    const alerts = result.data.alerts;
    // Severity first; among the MAJOR ones the longest-running, then by id.
    expect(alerts.map((a: { id: string }) => a.id)).toEqual(['prom:a1', 'prom:a4', 'prom:a3', 'zabbix:77', 'icinga:db!disk', 'prom:a2']);
    const a1 = alerts.find((a: { id: string }) => a.id === 'prom:a1');
    expect(a1).toMatchObject({
      severity: 'CRITICAL',
      stale: true,
      ci: { id: 'server123' },
      source: { tool: 'alertmanager', connector: 'prom', url: 'https://prom.invalid/alerts/a1' },
      labels: [{ name: 'job', value: 'node' }],
    });
    expect(alerts.find((a: { id: string }) => a.id === 'icinga:db!disk')).toMatchObject({ ci: { id: 'payroll-db' }, stale: false });
    expect(alerts.find((a: { id: string }) => a.id === 'prom:a2').ci).toBeNull();
  });

  it('filters by severity, acknowledgement, connector and CI', async () => {
    const { run } = setup();
    const bySeverity = await run(operator, ALERTS, { filter: { minSeverity: 'MAJOR' } });
    expect(bySeverity.data.alerts.map((a: { severity: string }) => a.severity)).not.toContain('MINOR');
    const byConnector = await run(operator, ALERTS, { filter: { connectors: ['icinga'] } });
    expect(byConnector.data.alerts.map((a: { id: string }) => a.id)).toEqual(['icinga:db!disk']);
    const byCi = await run(operator, ALERTS, { filter: { ciIds: ['server123'] } });
    expect(byCi.data.alerts.map((a: { id: string }) => a.id).sort()).toEqual(['prom:a1', 'zabbix:77']);
    const acked = await run(operator, ALERTS, { filter: { acknowledged: true } });
    expect(acked.data.alerts).toEqual([]);
  });

  it('lists alerts that map to no CI as unmapped, never dropping them', async () => {
    const { run } = setup();
    const result = await run(operator, '{ unmappedAlerts { id ci { id } } }');
    expect(result.data.unmappedAlerts).toEqual([
      { id: 'prom:a3', ci: null },
      { id: 'prom:a2', ci: null },
    ]);
  });

  it("returns the other monitors' alerts and a coded error when one monitor is down", async () => {
    const { run } = setup({ zabbixDown: true });
    const result = await run(operator, ALERTS);
    expect(result.data.alerts.map((a: { id: string }) => a.id)).toContain('prom:a1');
    expect(result.data.alerts.map((a: { id: string }) => a.id)).not.toContain('zabbix:77');
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'zabbix' });
    expect(result.errors?.[0]?.path).toEqual(['alerts']);
  });

  it('reaches Apollo Server clients through partialErrorsPlugin', async () => {
    const monitor = fakeMonitor('zabbix', [], { fail: true });
    const ok = fakeMonitor('prom', [alert('prom', 'a1')]);
    const module = createMonitoringSubgraph(testDeps({ monitor: [ok.instance, monitor.instance] }));
    const scoped = buildScopedSchema(module, catalog);
    const server = new ApolloServer({ schema: scoped.schema, plugins: [partialErrorsPlugin, ApolloServerPluginInlineTraceDisabled()] });
    await server.start();
    try {
      const contextValue = await module.createContext(
        scoped.baseContext({ auth: { sub: 'olga', roles: [], groups: [] }, viewer: operator, log: silentLogger, audit: () => {} }),
      );
      const response = await server.executeOperation({ query: '{ alerts { id } }' }, { contextValue });
      expect(response.body.kind).toBe('single');
      if (response.body.kind !== 'single') return;
      expect(response.body.singleResult.data).toEqual({ alerts: [{ id: 'prom:a1' }] });
      expect(response.body.singleResult.errors).toEqual([
        { message: 'zabbix is unavailable', path: ['alerts'], extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'zabbix' } },
      ]);
    } finally {
      await server.stop();
    }
  });

  it('keeps alerts when the CMDB is down, with their CI field failing rather than claiming unmapped', async () => {
    const { run } = setup({ cmdbDown: true });
    const result = await run(operator, '{ alerts { id ci { id } } unmappedAlerts { id } }');
    expect(result.data.alerts).toHaveLength(6);
    expect(result.data.alerts.every((a: { ci: unknown }) => a.ci === null)).toBe(true);
    expect(result.data.unmappedAlerts).toEqual([]);
    expect(result.errors?.every((e) => e.extensions['code'] === 'UPSTREAM_UNAVAILABLE' && e.extensions['connector'] === 'cmdb')).toBe(true);
  });

  it("leaves out alerts on services outside the viewer's scope, and answers null for one by id", async () => {
    const { run } = setup();
    const result = await run(payrollOperator, `${ALERTS.replace('query(', 'query Q(')}`);
    expect(result.data.alerts.map((a: { id: string }) => a.id).sort()).toEqual(['icinga:db!disk', 'prom:a1', 'zabbix:77']);
    const unmapped = await run(payrollOperator, '{ unmappedAlerts { id } }');
    expect(unmapped.data.unmappedAlerts).toEqual([]);
    const outside = await run(payrollOperator, '{ alert(id: "prom:a4") { id } }');
    expect(outside).toEqual({ data: { alert: null } });
    const inside = await run(payrollOperator, '{ alert(id: "prom:a1") { id ci { id } } }');
    expect(inside.data.alert).toEqual({ id: 'prom:a1', ci: { id: 'server123' } });
    const unknown = await run(operator, '{ a: alert(id: "nosuch:1") { id } b: alert(id: "prom:nope") { id } }');
    expect(unknown).toEqual({ data: { a: null, b: null } });
  });

  it('acknowledges in the monitor that raised the alert, with the viewer as author', async () => {
    const { run, prom, icinga } = setup();
    const result = await run(
      operator,
      'mutation { acknowledgeAlert(id: "icinga:db!disk", comment: " on it ") { id acknowledged acknowledgedBy } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.acknowledgeAlert).toEqual({ id: 'icinga:db!disk', acknowledged: true, acknowledgedBy: 'olga' });
    expect(icinga.calls.acknowledge).toEqual([{ id: 'icinga:db!disk', author: 'olga', comment: 'on it' }]);
    expect(prom.calls.acknowledge).toEqual([]);
    const undo = await run(operator, 'mutation { unacknowledgeAlert(id: "icinga:db!disk") { acknowledged } }');
    expect(undo.data.unacknowledgeAlert).toEqual({ acknowledged: false });
    expect(icinga.calls.unacknowledge).toEqual(['icinga:db!disk by olga']);
  });

  it('refuses to acknowledge an alert on a service the viewer may not act on, without calling the tool', async () => {
    const { run, prom } = setup();
    // erin may acknowledge on email and read payroll: server123 serves payroll only.
    const denied = await run(emailOperatorPayrollViewer, 'mutation { acknowledgeAlert(id: "prom:a1", comment: "x") { id } }');
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expect(denied.data).toBeNull();
    const undo = await run(emailOperatorPayrollViewer, 'mutation { unacknowledgeAlert(id: "prom:a1") { id } }');
    expect(codes(undo)).toEqual(['FORBIDDEN']);
    // An unmapped alert serves no service: only a scope `all` sees it, so to anyone else it does not exist.
    const unmapped = await run(payrollOperator, 'mutation { acknowledgeAlert(id: "prom:a2", comment: "x") { id } }');
    const nonexistent = await run(payrollOperator, 'mutation { acknowledgeAlert(id: "prom:a9", comment: "x") { id } }');
    expect(codes(unmapped)).toEqual(['BAD_USER_INPUT']);
    expect(unmapped.errors?.[0]?.message).toBe(nonexistent.errors?.[0]?.message.replace('a9', 'a2'));
    expect(prom.calls.acknowledge).toEqual([]);
    expect(prom.calls.unacknowledge).toEqual([]);
    const allowed = await run(emailOperatorPayrollViewer, 'mutation { acknowledgeAlert(id: "prom:a4", comment: "x") { id acknowledged } }');
    expect(allowed.data.acknowledgeAlert).toEqual({ id: 'prom:a4', acknowledged: true });
  });

  it("rejects bad acknowledgements: unknown id, empty comment, past until; reports the tool's failure", async () => {
    const { run, prom } = setup({ failAck: true });
    expect(codes(await run(operator, 'mutation { acknowledgeAlert(id: "prom:zzz", comment: "x") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(operator, 'mutation { acknowledgeAlert(id: "other:1", comment: "x") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(operator, 'mutation { acknowledgeAlert(id: "prom:a1", comment: "  ") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(await run(operator, 'mutation { acknowledgeAlert(id: "prom:a1", comment: "x", until: "2001-01-01T00:00:00Z") { id } }')),
    ).toEqual(['BAD_USER_INPUT']);
    expect(prom.calls.acknowledge).toEqual([]);
    const failed = await run(operator, 'mutation { acknowledgeAlert(id: "prom:a1", comment: "x") { id } }');
    expect(failed.data).toBeNull();
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'prom' });
  });

  it('resolves entities: alerts of a service from its componentIds, of a CI, and an alert by id', async () => {
    const { run } = setup();
    const result = await run(
      operator,
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Service { id alerts { id } }
        ... on ConfigurationItem { id alerts { id } }
        ... on Alert { id summary }
      } }`,
      {
        reps: [
          { __typename: 'Service', id: 'email', componentIds: ['mail-node1', 'mail-node2'] },
          { __typename: 'ConfigurationItem', id: 'server123' },
          { __typename: 'Alert', id: 'icinga:db!disk' },
          { __typename: 'Alert', id: 'prom:nope' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      { id: 'email', alerts: [{ id: 'prom:a4' }] },
      { id: 'server123', alerts: [{ id: 'prom:a1' }, { id: 'zabbix:77' }] },
      { id: 'icinga:db!disk', summary: 'disk' },
      null,
    ]);
  });

  it("gives a CI's metrics from every monitor that offers them, and skips the others", async () => {
    const { run, prom, icinga } = setup();
    const result = await run(
      operator,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ConfigurationItem { metrics { name value unit at url } } } }`,
      { reps: [{ __typename: 'ConfigurationItem', id: 'server123' }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities[0].metrics).toEqual([{ name: 'cpu', value: 0.97, unit: null, at: '2027-01-15T08:00:00.000Z', url: null }]);
    // Each monitor is asked for the CI (its connector knows how to find it); icinga offers none.
    expect(prom.calls.metricsFor).toEqual(['server123']);
    expect(icinga.calls.metricsFor).toEqual(['server123']);
  });

  it('rejects a first above the cap or below zero', async () => {
    const { run } = setup({ maxPageSize: 5 });
    expect(codes(await run(operator, '{ alerts(first: 6) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(operator, '{ unmappedAlerts(first: -1) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(operator, ALERTS, { first: 6 }))).toEqual(['BAD_USER_INPUT']);
    const capped = await run(operator, '{ alerts(first: 2) { id } }');
    expect(capped.data.alerts).toHaveLength(2);
    // The SDL default (100) is not the client's choice: it is cut to the cap, not refused.
    expect((await run(operator, ALERTS)).data.alerts).toHaveLength(5);
  });
});
