import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { silentLogger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, subgraphTypeDefs, type SubgraphName } from '../schema/subgraphs.js';
import type { AuditEvent } from './audit.js';
import { EMPTY_ALIAS } from './operation-filter.js';
import { createAuthzPlugin } from './gateway-plugin.js';
import type { Policy } from './policy.js';
import { SUPERGRAPH_SDL, demoPolicy, staticPolicyStore, viewerWith } from './test-support.js';
import type { Viewer } from './viewer.js';

/**
 * The plugin inside a real ApolloGateway over the committed supergraph, with the subgraphs served
 * in-process by stub resolvers (LocalGraphQLDataSource), so each test sees what the gateway asked
 * each subgraph.
 */

const service = (id: string) => ({
  id,
  name: id === 'payroll' ? 'Payroll' : 'Email',
  criticality: 'HIGH',
  rootCauses: [{ pathText: `${id} → server123`, status: 'CRITICAL' }],
  kpis: [{ name: 'payslips', flag: 'NORMAL', expression: 'rate(payslips[5m])' }],
});

const acknowledged: string[] = [];
const RESOLVERS: Partial<Record<SubgraphName, object>> = {
  services: {
    Query: {
      service: (_: unknown, { id }: { id: string }) => service(id),
      services: () => ({ nodes: [service('payroll'), service('email')], totalCount: 2, hasNextPage: false, endCursor: null }),
      outages: () => [],
    },
    Service: { __resolveReference: ({ id }: { id: string }) => service(id) },
  },
  monitoring: {
    Mutation: {
      acknowledgeAlert: (_: unknown, { id }: { id: string }) => {
        acknowledged.push(id);
        return {
          id,
          severity: 'CRITICAL',
          summary: 'down',
          startsAt: '2026-01-01T00:00:00Z',
          acknowledged: true,
          inMaintenance: false,
          stale: false,
          source: { tool: 'builtin', connector: 'builtin' },
          labels: [],
        };
      },
    },
    Query: { alerts: () => [] },
  },
};

const subgraphRequests: { name: string; query: string }[] = [];
class RecordingDataSource extends LocalGraphQLDataSource {
  constructor(
    readonly name: string,
    schema: ConstructorParameters<typeof LocalGraphQLDataSource>[0],
  ) {
    super(schema);
  }
  override process(options: Parameters<LocalGraphQLDataSource['process']>[0]) {
    subgraphRequests.push({ name: this.name, query: options.request.query ?? '' });
    return super.process(options);
  }
}

let policy: Policy;
const audit: AuditEvent[] = [];
let server: ApolloServer<{ viewer: Viewer }>;

beforeAll(async () => {
  policy = demoPolicy();
  const schemas = new Map(
    SUBGRAPH_NAMES.map((name) => [
      name,
      buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(name), resolvers: (RESOLVERS[name] ?? {}) as never }]),
    ]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: SUPERGRAPH_SDL,
    buildService: ({ name }) => new RecordingDataSource(name, schemas.get(name as SubgraphName)!),
  });
  server = new ApolloServer({
    gateway,
    introspection: true,
    plugins: [
      createAuthzPlugin<{ viewer: Viewer }>({
        policy: staticPolicyStore(new Proxy({} as Policy, { get: (_t, key) => policy[key as keyof Policy] })),
        audit: { record: (e) => audit.push(e) },
        log: silentLogger,
        viewerOf: (ctx) => ctx.viewer,
      }),
    ],
  });
  await server.start();
});
afterAll(() => server?.stop());

async function run(
  query: string,
  roles: string[],
  options: { variables?: Record<string, unknown>; patch?: Partial<Policy>; viewer?: Viewer } = {},
) {
  policy = { ...demoPolicy(), ...options.patch };
  subgraphRequests.length = 0;
  audit.length = 0;
  const viewer = options.viewer ?? viewerWith(roles);
  const response = await server.executeOperation(
    { query, ...(options.variables ? { variables: options.variables } : {}) },
    { contextValue: { viewer } },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, ...(JSON.parse(JSON.stringify(response.body.singleResult)) as { data?: any; errors?: any[] }) };
}

