import { describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { ERRORS } from '../kernel/errors.js';
import { SUBGRAPH_NAMES, subgraphSdl } from '../schema/subgraphs.js';
import type { AuditEvent } from './audit.js';
import { createShield } from './shield.js';
import { demoPolicy, staticPolicyStore, viewerWith } from './test-support.js';
import type { Viewer } from './viewer.js';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  enum DrillLevel { BUSINESS SERVICE COMPONENT TELEMETRY }
  directive @drill(level: DrillLevel!) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  directive @action(name: String!) on FIELD_DEFINITION

  type Query {
    service(id: ID!): Service @drill(level: BUSINESS)
    broken: String @drill(level: BUSINESS)
    unguarded: String
  }
  type Mutation {
    acknowledgeAlert(id: ID!): String @action(name: "alert:acknowledge") @drill(level: COMPONENT)
  }
  type Service @key(fields: "id") @drill(level: BUSINESS) {
    id: ID!
    name: String! @drill(level: BUSINESS)
    rootCauses: [String!] @drill(level: COMPONENT)
  }
`;

let referenceCalls = 0;
const resolvers = {
  Query: {
    service: (_: unknown, { id }: { id: string }) => ({ id, name: `svc-${id}`, rootCauses: ['server123'] }),
    broken: () => {
      throw ERRORS.UPSTREAM_UNAVAILABLE.err('icinga is unavailable', { extensions: { connector: 'icinga' } });
    },
    unguarded: () => 'leak',
  },
  Mutation: { acknowledgeAlert: (_: unknown, { id }: { id: string }) => `acked ${id}` },
  Service: {
    __resolveReference: (ref: { id: string }) => {
      referenceCalls += 1;
      return { id: ref.id, name: `ref-${ref.id}`, rootCauses: ['server123'] };
    },
  },
};

function setup(options: { dryRun?: boolean } = {}) {
  const policy = { ...demoPolicy(), dryRun: options.dryRun ?? false };
  const audit: AuditEvent[] = [];
  const shield = createShield(SDL, staticPolicyStore(policy), { audit: { record: (e) => audit.push(e) }, subgraph: 'test' });
  const schema = applyMiddleware(buildSubgraphSchema([{ typeDefs: parse(SDL), resolvers: resolvers as never }]), shield);
  const run = async (source: string, viewer: Viewer | undefined, variableValues?: Record<string, unknown>) =>
    JSON.parse(
      JSON.stringify(
        await graphql({ schema, source, contextValue: viewer ? { viewer } : {}, ...(variableValues ? { variableValues } : {}) }),
      ),
    );
  return { run, audit };
}

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code) ?? [];

describe('createShield', () => {
  it('lets a viewer read what its drill level allows and answers FORBIDDEN naming the field otherwise', async () => {
    const { run, audit } = setup();
    const result = await run('{ service(id: "payroll") { id name rootCauses } }', viewerWith(['executive']));
    expect(result.data).toEqual({ service: { id: 'payroll', name: 'svc-payroll', rootCauses: null } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      message: 'Forbidden: Service.rootCauses needs drill level COMPONENT',
      path: ['service', 'rootCauses'],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(audit).toMatchObject([
      { who: 'test-executive', kind: 'denial', field: 'Service.rootCauses', needs: 'COMPONENT', result: 'denied', at: 'test' },
    ]);

    const deep = await run('{ service(id: "payroll") { rootCauses } }', viewerWith(['helpdesk']));
    expect(deep).toEqual({ data: { service: { rootCauses: ['server123'] } } });
  });

  it('denies a field without annotation by the fallback rule', async () => {
    const { run } = setup();
    const result = await run('{ unguarded }', viewerWith(['admin']));
    expect(result.data).toEqual({ unguarded: null });
    expect(result.errors[0]).toMatchObject({ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } });
  });

  it('allows _entities and _service, but guards the entity fields an _entities lookup reaches', async () => {
    const { run } = setup();
    referenceCalls = 0;
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Service { id name rootCauses } } }';
    const result = await run(query, viewerWith(['executive']), { r: [{ __typename: 'Service', id: 'email' }] });
    expect(referenceCalls).toBe(1);
    expect(result.data).toEqual({ _entities: [{ id: 'email', name: 'ref-email', rootCauses: null }] });
    expect(codes(result)).toEqual(['FORBIDDEN']);
    const sdl = await run('{ _service { sdl } }', viewerWith(['executive']));
    expect(sdl.data._service.sdl).toContain('type Service');
  });

  it('passes connector errors through instead of masking them as authorization failures', async () => {
    const { run } = setup();
    const result = await run('{ broken }', viewerWith(['executive']));
    expect(result.errors[0]).toMatchObject({
      message: 'icinga is unavailable',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'icinga' },
    });
  });

  it('answers UNAUTHENTICATED without a viewer and for an anonymous viewer', async () => {
    const { run } = setup();
    expect(codes(await run('{ service(id: "p") { name } }', undefined))).toEqual(['UNAUTHENTICATED']);
    const anonymous: Viewer = { ...viewerWith([]), id: 'anonymous', anonymous: true };
    expect(codes(await run('{ service(id: "p") { name } }', anonymous))).toEqual(['UNAUTHENTICATED']);
  });

  it("checks the action right on mutations (any grant; per-object checks are the resolver's)", async () => {
    const { run, audit } = setup();
    const denied = await run('mutation { acknowledgeAlert(id: "a:1") }', viewerWith(['helpdesk']));
    expect(denied.errors[0]).toMatchObject({
      message: 'Forbidden: Mutation.acknowledgeAlert needs the action alert:acknowledge',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(audit.at(-1)).toMatchObject({ kind: 'action', action: 'alert:acknowledge', result: 'denied' });
    expect(await run('mutation { acknowledgeAlert(id: "a:1") }', viewerWith(['operator']))).toEqual({
      data: { acknowledgeAlert: 'acked a:1' },
    });
  });

  it('in dry run, denies nothing and leaves the audit to the gateway, which saw the same field first', async () => {
    const { run, audit } = setup({ dryRun: true });
    const result = await run('{ service(id: "payroll") { rootCauses } }', viewerWith(['executive']));
    expect(result).toEqual({ data: { service: { rootCauses: ['server123'] } } });
    expect(audit).toEqual([]);
  });

  it.each([...SUBGRAPH_NAMES])('builds a valid rule tree for the real %s subgraph', (name) => {
    const sdl = subgraphSdl(name);
    const schema = buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
    expect(() => applyMiddleware(schema, createShield(sdl, staticPolicyStore(demoPolicy())))).not.toThrow();
  });
});
