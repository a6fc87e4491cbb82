import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../kernel/log.js';
import { ROOT, startStack, TEST_INTERNAL_SECRET, type Stack } from './harness.js';

/**
 * Attempts to walk around the policy. Each must fail: the field null with a FORBIDDEN error, the
 * subgraph never asked for it, the mutation without side effect, the out-of-scope service invisible.
 */
const forbiddenFields = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (body.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.extensions?.['field']);

const policyWith = (edit: (yaml: string) => string) => {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-policy-'));
  const file = join(dir, 'policy.yaml');
  copyFileSync(join(ROOT, 'policy/demo.yaml'), file);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return file;
};

/**
 * The demo policy plus scoped roles: an operator of the email service only, an operator of payroll
 * only, and a viewer who may see the structure of every service (SERVICE level) but no component.
 */
const withScopedRoles = () =>
  policyWith((y) =>
    y.replace(
      /^roles:\n/m,
      `roles:
  email-operator:
    drillLevel: TELEMETRY
    actions: [alert:acknowledge]
    scope: [{ services: [email] }]
  payroll-operator:
    drillLevel: TELEMETRY
    actions: [alert:acknowledge, incident:create, incident:comment]
    scope: [{ services: [payroll] }]
  service-viewer:
    drillLevel: SERVICE
    actions: []
    scope: [{ all: true }]
`,
    ),
  );

