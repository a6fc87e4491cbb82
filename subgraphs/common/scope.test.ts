import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../kernel/log.js';
import { createMonitoringSubgraph } from '../monitoring/index.js';
import type { BaseContext } from './module.js';
import { createEntityScopes, createRequestScope } from './request-scope.js';
import { createScopeMiddleware } from './scope-middleware.js';
import { buildScopedSchema } from './schema.js';
import { fakeCatalog, testDeps, viewer } from './test-fakes.js';

/**
 * The scope middleware's own guarantees, on a small schema: what it does to lists, lookups and
 * pointers, and that a subgraph it cannot scope does not start.
 */
const catalog = fakeCatalog([
  { id: 'payroll', name: 'Payroll', owner: 'hr-it', components: ['server123'] },
  { id: 'trading', name: 'Trading', owner: 'markets', components: ['trade-app01'] },
]);
const payrollViewer = viewer('paul', [{ role: 'payroll', scope: [{ kind: 'list', services: ['payroll'] }] }]);

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query {
    cis: [ConfigurationItem!]!
    ci(id: ID!): ConfigurationItem
    causes: [Cause!]!
    maybe: [ConfigurationItem]!
  }
  type ConfigurationItem @key(fields: "id") { id: ID! }
  "Points at a CI: it stands or falls with it."
  type Cause { ci: ConfigurationItem! why: String! }
`);
const cis = ['server123', 'trade-app01', 'nowhere'].map((id) => ({ id }));
const resolvers = {
  Query: {
    cis: () => cis,
    ci: (_: unknown, args: { id: string }) => ({ id: args.id }),
    causes: () => cis.map((ci) => ({ ci, why: `because of ${ci.id}` })),
    maybe: () => cis,
  },
};

function run(source: string, who = payrollViewer) {
  const base = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const entities = createEntityScopes('cmdb');
  const schema = applyMiddleware(base, createScopeMiddleware<BaseContext>(base, { entities, sdl: 'type Query { x: Int }', find: {} }));
  const contextValue: BaseContext = {
    auth: { sub: who.id, roles: who.roles, groups: who.groups },
    viewer: who,
    log: silentLogger,
    audit: () => {},
    scope: createRequestScope(who, catalog, entities),
  };
  return graphql({ schema, source, contextValue });
}

describe('the scope middleware', () => {
  it('leaves out of a list what the viewer may not see, and a CI under no service (seen only with scope all)', async () => {
    expect((await run('{ cis { id } }')).data).toEqual({ cis: [{ id: 'server123' }] });
    const all = viewer('olga', [{ role: 'operator' }]);
    expect((await run('{ cis { id } }', all)).data).toEqual({ cis: [{ id: 'server123' }, { id: 'trade-app01' }, { id: 'nowhere' }] });
  });

  it('answers null for a lookup out of scope, with no error; a list of nullable items keeps its positions', async () => {
    expect(await run('{ a: ci(id: "trade-app01") { id } b: ci(id: "server123") { id } }')).toEqual({
      data: { a: null, b: { id: 'server123' } },
    });
    expect((await run('{ maybe { id } }')).data).toEqual({ maybe: [{ id: 'server123' }, null, null] });
  });

  it('drops an object that points at one the viewer may not see, whatever else it says', async () => {
    expect((await run('{ causes { why } }')).data).toEqual({ causes: [{ why: 'because of server123' }] });
  });

  it('hides every CI from a viewer whose drill level is below the type’s (COMPONENT)', async () => {
    const serviceLevel = viewer('sam', [{ role: 'service-viewer', drillLevel: 'SERVICE' }]);
    expect((await run('{ cis { id } causes { why } }', { ...serviceLevel, drillLevel: 'SERVICE' })).data).toEqual({ cis: [], causes: [] });
  });
});

describe('a subgraph the middleware cannot scope does not start', () => {
  it('an entity type whose values nobody says how to place', () => {
    const monitoring = createMonitoringSubgraph(testDeps({}));
    expect(() => buildScopedSchema({ ...monitoring, scope: { ...monitoring.scope, subjects: {} } }, catalog)).toThrow(
      /monitoring gives no subject for Alert/,
    );
  });

  it('a mutation argument that is an ID of no known kind, or of a kind the subgraph cannot find', () => {
    const build = (mutation: string) => {
      const schema = buildSubgraphSchema([
        {
          typeDefs: parse(
            `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"]) type Query { x: Int } type Mutation { ${mutation} }`,
          ),
        },
      ]);
      return () => createScopeMiddleware(schema, { entities: createEntityScopes('cmdb'), sdl: 'type Query { x: Int }', find: {} });
    };
    expect(build('close(ticketRef: ID!): Boolean')).toThrow(/Mutation.close argument ticketRef is an ID of no known kind/);
    expect(build('escalate(input: Escalation!): Boolean } input Escalation { alertId: ID!')).toThrow(
      /Mutation.escalate argument names an object of type Alert, which the subgraph gives no way to find/,
    );
    expect(build('reopen(serviceId: ID!): Boolean')).not.toThrow();
  });
});
