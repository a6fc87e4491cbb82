import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createShield } from '../authz/shield.js';
import type { Viewer } from '../authz/viewer.js';
import { loadConfig } from '../app/config.js';
import { createServicegraph } from '../app/root.js';
import { silentLogger } from '../kernel/log.js';
import { SUPERGRAPH_PATH, type SubgraphName, subgraphSdl, subgraphTypeDefs } from '../schema/subgraphs.js';
import { createCmdbSubgraph } from '../subgraphs/cmdb/index.js';
import type { BaseContext, SubgraphModule } from '../subgraphs/common/module.js';
import { buildScopedSchema } from '../subgraphs/common/schema.js';
import { catalogOf } from '../bsm/catalog.js';
import { createHelpdeskSubgraph } from '../subgraphs/helpdesk/index.js';
import { createKnowledgeSubgraph } from '../subgraphs/knowledge/index.js';
import { createMonitoringSubgraph } from '../subgraphs/monitoring/index.js';
import { createServicesSubgraph } from '../subgraphs/services/index.js';
import { testEnv, writeTestConfig } from '../test/harness.js';

/**
 * What the scope model costs on the dashboard query: the same five subgraphs, in-process, behind
 * @apollo/gateway, once as servicegraph runs them (shield + scope middleware) and once with the
 * scope middleware taken off and a scope that sees everything (so the resolvers' own scope filters
 * cost nothing either); as an operator (scope all: nothing hidden, pure overhead) and as an operator
 * scoped to payroll (objects hidden). Alternating rounds; prints requests/s and the ratio.
 *   npx tsx bench/scope.ts [--seconds 4] [--rounds 3]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 4);
const ROUNDS = arg('rounds', 3);
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';

/** bench/gateway.ts's dashboard, plus what a CI and its relations bring (the cmdb subgraph's part). */
const DASHBOARD = `{
  services(first: 50) { nodes {
    id name status summary
    impact { revenuePerHourAtRisk priorityScore calendarReason }
    sla { availability timeToBreach { text } }
    rootCauses { ci { id name usedBy { ci { id name } } } pathText }
    dependencies { node { id status } }
    alerts { id severity summary ci { id } }
  } }
  outages(first: 10) { rank why ci { name } impactedServices { service { id } } }
}`;

const dir = mkdtempSync(join(tmpdir(), 'servicegraph-bench-scope-'));
const loaded = loadConfig(writeTestConfig(dir, { extra: 'evaluatorIntervalMs: 600000' }), testEnv);
const root = createServicegraph({ loaded, log: silentLogger });
await root.loadConnectors();
const maxPageSize = loaded.config.maxPageSize;
const modules: Record<SubgraphName, SubgraphModule<BaseContext>> = {
  services: createServicesSubgraph({
    model: root.model(),
    monitors: root.connectors('monitor'),
    helpdesks: root.connectors('helpdesk'),
    maxPageSize,
    evaluatorIntervalMs: 600_000,
    log: silentLogger,
  }) as never,
  monitoring: createMonitoringSubgraph({ monitors: root.connectors('monitor'), cmdb: root.cmdb(), maxPageSize }) as never,
  cmdb: createCmdbSubgraph({ cmdb: root.cmdb(), maxPageSize }) as never,
  helpdesk: createHelpdeskSubgraph({
    helpdesks: root.connectors('helpdesk'),
    knowledgeBases: root.connectors('knowledge'),
    cmdb: root.cmdb(),
    catalog: catalogOf(root.definitions()),
    maxPageSize,
  }) as never,
  knowledge: createKnowledgeSubgraph({ knowledgeBases: root.connectors('knowledge'), maxPageSize }) as never,
};

/** One subgraph, executed in-process as the gateway asks it, with the viewer of the gateway's context. */
function dataSource(name: SubgraphName, withScope: boolean): GraphQLDataSource<{ viewer: Viewer }> {
  const module = modules[name];
  const scoped = buildScopedSchema(module, root.directory());
  const shield = createShield(subgraphSdl(name), root.policy());
  const schema: GraphQLSchema = withScope
    ? applyMiddleware(scoped.schema, shield)
    : applyMiddleware(buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(name), resolvers: module.resolvers }]), shield);
  return {
    async process({ request, context }) {
      const viewer = context.viewer;
      let base = scoped.baseContext({
        auth: { sub: viewer.id, roles: viewer.roles, groups: viewer.groups },
        viewer,
        log: silentLogger,
        audit: () => {},
      });
      if (!withScope) {
        const real = base.scope;
        base = { ...base, scope: { viewer, load: async () => ({ ...(await real.load()), sees: () => true, filter: (_t, v) => [...v] }) } };
      }
      const contextValue = await module.createContext(base);
      const result = await graphql({
        schema,
        source: request.query ?? '',
        variableValues: request.variables ?? null,
        operationName: request.operationName ?? null,
        contextValue,
      });
      return result as never;
    },
  };
}

async function gatewayServer(withScope: boolean) {
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) => dataSource(name as SubgraphName, withScope),
  });
  const server = new ApolloServer<{ viewer: Viewer }>({ gateway });
  await server.start();
  return server;
}

const setups = [
  { label: 'scope middleware', server: await gatewayServer(true) },
  { label: 'no scope middleware, sees all', server: await gatewayServer(false) },
];
const policy = root.policy();
const viewers = {
  'operator (scope all)': policy.viewerFor({ sub: 'op', roles: ['operator'], groups: [] }),
  'operator scoped to payroll': {
    ...policy.viewerFor({ sub: 'op', roles: ['operator'], groups: [] }),
    scope: [{ kind: 'list' as const, services: ['payroll'] }],
    grants: policy
      .viewerFor({ sub: 'op', roles: ['operator'], groups: [] })
      .grants.map((g) => ({ ...g, scope: [{ kind: 'list' as const, services: ['payroll'] }] })),
  },
};

async function run(server: ApolloServer<{ viewer: Viewer }>, viewer: Viewer): Promise<number> {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const response = await server.executeOperation({ query: DASHBOARD }, { contextValue: { viewer } });
    if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) {
      throw new Error(`dashboard failed: ${JSON.stringify(response.body)}`.slice(0, 500));
    }
    n += 1;
  }
  return n / SECONDS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
console.log(`dashboard query, in-process subgraphs, ${ROUNDS} alternating rounds of ${SECONDS}s, one request at a time (median)`);
for (const [who, viewer] of Object.entries(viewers)) {
  for (const s of setups) await run(s.server, viewer).catch((e: unknown) => console.error(String(e))); // warm up
  const rps = new Map<string, number[]>(setups.map((s) => [s.label, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of round % 2 === 0 ? setups : [...setups].reverse()) rps.get(s.label)?.push(await run(s.server, viewer));
  }
  const [withScope, without] = setups.map((s) => median(rps.get(s.label) ?? []));
  console.log(
    `${who.padEnd(28)} with scope ${withScope?.toFixed(1)} req/s, without ${without?.toFixed(1)} req/s: ${((withScope ?? 0) / (without ?? 1)).toFixed(3)}×`,
  );
}
for (const s of setups) await s.server.stop();
await root.close();
process.exit(0);