describe('bypass attempts', () => {
  let stack: Stack;
  const subgraphBodies: string[] = [];
  /** The subgraphs' 'incident created' log lines: who created which ticket. */
  const created: { target?: string; viewer?: string }[] = [];
  let executive: string;
  beforeAll(async () => {
    // Capture what the subgraphs are asked (debug log), to prove denied fields never leave the gateway.
    const log = createLogger({
      level: 'debug',
      write: (line) => {
        const entry = JSON.parse(line) as { msg: string; body?: string; target?: string; viewer?: string };
        if (entry.msg === 'subgraph operation' && entry.body) subgraphBodies.push(entry.body);
        if (entry.msg === 'incident created') created.push(entry);
      },
    });
    stack = await startStack({ log, policyFile: withScopedRoles() });
    executive = await stack.token('executive');
  });
  afterAll(() => stack?.close());

  it('a forbidden field behind a named fragment is null with FORBIDDEN, and no subgraph is asked for it', async () => {
    subgraphBodies.length = 0;
    const { body } = await stack.gql(
      `query Dash { service(id: "payroll") { ...Health } } fragment Health on Service { name status rootCauses { ci { id } } }`,
      { token: executive },
    );
    expect((body.data as any).service).toEqual({ name: 'Payroll', status: 'CRITICAL', rootCauses: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['service', 'rootCauses'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Service.rootCauses', requiredLevel: 'COMPONENT' }),
      }),
    ]);
    expect(subgraphBodies.length).toBeGreaterThan(0);
    expect(subgraphBodies.join('\n')).not.toContain('rootCauses');
  });

  it('an alias does not hide the field: the error path uses the alias', async () => {
    const { body } = await stack.gql(`{ service(id: "payroll") { status why: explanation { text } } }`, { token: executive });
    expect((body.data as any).service).toEqual({ status: 'CRITICAL', why: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['service', 'why'], extensions: { code: 'FORBIDDEN', field: 'Service.explanation' } });
  });

  it('an inline fragment on an interface needs what every implementation needs', async () => {
    // HealthNode.status is BUSINESS on Service but COMPONENT on ConfigurationItem: through the interface, COMPONENT.
    const { body } = await stack.gql(`{ service(id: "payroll") { name ... on HealthNode { status } } }`, { token: executive });
    expect(forbiddenFields(body)).toEqual(['HealthNode.status']);
    expect((body.data as any).service.name).toBe('Payroll');
  });

  it('a nested entity from another subgraph: deep links under a service’s CIs stay hidden from a service owner', async () => {
    subgraphBodies.length = 0;
    const owner = await stack.token('service-owner', { groups: ['hr-it'] });
    const { body } = await stack.gql(`{ service(id: "payroll") { components { id name sourceLinks { url } } } }`, { token: owner });
    const components = (body.data as any).service.components as { id: string; sourceLinks: unknown }[];
    expect(components.length).toBeGreaterThan(0);
    expect(components.every((c) => c.sourceLinks === null)).toBe(true);
    expect(forbiddenFields(body)).toContain('ConfigurationItem.sourceLinks');
    expect(subgraphBodies.join('\n')).not.toContain('sourceLinks');
  });

  it('variables used only by a removed field do not break the operation', async () => {
    const { body } = await stack.gql(`query($from: DateTime!) { service(id: "payroll") { name statusHistory(from: $from) { to } } }`, {
      token: executive,
      variables: { from: '2026-01-01T00:00:00Z' },
    });
    expect((body.data as any).service).toEqual({ name: 'Payroll', statusHistory: null });
    expect(forbiddenFields(body)).toEqual(['Service.statusHistory']);
  });

  it('_entities called directly on a subgraph is guarded by the subgraph’s own rules', async () => {
    const { body } = await stack.subgraph(
      'monitoring',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Service { id alerts { id } } } }',
      { roles: ['executive'], variables: { r: [{ __typename: 'Service', id: 'payroll', componentIds: ['server123'] }] } },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(body.data ?? {})).not.toContain('builtin:');
  });

  it('a service out of scope is invisible through lists, lookups, entity references and a CI’s impactedServices', async () => {
    // A messaging service owner owns email, not payroll.
    const owner = await stack.token('service-owner', { groups: ['messaging'] });
    const { body } = await stack.gql(
      `{ services { nodes { id } } service(id: "payroll") { id } configurationItem(id: "server123") { impactedServices { service { id } } } }`,
      { token: owner },
    );
    const data = body.data as any;
    expect(data.services.nodes.map((s: any) => s.id)).not.toContain('payroll');
    expect(data.services.nodes.map((s: any) => s.id)).toContain('email');
    expect(data.service).toBeNull();
    expect((data.configurationItem?.impactedServices ?? []).map((i: any) => i.service.id)).not.toContain('payroll');
    expect(JSON.stringify(body)).not.toContain('payroll');
    const entity = await stack.subgraph(
      'services',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Service { id name } } }',
      {
        roles: ['service-owner'],
        variables: { r: [{ __typename: 'Service', id: 'payroll' }] },
      },
    );
    expect(entity.body.data._entities).toEqual([null]);
  });

  describe('mutations', () => {
    const incidentCount = async () => {
      const { body } = await stack.gql('{ incidents(filter: { openOnly: false }, first: 500) { id } }', {
        token: await stack.token('admin'),
      });
      return (body.data as any).incidents.length as number;
    };

    it('a forbidden mutation next to an allowed one rejects the whole operation with no side effect', async () => {
      const before = await incidentCount();
      const helpdesk = await stack.token('helpdesk');
      const { body } = await stack.gql(
        `mutation { createIncident(input: { title: "sneaky", description: "x", ciId: "server123" }) { id } acknowledgeAlert(id: "builtin:a1", comment: "x") { id } }`,
        { token: helpdesk },
      );
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(await incidentCount()).toBe(before);
    });

    it('a mutation chosen by operationName from a document with a harmless query is still checked', async () => {
      const before = await incidentCount();
      const { body } = await stack.gql(
        `query Harmless { viewer { id } } mutation Sneaky { createIncident(input: { title: "sneaky", description: "x" }) { id } }`,
        { token: executive, headers: {}, variables: {} },
      );
      // Several operations need an operationName; without one nothing runs.
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const named = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${executive}` },
        body: JSON.stringify({
          query: `query Harmless { viewer { id } } mutation Sneaky { createIncident(input: { title: "sneaky", description: "x" }) { id } }`,
          operationName: 'Sneaky',
        }),
      });
      const answer = (await named.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await incidentCount()).toBe(before);
    });

    it('an HTTP batch of operations is refused as a whole', async () => {
      const before = await incidentCount();
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${executive}` },
        body: JSON.stringify([
          { query: '{ viewer { id } }' },
          { query: 'mutation { createIncident(input: { title: "batched", description: "x" }) { id } }' },
        ]),
      });
      expect(res.status).toBe(400);
      expect(await incidentCount()).toBe(before);
    });

    it('a subgraph called with a valid identity for a role without the action refuses the mutation', async () => {
      const before = await incidentCount();
      const { body } = await stack.subgraph(
        'helpdesk',
        'mutation { createIncident(input: { title: "direct", description: "x" }) { id } }',
        { roles: ['executive'] },
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await incidentCount()).toBe(before);
    });

    it('acknowledging an alert on a service outside the viewer’s scope answers as for no such alert, the monitor untouched', async () => {
      // An operator of email only tries to acknowledge server123's alert (payroll's): the gateway lets
      // the action through (the role has it), the monitoring subgraph refuses this object, in the
      // words it uses for an alert that does not exist (no existence oracle).
      const owner = await stack.token('email-operator');
      const { body } = await stack.gql('{ alerts { id acknowledged ci { id } } }', { token: await stack.token('admin') });
      const alert = (body.data as any).alerts.find((a: any) => a.ci?.id === 'server123' && !a.acknowledged);
      const ack = (id: string) =>
        stack.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "mine now") { id } }`, { token: owner, variables: { id } });
      const attempt = await ack(alert.id);
      const nonexistent = await ack('builtin:no-such-alert');
      expect(attempt.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(attempt.body.errors?.[0]?.message).toBe(nonexistent.body.errors?.[0]?.message.replace('builtin:no-such-alert', alert.id));
      expect(attempt.body.errors?.[0]?.extensions).toEqual(nonexistent.body.errors?.[0]?.extensions);
      const after = await stack.gql(`query($id: ID!) { alert(id: $id) { acknowledged } }`, {
        token: await stack.token('admin'),
        variables: { id: alert.id },
      });
      expect((after.body.data as any).alert.acknowledged).toBe(false);
    });
  });

  describe('one scope for every object', () => {
    const auditLines = () =>
      readFileSync(stack.auditFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const adminIncidents = async () => {
      const { body } = await stack.gql(
        '{ incidents(filter: { openOnly: false }, first: 500) { id number title priority service { id } } }',
        {
          token: await stack.token('admin'),
        },
      );
      return (body.data as any).incidents as {
        id: string;
        number: string;
        title: string;
        priority: string;
        service: { id: string } | null;
      }[];
    };

    it('a CI of another service is unreadable in every subgraph: by id, in a search, by its metrics and links, by entity reference', async () => {
      const owner = await stack.token('service-owner', { groups: ['hr-it'] });
      const payrollOperator = await stack.token('payroll-operator');
      const asOwner = await stack.gql(
        `{ configurationItem(id: "trade-app01") { id fqdn ip attributes { name } } configurationItems(search: "trade") { id }
           server: configurationItem(id: "server123") { id usedBy { ci { id } } } }`,
        { token: owner },
      );
      expect(asOwner.body.errors).toBeUndefined();
      expect(asOwner.body.data).toMatchObject({ configurationItem: null, configurationItems: [], server: { id: 'server123' } });
      const asOperator = await stack.gql(
        `{ configurationItem(id: "trade-app01") { metrics { name } sourceLinks { url } monitorLinks { url } } }`,
        {
          token: payrollOperator,
        },
      );
      expect(asOperator.body).toEqual({ data: { configurationItem: null } });
      // Straight to the subgraphs that add fields to a CI: the entity is null there too.
      for (const [name, selection] of [
        ['monitoring', 'metrics { name } alerts { id }'],
        ['cmdb', 'fqdn sourceLinks { url }'],
        ['helpdesk', 'incidents { id }'],
      ] as const) {
        const direct = await stack.subgraph(
          name,
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on ConfigurationItem { id ${selection} } } }`,
          {
            roles: ['payroll-operator'],
            variables: { r: [{ __typename: 'ConfigurationItem', id: 'trade-app01' }] },
          },
        );
        expect(direct.body, name).toEqual({ data: { _entities: [null] } });
      }
    });

    it('createIncident on a service in scope with a CI of another service is refused, and no ticket reaches the other service', async () => {
      const before = await adminIncidents();
      const owner = await stack.token('service-owner', { groups: ['hr-it'] });
      const attempt = await stack.gql(
        `mutation { createIncident(input: { title: "trading, via payroll", description: "x", serviceId: "payroll", ciId: "trade-app01" }) { id } }`,
        { token: owner },
      );
      expect(attempt.body.data ?? null).toBeNull();
      expect(attempt.body.errors?.[0]).toMatchObject({
        message: 'input.ciId: no configuration item "trade-app01"',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect((await adminIncidents()).length).toBe(before.length);
      const tradingOwner = await stack.token('service-owner', { groups: ['trading-it'] });
      const trading = await stack.gql('{ service(id: "trading") { incidents(openOnly: false) { title } } }', { token: tradingOwner });
      expect(JSON.stringify(trading.body)).not.toContain('trading, via payroll');
    });

    it('a clientMutationId is the viewer’s own: the same key from another viewer opens their ticket, and the log says who created which', async () => {
      const payrollOwner = await stack.token('service-owner', { sub: 'pat-payroll', groups: ['hr-it'] });
      const emailOwner = await stack.token('service-owner', { sub: 'eve-email', groups: ['messaging'] });
      const create = (token: string, title: string, serviceId: string) =>
        stack.gql('mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id title } }', {
          token,
          variables: { input: { title, description: 'x', serviceId, clientMutationId: 'shared-key-42' } },
        });
      const payroll = (await create(payrollOwner, 'Payslips missing', 'payroll')).body.data as any;
      const email = (await create(emailOwner, 'Mailbox full', 'email')).body.data as any;
      const again = (await create(payrollOwner, 'Payslips missing', 'payroll')).body.data as any;
      expect(email.createIncident.title).toBe('Mailbox full');
      expect(email.createIncident.id).not.toBe(payroll.createIncident.id);
      expect(again.createIncident.id).toBe(payroll.createIncident.id);
      expect(created).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ target: payroll.createIncident.id, viewer: 'pat-payroll' }),
          expect.objectContaining({ target: email.createIncident.id, viewer: 'eve-email' }),
        ]),
      );
      expect(created.filter((c) => c.target === payroll.createIncident.id).every((c) => c.viewer === 'pat-payroll')).toBe(true);
      await expect
        .poll(() =>
          auditLines()
            .filter((l) => l['action'] === 'incident:create' && l['result'] === 'allowed')
            .map((l) => l['who']),
        )
        .toEqual(expect.arrayContaining(['pat-payroll', 'eve-email']));
    });

    it('seeing a child service is not acting on it: an end user may not report on the network, the payroll operator may not silence an email alert', async () => {
      const endUser = await stack.token('end-user', { groups: ['all-staff'] });
      // The core network is below email and payroll: the end user sees its status, but consumes it not.
      const seen = await stack.gql('{ service(id: "network") { id status } }', { token: endUser });
      expect((seen.body.data as any).service.id).toBe('network');
      const report = await stack.gql('mutation { reportProblem(serviceId: "network", text: "no internet") { number } }', {
        token: endUser,
      });
      expect(report.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const payrollOperator = await stack.token('payroll-operator');
      const admin = await stack.token('admin');
      const { body } = await stack.gql('{ alerts { id acknowledged ci { id } } }', { token: admin });
      const mail = (body.data as any).alerts.find((a: any) => a.ci?.id === 'mail-node2' && !a.acknowledged);
      const visible = await stack.gql('query($id: ID!) { alert(id: $id) { id } }', { token: payrollOperator, variables: { id: mail.id } });
      expect((visible.body.data as any).alert).toEqual({ id: mail.id });
      const silence = await stack.gql('mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "quiet") { id } }', {
        token: payrollOperator,
        variables: { id: mail.id },
      });
      expect(silence.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const after = await stack.gql('query($id: ID!) { alert(id: $id) { acknowledged } }', { token: admin, variables: { id: mail.id } });
      expect((after.body.data as any).alert.acknowledged).toBe(false);
      await expect
        .poll(() => auditLines().filter((l) => l['kind'] === 'denial' && l['at'] === 'monitoring' && l['target'] === mail.id).length)
        .toBeGreaterThan(0);
    });

    it('acknowledging an alert the viewer cannot see is audited as a denial', async () => {
      const admin = await stack.token('admin');
      const { body } = await stack.gql('{ alerts { id ci { id } } }', { token: admin });
      const trading = (body.data as any).alerts.find((a: any) => a.ci?.id === 'server123');
      await stack.gql('mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "x") { id } }', {
        token: await stack.token('email-operator', { sub: 'eric-email' }),
        variables: { id: trading.id },
      });
      await expect
        .poll(() => auditLines().filter((l) => l['who'] === 'eric-email' && l['kind'] === 'denial' && l['target'] === trading.id))
        .toEqual([
          expect.objectContaining({ action: 'alert:acknowledge', field: 'Mutation.acknowledgeAlert', at: 'monitoring', result: 'denied' }),
        ]);
    });

    it('a SERVICE-level viewer reads services, never a CI: the tree, the dependencies and the explanation speak of services and counts', async () => {
      const viewer = await stack.token('service-viewer');
      const { body } = await stack.gql(
        `{ service(id: "payroll") { tree { name status node { __typename } } dependencies { node { __typename } } explanation { text rule causes { __typename } } } }`,
        { token: viewer },
      );
      expect(body.errors).toBeUndefined();
      const payroll = (body.data as any).service;
      // Identity is below payroll and below email: the tree lists it under both.
      expect([...new Set(payroll.tree.map((n: any) => n.name))].sort()).toEqual([
        'Core Network',
        'Email',
        'Identity (SSO and directory)',
        'Payroll',
      ]);
      expect(payroll.tree.every((n: any) => n.node.__typename === 'Service')).toBe(true);
      expect(payroll.dependencies.every((d: any) => d.node.__typename === 'Service')).toBe(true);
      expect(payroll.explanation).toEqual({ text: 'worst: 2 components CRITICAL', rule: 'worst', causes: [] });
      const operator = await stack.token('operator');
      const full = await stack.gql('{ service(id: "payroll") { explanation { text causes { __typename } } } }', { token: operator });
      expect((full.body.data as any).service.explanation.text).toBe('worst: payroll-app CRITICAL, payroll-batch CRITICAL');
    });

    it('a reported problem opens at a priority from the service’s criticality: payroll is CRITICAL, the report HIGH', async () => {
      const endUser = await stack.token('end-user', { groups: ['all-staff'] });
      const { body } = await stack.gql('mutation { reportProblem(serviceId: "payroll", text: "no payslip") { number } }', {
        token: endUser,
      });
      const number = (body.data as any).reportProblem.number;
      expect((await adminIncidents()).find((i) => i.number === number)).toMatchObject({ priority: 'HIGH', service: { id: 'payroll' } });
    });
  });

  it('the audit log records denials and actions, without tokens', async () => {
    const operator = await stack.token('operator');
    await stack.gql(`{ service(id: "payroll") { rootCauses { ci { id } } } }`, { token: executive });
    await stack.gql(`mutation { createIncident(input: { title: "audited", description: "x", ciId: "server123" }) { id } }`, {
      token: operator,
    });
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(stack.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'denial', who: 'test-executive', field: 'Service.rootCauses', result: 'denied' }),
        expect.objectContaining({ kind: 'action', who: 'test-operator', action: 'incident:create', result: 'allowed' }),
        // The per-object refusal made by the monitoring subgraph (the owner of email acknowledging payroll's alert).
        expect.objectContaining({ kind: 'denial', action: 'alert:acknowledge', at: 'monitoring', result: 'denied' }),
      ]),
    );
    for (const line of lines) for (const key of ['time', 'who', 'result']) expect(line).toHaveProperty(key);
    const text = readFileSync(stack.auditFile, 'utf8');
    expect(text).not.toContain(executive);
    expect(text).not.toContain(operator);
    expect(text).not.toContain(TEST_INTERNAL_SECRET);
  });

  it('introspection shows each viewer only what it may use', async () => {
    const query = '{ __schema { types { name } } }';
    const exec = await stack.gql(query, { token: executive });
    const op = await stack.gql(query, { token: await stack.token('operator') });
    const names = (r: any) => (r.body.data.__schema.types as { name: string }[]).map((t) => t.name);
    expect(names(op)).toContain('Alert');
    expect(names(exec)).not.toContain('Alert');
    expect(names(exec)).toContain('Service');
  });
});

