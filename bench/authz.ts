import { performance } from 'node:perf_hooks';
import { parse, print } from 'graphql';
import { loadApiSchema, DEMO_POLICY_FILE } from '../authz/test-support.js';
import { filterOperation } from '../authz/operation-filter.js';
import { costBudget, loadPolicy, resolveViewer } from '../authz/policy.js';
import { servicesInScope, canAct } from '../authz/scope.js';
import { checkCost, checkDocument, checkVariables, createCostEstimator } from '../gateway/limits.js';
import { internalKey, signIdentity } from '../kernel/identity-token.js';
import { silentLogger } from '../kernel/log.js';
import type { ServiceInfo } from '../kernel/model.js';
import { startStack } from '../test/harness.js';

/**
 * What authorization costs per request, beside what the dashboard query costs through the whole
 * gateway in the same run (in-process subgraphs, the demo estate, one request at a time):
 * - the filter on a cache miss (parse + filter + print; the plugin caches it per text and permission set);
 * - the cost analysis, which runs on every request (it depends on the variables);
 * - the scope checks a subgraph makes per request (servicesInScope once, then one lookup per object),
 *   over a catalog of 1,000 services;
 * - one identity-token signature, made per subgraph fetch in remote mode.
 * Target: cost analysis and scope checks together under 10 % of a dashboard request.
 *   npm run bench:authz
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

/** Median of `rounds` timings of `n` calls, in µs per call. */
async function perCall(n: number, fn: () => unknown, rounds = 5): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i += 1) await fn(); // warm up the JIT
  const times: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const start = performance.now();
    for (let i = 0; i < n; i += 1) await fn();
    times.push(((performance.now() - start) / n) * 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

const { schema, index } = await loadApiSchema();
const policy = loadPolicy(DEMO_POLICY_FILE);
const limits = {
  maxDepth: 15,
  maxAliases: 50,
  maxTokens: 10_000,
  maxDirectives: 50,
  maxMutations: 10,
  maxTextLength: 10_000,
  assumedListSize: 10,
};
const costOf = createCostEstimator(schema, limits);
const rows: [string, number][] = [];

// The whole dashboard request, through the gateway and its in-process subgraphs.
const stack = await startStack({ log: silentLogger });
const token = await stack.token('operator');
const dashboardRequest = async () => {
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: DASHBOARD }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (res.status !== 200 || body.errors) throw new Error(`dashboard failed: ${JSON.stringify(body).slice(0, 300)}`);
};
const dashboard = await perCall(20, dashboardRequest, 3);
await stack.close();

for (const role of ['executive', 'operator']) {
  const viewer = resolveViewer(policy, { sub: role, roles: [role], groups: [] });
  const filtered = () => {
    const document = parse(DASHBOARD);
    if (checkDocument(schema, document, limits)) throw new Error('refused');
    const result = filterOperation(document, schema, index, viewer);
    return result.changed ? print(result.document) : DASHBOARD;
  };
  rows.push([`filter on a cache miss, ${role} (parse, limits, filter, print)`, await perCall(2000, filtered)]);
}
const operator = resolveViewer(policy, { sub: 'operator', roles: ['operator'], groups: [] });
const document = parse(DASHBOARD);
const cost = costOf(document, 'Dashboard', {});
const costAnalysis = await perCall(5000, () => {
  checkVariables({ first: 50 }, limits);
  return checkCost(costOf(document, 'Dashboard', { first: 50 }), costBudget(policy, operator));
});

// A catalog of 1,000 services in 100 owner groups, each with two children; a viewer owning one group.
const catalog: ServiceInfo[] = Array.from({ length: 1000 }, (_, i) => ({
  id: `s${i}`,
  name: `service ${i}`,
  owner: `team${i % 100}`,
  consumers: [`users${i % 50}`],
  tags: [`tag${i % 20}`],
  childServiceIds: [`s${(i * 7 + 1) % 1000}`, `s${(i * 13 + 2) % 1000}`],
}));
const owner = resolveViewer(policy, { sub: 'owner', roles: ['service-owner'], groups: ['team7'] });
const scopeChecks = await perCall(500, () => {
  const inScope = servicesInScope(owner.scope, owner.groups, catalog);
  let seen = 0;
  for (let i = 0; i < 50; i += 1) if (inScope.has(`s${i * 20}`)) seen += 1;
  return canAct(owner, 'incident:create', ['s7'], catalog) && seen;
});

const key = internalKey('bench-internal-secret-0123456789abcdef');
const signing = await perCall(2000, () =>
  signIdentity(key, { sub: 'operator', roles: ['operator'], groups: [] }, { requestId: 'r' }, 'services', 10, {
    query: DASHBOARD,
    variables: { first: 50 },
  }),
);

const pct = (us: number) => `${((us / dashboard) * 100).toFixed(2)} %`;
console.log(`dashboard request through the gateway (operator, in-process subgraphs): ${(dashboard / 1000).toFixed(1)} ms`);
for (const [label, us] of rows) console.log(`${label.padEnd(62)} ${us.toFixed(0).padStart(6)} µs  ${pct(us)}`);
console.log(`${`cost analysis per request (cost ${cost})`.padEnd(62)} ${costAnalysis.toFixed(0).padStart(6)} µs  ${pct(costAnalysis)}`);
console.log(
  `${'scope checks per request (1,000 services, 50 lookups)'.padEnd(62)} ${scopeChecks.toFixed(0).padStart(6)} µs  ${pct(scopeChecks)}`,
);
console.log(
  `${'identity token signature, per subgraph fetch (remote mode)'.padEnd(62)} ${signing.toFixed(0).padStart(6)} µs  ${pct(signing)}`,
);
const share = (costAnalysis + scopeChecks) / dashboard;
console.log(`cost analysis + scope checks: ${(share * 100).toFixed(2)} % of a dashboard request (target < 10 %)`);
if (share >= 0.1) {
  console.error('target missed');
  process.exitCode = 1;
}
