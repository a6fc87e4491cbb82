import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import { createAuthzPlugin } from './gateway-plugin.js';
import { parsePolicy, resolveViewer, type Policy } from './policy.js';
import { staticPolicyStore } from './test-support.js';
import type { Viewer } from './viewer.js';

/**
 * A company's own subgraph behind the gateway carries no @drill or @action: what its fields and
 * mutations need comes from the policy's `unannotated`, and changes when the policy does.
 */
const ORDERS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { orders: [Order!]! }
  type Mutation { cancelOrder(id: ID!): Boolean }
  type Order @key(fields: "id") { id: ID! total: Int }
`);
const cancelled: string[] = [];
const schema = buildSubgraphSchema([
  {
    typeDefs: ORDERS,
    resolvers: {
      Query: { orders: () => [{ id: 'o1', total: 42 }] },
      Mutation: { cancelOrder: (_: unknown, { id }: { id: string }) => cancelled.push(id) > 0 },
    } as never,
  },
]);

/** The clerk may write orders once the policy names that action (a role may grant only actions the schema or the policy declares). */
const setPolicy = (unannotated?: { drillLevel: string; action?: string }) => {
  const clerk = { drillLevel: 'SERVICE', scope: [{ all: true }], ...(unannotated?.action ? { actions: [unannotated.action] } : {}) };
  const roles = { clerk, viewer: { drillLevel: 'BUSINESS', scope: [{ all: true }] } };
  policy = parsePolicy({ roles, ...(unannotated ? { unannotated } : {}) }, 'test', new Set());
};
let policy: Policy;
let server: ApolloServer<{ viewer: Viewer }>;

beforeAll(async () => {
  const composed = composeServices([{ name: 'orders', typeDefs: ORDERS, url: 'http://orders.invalid' }]);
  if (composed.errors) throw new Error(composed.errors.join('\n'));
  setPolicy();
  server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService: () => new LocalGraphQLDataSource(schema) }),
    plugins: [
      createAuthzPlugin<{ viewer: Viewer }>({
        policy: staticPolicyStore(new Proxy({} as Policy, { get: (_t, key) => policy[key as keyof Policy] })),
        audit: { record: () => {} },
        log: silentLogger,
        viewerOf: (ctx) => ctx.viewer,
      }),
    ],
  });
  await server.start();
});
afterAll(() => server?.stop());

async function run(query: string, role: string) {
  const viewer = resolveViewer(policy, { sub: `test-${role}`, roles: [role], groups: [] });
  const response = await server.executeOperation({ query }, { contextValue: { viewer } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as { data?: any; errors?: any[] };
}

describe("the policy's default for what the schema does not annotate", () => {
  it('is TELEMETRY unless the policy says otherwise: unannotated data stays hidden', async () => {
    setPolicy();
    const r = await run('{ orders { id total } }', 'clerk');
    expect(r.data).toEqual({ orders: null });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.orders', requiredLevel: 'TELEMETRY' });
  });

  it('gives every unannotated field the policy level, and follows a policy change', async () => {
    setPolicy({ drillLevel: 'SERVICE' });
    expect(await run('{ orders { id total } }', 'clerk')).toEqual({ data: { orders: [{ id: 'o1', total: 42 }] } });
    const shallow = await run('{ orders { id } }', 'viewer');
    expect(shallow.data).toEqual({ orders: null });
    expect(shallow.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredLevel: 'SERVICE' });

    setPolicy({ drillLevel: 'BUSINESS' });
    expect(await run('{ orders { id } }', 'viewer')).toEqual({ data: { orders: [{ id: 'o1' }] } });
  });

  it('makes an unannotated mutation need the policy action besides the level', async () => {
    expect(() =>
      parsePolicy({ roles: { clerk: { drillLevel: 'SERVICE', scope: [{ all: true }], actions: ['orders:write'] } } }, 'test', new Set()),
    ).toThrow(/unknown action "orders:write"/);
    setPolicy({ drillLevel: 'BUSINESS', action: 'orders:write' });
    cancelled.length = 0;
    const denied = await run('mutation { cancelOrder(id: "o1") }', 'viewer');
    expect(denied.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      denied: [{ field: 'Mutation.cancelOrder', action: 'orders:write' }],
    });
    expect(cancelled).toEqual([]);
    expect(await run('mutation { cancelOrder(id: "o1") }', 'clerk')).toEqual({ data: { cancelOrder: true } });
    expect(cancelled).toEqual(['o1']);
  });
});
