import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Authorization overhead: the servicegraph gateway (authorization on) against plain
 * @apollo/gateway (none), same subgraphs over HTTP, same dashboard query, alternating rounds in one
 * run so a noisy machine shifts both alike; and what skipping the HTTP hop to co-located subgraphs
 * gives. Prints requests/s and p99 per setup and the ratio to plain. Then 50 clients of mixed
 * roles at once (operator and executive dashboards, end users' own services, the help desk's
 * outages) against the in-process gateway: p99 and errors. Exits 1 when a target is missed.
 *   npx tsx bench/gateway.ts [--seconds 5] [--rounds 3] [--concurrency 8] [--mixed-p99-ms 1500]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONCURRENCY = arg('concurrency', 8);
const MIXED_P99_MS = arg('mixed-p99-ms', 1500);
const TARGET_RATIO = 0.9;

const DASHBOARD = `{
  services(first: 50) { nodes {
    id name status summary
    impact { revenuePerHourAtRisk priorityScore calendarReason }
    sla { availability timeToBreach { text } }
    rootCauses { ci { id name } pathText }
    alerts { id severity summary }
  } }
}`;

const servers = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./gateway-servers.ts', import.meta.url))], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
type Role = 'operator' | 'executive' | 'endUser' | 'helpdesk';
const info = await new Promise<{ ours: string; oursInProcess: string; plain: string; tokens: Record<Role, string> }>((resolve, reject) => {
  createInterface({ input: servers.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
  servers.once('exit', (code) => reject(new Error(`servers exited with ${code}`)));
});

/** What each audience asks: the dashboard for operators and executives, their own services for end users, outages for the help desk. */
const QUERIES: Record<Role, string> = {
  operator: DASHBOARD,
  executive: DASHBOARD,
  endUser: '{ myServices { service { id name } status text incidentNumber } }',
  helpdesk: '{ outages(first: 10) { rank ci { id name } status priorityScore why } }',
};

/** `clients` loops, each with its role's token and query, for SECONDS; an answer without data, or with errors where none are due, is an error. */
async function load(url: string, clients: { token: string | null; query: string; errorsExpected?: boolean }[]) {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async ({ token, query, errorsExpected }) => {
      const body = JSON.stringify({ query });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      while (performance.now() < end) {
        const start = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body });
        const json = (await res.json()) as { data?: unknown; errors?: unknown[] };
        if (res.status !== 200 || !json.data || (!errorsExpected && json.errors)) errors += 1;
        latencies.push(performance.now() - start);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / SECONDS, p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN, errors };
}
const same = (token: string | null, errorsExpected = false) =>
  Array.from({ length: CONCURRENCY }, () => ({ token, query: DASHBOARD, errorsExpected }));

const setups = [
  { label: 'plain @apollo/gateway', url: info.plain, clients: same(null) },
  { label: 'servicegraph, operator (nothing removed)', url: info.ours, clients: same(info.tokens.operator) },
  { label: 'servicegraph, executive (fields removed)', url: info.ours, clients: same(info.tokens.executive, true) },
  { label: 'servicegraph in-process subgraphs, operator', url: info.oursInProcess, clients: same(info.tokens.operator) },
] as const;
const ROLES: Role[] = ['operator', 'executive', 'endUser', 'helpdesk'];
const mixed = Array.from({ length: 50 }, (_, i) => {
  const role = ROLES[i % ROLES.length] as Role;
  return { token: info.tokens[role], query: QUERIES[role], errorsExpected: role === 'executive' };
});

// Warm the plan caches and the service model.
for (const s of setups) await load(s.url, s.clients).catch(() => undefined);
const totals = new Map<string, { rps: number[]; p99: number[]; errors: number }>(
  setups.map((s) => [s.label, { rps: [], p99: [], errors: 0 }]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
    const r = await load(s.url, s.clients);
    const t = totals.get(s.label)!;
    t.rps.push(r.rps);
    t.p99.push(r.p99);
    t.errors += r.errors;
  }
}
const mixedRun = await load(info.oursInProcess, mixed);
servers.kill('SIGTERM');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const plainRps = median(totals.get(setups[0].label)!.rps);
console.log(`dashboard query, ${ROUNDS} alternating rounds of ${SECONDS}s, concurrency ${CONCURRENCY} (median of rounds)`);
console.log('setup'.padEnd(44), 'req/s'.padStart(8), 'p99 ms'.padStart(8), 'vs plain'.padStart(9), 'errors'.padStart(7));
for (const s of setups) {
  const t = totals.get(s.label)!;
  const rps = median(t.rps);
  console.log(
    s.label.padEnd(44),
    rps.toFixed(1).padStart(8),
    median(t.p99).toFixed(1).padStart(8),
    `${(rps / plainRps).toFixed(2)}x`.padStart(9),
    String(t.errors).padStart(7),
  );
}
console.log(
  `50 mixed-role clients (operator, executive, end user, help desk), in-process gateway: ${mixedRun.rps.toFixed(1)} req/s, p99 ${mixedRun.p99.toFixed(1)} ms, ${mixedRun.errors} errors`,
);
const missed: string[] = [];
const ratio = median(totals.get(setups[1].label)!.rps) / plainRps;
if (!(ratio >= TARGET_RATIO))
  missed.push(`servicegraph (operator) ${ratio.toFixed(2)}x the plain gateway, target >= ${TARGET_RATIO.toFixed(2)}x`);
for (const s of setups) if (totals.get(s.label)!.errors > 0) missed.push(`${s.label}: ${totals.get(s.label)!.errors} errors, target 0`);
if (mixedRun.errors > 0) missed.push(`mixed-role clients: ${mixedRun.errors} errors, target 0`);
if (!(mixedRun.p99 <= MIXED_P99_MS)) missed.push(`mixed-role clients: p99 ${mixedRun.p99.toFixed(0)} ms, target <= ${MIXED_P99_MS} ms`);
console.log(missed.length === 0 ? 'targets met' : `TARGETS MISSED:\n  ${missed.join('\n  ')}`);
process.exit(missed.length === 0 ? 0 : 1);
