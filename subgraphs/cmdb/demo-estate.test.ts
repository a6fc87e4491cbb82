import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache } from '../../connectors/core/cache.js';
import type { ConnectorDeps } from '../../connectors/core/connector.js';
import { silentLogger } from '../../kernel/log.js';
import {
  builtinCmdbConnector,
  builtinHelpdeskConnector,
  builtinKnowledgeConnector,
  builtinMonitorConnector,
} from '../../connectors/builtin/index.js';
import { createHelpdeskSubgraph } from '../helpdesk/index.js';
import { createKnowledgeSubgraph } from '../knowledge/index.js';
import { createMonitoringSubgraph } from '../monitoring/index.js';
import { createCmdbSubgraph } from './index.js';
import { codes, createRunner, fakeCatalog, testDeps, viewer } from '../common/test-fakes.js';

/**
 * The four subgraphs over the builtin connectors and the shipped demo estate: the path a help desk
 * agent and an operator take through the demo (server123 down on payday).
 */
const DEMO = fileURLToPath(new URL('../../estate/demo', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sg-subgraphs-'));
const connectorDeps = (name: string): ConnectorDeps => ({
  log: silentLogger,
  cache: createCache(name, silentLogger),
  estateDir: DEMO,
  dataDir,
});

const connectors = {
  monitor: [builtinMonitorConnector.create('monitor', {}, connectorDeps('monitor'))],
  cmdb: [builtinCmdbConnector.create('cmdb', {}, connectorDeps('cmdb'))],
  helpdesk: [builtinHelpdeskConnector.create('helpdesk', {}, connectorDeps('helpdesk'))],
  knowledge: [builtinKnowledgeConnector.create('kb', {}, connectorDeps('kb'))],
};
afterAll(async () => {
  for (const instance of Object.values(connectors).flat()) await instance.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

// The part of the service model these subgraphs need: which CIs serve which service.
const catalog = fakeCatalog([
  {
    id: 'payroll',
    name: 'Payroll',
    owner: 'hr-it',
    consumers: ['all-staff'],
    criticality: 'CRITICAL',
    components: ['payroll-app', 'payroll-batch', 'payroll-db', 'server123'],
  },
  {
    id: 'email',
    name: 'Email',
    owner: 'messaging',
    consumers: ['all-staff'],
    criticality: 'HIGH',
    components: ['mail-cluster', 'mail-node1', 'mail-node2', 'mail-node3'],
  },
]);
const deps = testDeps(connectors);
const cmdb = createRunner(createCmdbSubgraph(deps), catalog);
const monitoring = createRunner(createMonitoringSubgraph(deps), catalog);
const helpdesk = createRunner(createHelpdeskSubgraph(deps), catalog);
const knowledge = createRunner(createKnowledgeSubgraph(deps), catalog);

const operator = viewer('olga', [
  { role: 'operator', actions: ['alert:acknowledge', 'incident:create', 'incident:comment', 'article:link'] },
]);
const mailOperator = viewer('mo', [{ role: 'mail-op', actions: ['alert:acknowledge'], scope: [{ kind: 'list', services: ['email'] }] }]);

describe('subgraphs over the demo estate', () => {
  it('correlates the demo alerts by FQDN and IP, and lists the printer alert as unmapped', async () => {
    const result = await monitoring(operator, '{ alerts { id severity ci { id } } unmappedAlerts { id summary } }');
    expect(result.errors).toBeUndefined();
    const byId = new Map(result.data.alerts.map((a: { id: string; ci: { id: string } | null }) => [a.id, a.ci?.id ?? null]));
    expect(byId.get('monitor:a1')).toBe('server123');
    expect(byId.get('monitor:a2')).toBe('mail-node2');
    expect(result.data.alerts[0].severity).toBe('CRITICAL');
    expect(result.data.unmappedAlerts.map((a: { id: string }) => a.id)).toContain('monitor:a7');
  });

  it('shows a CI with its relations and metrics', async () => {
    const ci = await cmdb(operator, '{ configurationItem(id: "server123") { name fqdn usedBy { type ci { id } } } }');
    expect(ci.errors).toBeUndefined();
    expect(ci.data.configurationItem.fqdn).toBe('server123.corp.example');
    expect(ci.data.configurationItem.usedBy.length).toBeGreaterThan(0);
    const metrics = await monitoring(
      operator,
      `{ _entities(representations: [{ __typename: "ConfigurationItem", id: "server123" }]) { ... on ConfigurationItem { metrics { name value } } } }`,
    );
    expect(metrics.errors).toBeUndefined();
    expect(metrics.data._entities[0].metrics).toEqual(
      expect.arrayContaining([
        { name: 'up', value: 0 },
        { name: 'cpu', value: 0.97 },
      ]),
    );
  });

  it('acknowledges in the builtin monitor only where the viewer operates', async () => {
    // server123's alert serves payroll only: to the email operator it is as if it did not exist.
    const denied = await monitoring(mailOperator, 'mutation { acknowledgeAlert(id: "monitor:a1", comment: "mine?") { id } }');
    const nonexistent = await monitoring(mailOperator, 'mutation { acknowledgeAlert(id: "monitor:zz", comment: "mine?") { id } }');
    expect(codes(denied)).toEqual(['BAD_USER_INPUT']);
    expect(denied.errors?.[0]?.message).toBe(nonexistent.errors?.[0]?.message.replace('zz', 'a1'));
    const acked = await monitoring(
      mailOperator,
      'mutation { acknowledgeAlert(id: "monitor:a2", comment: "failover done") { acknowledged acknowledgedBy } }',
    );
    expect(acked.data.acknowledgeAlert).toEqual({ acknowledged: true, acknowledgedBy: 'mo' });
    const a1 = await monitoring(operator, '{ alert(id: "monitor:a1") { acknowledged } }');
    expect(a1.data.alert).toEqual({ acknowledged: false });
  });

  it('takes an incident to its knowledge suggestions, and creates a ticket once per key', async () => {
    const incident = await helpdesk(operator, '{ incidents(filter: { serviceIds: ["payroll"] }) { id number ci { id } } }');
    expect(incident.errors).toBeUndefined();
    const payroll = incident.data.incidents.find((i: { number: string }) => i.number === 'INC0010001');
    expect(payroll.ci).toEqual({ id: 'server123' });
    const text = await helpdesk(
      operator,
      `{ _entities(representations: [{ __typename: "Incident", id: "${payroll.id}" }]) { ... on Incident { searchText linkedArticleIds } } }`,
    );
    const { searchText, linkedArticleIds } = text.data._entities[0];
    expect(searchText).toContain('server123');
    const suggested = await knowledge(
      operator,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Incident { suggestedArticles { id title } } } }`,
      {
        reps: [{ __typename: 'Incident', id: payroll.id, searchText, linkedArticleIds }],
      },
    );
    expect(suggested.errors).toBeUndefined();
    expect(suggested.data._entities[0].suggestedArticles[0]).toEqual({ id: 'kb:KB0001', title: 'Restarting server123 payroll batch' });

    const create = 'mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id number service { id } } }';
    const input = { title: 'Payslips missing', description: 'after the run', serviceId: 'payroll', clientMutationId: 'demo-key-1' };
    const first = await helpdesk(operator, create, { input });
    const second = await helpdesk(operator, create, { input });
    expect(first.errors).toBeUndefined();
    expect(second.data.createIncident).toEqual(first.data.createIncident);
    const linked = await helpdesk(
      operator,
      `mutation { linkArticle(incidentId: "${first.data.createIncident.id}", articleId: "kb:KB0001") { linkedArticleIds } }`,
    );
    expect(linked.errors).toBeUndefined();
    expect(linked.data.linkArticle.linkedArticleIds).toContain('kb:KB0001');
  });
});