describe('gateway authorization plugin', () => {
  it('answers a denied field with null and one FORBIDDEN error, and never asks a subgraph for it', async () => {
    const r = await run('{ service(id: "payroll") { name rootCauses { pathText } } }', ['executive']);
    expect(r.data).toEqual({ service: { name: 'Payroll', rootCauses: null } });
    expect(r.errors).toEqual([
      {
        message: 'Forbidden: Service.rootCauses needs drill level COMPONENT',
        path: ['service', 'rootCauses'],
        extensions: { code: 'FORBIDDEN', field: 'Service.rootCauses', requiredLevel: 'COMPONENT' },
      },
    ]);
    expect(subgraphRequests.map((s) => s.name)).toEqual(['services']);
    expect(subgraphRequests[0]?.query).not.toContain('rootCauses');
    expect(audit).toMatchObject([
      {
        who: 'test-executive',
        kind: 'denial',
        field: 'Service.rootCauses',
        target: 'service.rootCauses',
        needs: 'COMPONENT',
        result: 'denied',
        at: 'gateway',
      },
    ]);
  });

  it('plans per permission set: a deeper role gets the field from the subgraph', async () => {
    const r = await run('{ service(id: "payroll") { name rootCauses { pathText } } }', ['helpdesk']);
    expect(r.errors).toBeUndefined();
    expect(r.data.service.rootCauses).toEqual([{ pathText: 'payroll → server123' }]);
    expect(subgraphRequests[0]?.query).toContain('rootCauses');
  });

  it('sets the null on every element of a list parent, at the alias', async () => {
    const r = await run('{ services { nodes { name kpis { name expr: expression } } } }', ['helpdesk']);
    expect(r.data.services.nodes).toEqual([
      { name: 'Payroll', kpis: [{ name: 'payslips', expr: null }] },
      { name: 'Email', kpis: [{ name: 'payslips', expr: null }] },
    ]);
    expect(r.errors?.map((e) => e.path)).toEqual([['services', 'nodes', 'kpis', 'expr']]);
  });

  it('says so when a readable field is nulled because everything selected under it is denied', async () => {
    const r = await run('{ service(id: "payroll") { name kpis { expression } } }', ['helpdesk']);
    expect(r.data).toEqual({ service: { name: 'Payroll', kpis: null } });
    expect(r.errors?.[0]).toMatchObject({
      message: 'Forbidden: every field selected under Service.kpis needs drill level TELEMETRY or deeper',
      path: ['service', 'kpis'],
      extensions: { code: 'FORBIDDEN', field: 'Service.kpis', requiredLevel: 'TELEMETRY' },
    });
  });

  it('answers an operation where everything is denied without the placeholder', async () => {
    const r = await run('{ outages { rank } }', ['executive']);
    expect(r.data).toEqual({ outages: null });
    expect(r.data).not.toHaveProperty(EMPTY_ALIAS);
    expect(r.errors?.map((e) => e.extensions.field)).toEqual(['Query.outages']);
    expect(subgraphRequests).toEqual([]);
  });

  it('uses UNAUTHENTICATED for an anonymous viewer', async () => {
    const anonymous: Viewer = { ...viewerWith([]), id: 'anonymous', anonymous: true };
    const r = await run('{ businessImpact { servicesDown } }', [], { viewer: anonymous });
    expect(r.data).toEqual({ businessImpact: null });
    expect(r.errors?.[0]).toMatchObject({
      message: 'Unauthenticated: Query.businessImpact needs drill level BUSINESS',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('rejects a mutation whose action the viewer lacks, before any subgraph is called, and audits it', async () => {
    acknowledged.length = 0;
    const r = await run('mutation Ack($id: ID!) { acknowledgeAlert(id: $id, comment: "secret words") { id } }', ['helpdesk'], {
      variables: { id: 'builtin:a1' },
    });
    expect(r.status).toBe(403);
    expect(r.data).toBeUndefined();
    expect(r.errors).toMatchObject([
      { message: 'Forbidden: Mutation.acknowledgeAlert needs the action alert:acknowledge', extensions: { code: 'FORBIDDEN' } },
    ]);
    expect(subgraphRequests).toEqual([]);
    expect(acknowledged).toEqual([]);
    expect(audit).toEqual([
      expect.objectContaining({
        kind: 'action',
        field: 'Mutation.acknowledgeAlert',
        action: 'alert:acknowledge',
        target: 'id=builtin:a1',
        result: 'denied',
        operationName: 'Ack',
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain('secret words');
  });

  it('runs and audits an allowed mutation', async () => {
    acknowledged.length = 0;
    const r = await run('mutation { acknowledgeAlert(id: "builtin:a1", comment: "on it") { id acknowledged } }', ['operator']);
    expect(r.errors).toBeUndefined();
    expect(acknowledged).toEqual(['builtin:a1']);
    expect(audit).toEqual([
      expect.objectContaining({ kind: 'action', action: 'alert:acknowledge', target: 'id=builtin:a1', result: 'allowed' }),
    ]);
  });

  it('checks only the executed operation of a document that holds a query and a forbidden mutation', async () => {
    const doc = 'query Board { service(id: "payroll") { name } } mutation Ack { acknowledgeAlert(id: "x", comment: "c") { id } }';
    policy = demoPolicy();
    const viewer = viewerWith(['helpdesk']);
    const board = await server.executeOperation({ query: doc, operationName: 'Board' }, { contextValue: { viewer } });
    expect(board.body.kind === 'single' && board.body.singleResult.errors).toBeFalsy();
    const ack = await server.executeOperation({ query: doc, operationName: 'Ack' }, { contextValue: { viewer } });
    expect(ack.body.kind === 'single' && ack.body.singleResult.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('in reject mode, rejects the whole operation when any field is denied', async () => {
    const r = await run('{ service(id: "payroll") { name rootCauses { pathText } } }', ['executive'], { patch: { mode: 'reject' } });
    expect(r.status).toBe(403);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]).toMatchObject({
      message: 'Forbidden: Service.rootCauses needs drill level COMPONENT',
      extensions: {
        code: 'FORBIDDEN',
        denied: [{ path: ['service', 'rootCauses'], field: 'Service.rootCauses', requiredLevel: 'COMPONENT' }],
      },
    });
    expect(subgraphRequests).toEqual([]);
    const fine = await run('{ service(id: "payroll") { name } }', ['executive'], { patch: { mode: 'reject' } });
    expect(fine.errors).toBeUndefined();
  });

  it('in dry run, audits what it would deny and denies nothing', async () => {
    const r = await run('{ service(id: "payroll") { name rootCauses { pathText } } }', ['executive'], { patch: { dryRun: true } });
    expect(r.errors).toBeUndefined();
    expect(r.data.service.rootCauses).toHaveLength(1);
    expect(audit).toMatchObject([{ kind: 'denial', field: 'Service.rootCauses', result: 'dry-run' }]);
    acknowledged.length = 0;
    await run('mutation { acknowledgeAlert(id: "builtin:a2", comment: "c") { id } }', ['executive'], { patch: { dryRun: true } });
    expect(acknowledged).toEqual(['builtin:a2']);
    expect(audit).toMatchObject([
      { kind: 'action', action: 'alert:acknowledge', target: 'id=builtin:a2', result: 'dry-run' },
      { kind: 'denial', field: 'Alert.id', target: 'acknowledgeAlert.id', result: 'dry-run' },
    ]);
  });

  it('introspection off: rejected', async () => {
    const r = await run('{ __schema { queryType { name } } }', ['admin'], { patch: { introspection: 'off' } });
    expect(r.errors?.[0]).toMatchObject({ message: 'Forbidden: introspection is disabled', extensions: { code: 'FORBIDDEN' } });
    const typename = await run('{ __typename }', ['executive'], { patch: { introspection: 'off' } });
    expect(typename.data).toEqual({ __typename: 'Query' });
  });

  it('introspection filtered: each viewer sees only the types and fields it may use', async () => {
    const query = `{
      service: __type(name: "Service") { fields { name } }
      ci: __type(name: "ConfigurationItem") { name }
      mutation: __schema { mutationType { fields { name } } }
    }`;
    const exec = await run(query, ['executive']);
    expect(exec.errors).toBeUndefined();
    const fields = exec.data.service.fields.map((f: { name: string }) => f.name);
    expect(fields).toContain('name');
    expect(fields).not.toContain('rootCauses');
    expect(fields).not.toContain('dependencies');
    expect(exec.data.ci).toBeNull();
    expect(exec.data.mutation.mutationType).toBeNull(); // an executive has no action

    const endUser = await run(query, ['end-user']);
    expect(endUser.data.mutation.mutationType.fields.map((f: { name: string }) => f.name)).toEqual(['reportProblem', 'requestOffering']);

    const op = await run(query, ['operator']);
    expect(op.data.ci).toEqual({ name: 'ConfigurationItem' });
    expect(op.data.service.fields.map((f: { name: string }) => f.name)).toContain('rootCauses');

    const mixed = await run('{ __schema { queryType { name } } service(id: "payroll") { name } }', ['operator']);
    expect(mixed.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const full = await run('{ ci: __type(name: "ConfigurationItem") { name } }', ['executive'], { patch: { introspection: 'full' } });
    expect(full.data.ci).toEqual({ name: 'ConfigurationItem' });
  });

  it('leaves a syntax error to Apollo Server', async () => {
    const r = await run('{ service(id: "payroll") { name ', ['executive']);
    expect(r.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