describe('policy switches', () => {
  it('reject mode refuses the whole operation', async () => {
    const stack = await startStack({ policyFile: policyWith((y) => y.replace('mode: filter', 'mode: reject')) });
    try {
      const { body } = await stack.gql(`{ service(id: "payroll") { name rootCauses { ci { id } } } }`, {
        token: await stack.token('executive'),
      });
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    } finally {
      await stack.close();
    }
  });

  it('dry run denies nothing and audits what it would deny', async () => {
    const stack = await startStack({ policyFile: policyWith((y) => y.replace('dryRun: false', 'dryRun: true')) });
    try {
      const { body } = await stack.gql(`{ service(id: "payroll") { rootCauses { ci { id } } } }`, {
        token: await stack.token('executive'),
      });
      expect(body.errors).toBeUndefined();
      expect((body.data as any).service.rootCauses.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 100));
      expect(readFileSync(stack.auditFile, 'utf8')).toContain('"result":"dry-run"');
    } finally {
      await stack.close();
    }
  });

  it('reloads the policy without a restart, and keeps the old one when the new file is invalid', async () => {
    const file = policyWith((y) => y);
    const stack = await startStack({ policyFile: file });
    try {
      const token = await stack.token('executive');
      const ask = () => stack.gql(`{ service(id: "payroll") { name rootCauses { ci { id } } } }`, { token });
      expect(forbiddenFields((await ask()).body)).toEqual(['Service.rootCauses']);
      const original = readFileSync(file, 'utf8');
      const deeper = original.replace(/(executive:\n\s+drillLevel:) BUSINESS/, '$1 COMPONENT');
      expect(deeper).not.toBe(original);
      writeFileSync(file, deeper);
      await expect.poll(async () => forbiddenFields((await ask()).body), { timeout: 5000, interval: 100 }).toEqual([]);
      writeFileSync(file, deeper.replace('drillLevel: COMPONENT', 'drillLevel: SIDEWAYS'));
      await new Promise((r) => setTimeout(r, 800));
      expect(forbiddenFields((await ask()).body)).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
