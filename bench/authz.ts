import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApolloGateway } from '@apollo/gateway';
import { parse, print } from 'graphql';
import { buildAnnotationIndex } from '../authz/annotations.js';
import { filterOperation } from '../authz/operation-filter.js';
import { loadPolicy, resolveViewer } from '../authz/policy.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';

/**
 * What the gateway's authorization filter costs per request: parse + filter + print of a dashboard
 * query for an executive (much removed) and an operator (nothing removed), against the ~1-2 ms a
 * query plan cache miss costs and the ~16 ms of gateway CPU per request measured in DESIGN.md.
 * The plugin caches results by query text and permission set, so this is the cost of a cache miss.
 *   npx tsx bench/authz.ts
 */
const DASHBOARD = `
query Dashboard($first: Int) {
  businessImpact { servicesDown revenuePerHourAtRisk slasAtRisk { service { id name } timeToBreach { text } } }
  services(first: $first) {
    nodes {
      ...Card
      rootCauses { pathText ci { id name class sourceLinks { url } alerts { id severity summary labels { name value } } } }
      dependencies { relation node { id status ... on Service { name } ... on ConfigurationItem { name class } } }
      kpis { name value baseline flag expression }
    }
  }
  outages(first: 10) { rank why ci { name } }
}
fragment Card on Service { id name status statusSince summary impact { priorityScore calendarReason } sla { availability timeToBreach { text } } }
`;

const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const gateway = new ApolloGateway({ supergraphSdl: sdl });
const { schema } = await gateway.load();
await gateway.stop();
const index = buildAnnotationIndex(sdl);
const policy = loadPolicy(new URL('../policy/demo.yaml', import.meta.url).pathname);

for (const role of ['executive', 'operator']) {
  const viewer = resolveViewer(policy, { sub: role, roles: [role], groups: [] });
  const once = () => {
    const result = filterOperation(parse(DASHBOARD, { noLocation: true }), schema, index, viewer);
    return result.changed ? print(result.document) : DASHBOARD;
  };
  for (let i = 0; i < 500; i += 1) once(); // warm up the JIT
  const n = 5000;
  const start = performance.now();
  for (let i = 0; i < n; i += 1) once();
  const perCall = (performance.now() - start) / n;
  const denied = filterOperation(parse(DASHBOARD), schema, index, viewer).denied.length;
  console.log(`${role.padEnd(10)} parse+filter+print ${(perCall * 1000).toFixed(0)} µs per request (cache miss), ${denied} denied paths`);
}
