import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Authorization overhead: the servicegraph gateway (authorization on) against plain
 * @apollo/gateway (none), same subgraphs over HTTP, same dashboard query, alternating rounds in one
 * run so a noisy machine shifts both alike; and what skipping the HTTP hop to co-located subgraphs
 * gives. Prints requests/s and p99 per setup and the ratio to plain. Then 50 clients of mixed
 * roles at once (operator and executive dashboards, end users' own services, the help desk's
 * outages) against the in-process gateway: p99, errors and the servers' CPU per request per
 * audience. Exits 1 when a target is missed.
 *   npx tsx bench/gateway.ts [--seconds 5] [--rounds 3] [--concurrency 8] [--mixed-p99-ms 1500] [--mixed-only]
 *     [--profile <dir>] [--baseline <dir>]
 * --mixed-only skips the comparison with plain; --profile <dir> runs the servers under
 * `node --cpu-prof` and leaves the profile in <dir>; --baseline <dir> measures the in-process
 * dashboard and the mixed clients against the servers of an earlier tree too (a checkout inside the
 * repository, so it finds node_modules: `git archive <rev> | tar -x -C .baseline`), in alternating
 * rounds, and prints the CPU per request of both.
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
const MIXED_ONLY = process.argv.includes('--mixed-only');
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const profileDir = option('profile');
const PROFILE = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const BASELINE = option('baseline');

const DASHBOARD = `{
  services(first: 50) { nodes {
    id name status summary
    impact { revenuePerHourAtRisk priorityScore calendarReason }
    sla { availability timeToBreach { text } }
    rootCauses { ci { id name } pathText }
    alerts { id severity summary }
  } }
}`;

type Role = 'operator' | 'executive' | 'endUser' | 'helpdesk';
interface ServersInfo {
  ours: string;
  oursInProcess: string;
  plain: string;
  tokens: Record<Role, string>;
}
/** bench/gateway-servers.ts of a tree, in its own process; resolves once it printed its URLs. */
async function startServers(script: string) {
  const child = spawn(process.execPath, [...PROFILE, '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<ServersInfo>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`servers exited with ${code}`)));
  });
  /** CPU time (user + system) the process has used, in ms (Linux /proc; clock ticks of 10 ms). */
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { info, cpuMs, stop };
}
const servers = await startServers(fileURLToPath(new URL('./gateway-servers.ts', import.meta.url)));
const baseline = BASELINE ? await startServers(join(resolve(BASELINE), 'bench/gateway-servers.ts')) : null;
const { info } = servers;

/** What each audience asks: the dashboard for operators and executives, their own services for end users, outages for the help desk. */
const QUERIES: Record<Role, string> = {
  operator: DASHBOARD,
  executive: DASHBOARD,
  endUser: '{ myServices { service { id name } status text incidentNumber } }',
  helpdesk: '{ outages(first: 10) { rank ci { id name } status priorityScore why } }',
};

interface Client {
  label: string;
  token: string | null;
  query: string;
  errorsExpected?: boolean;
}
interface Stats {
  rps: number;
  p99: number;
  errors: number;
}
const p99Of = (latencies: number[]) => [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)] ?? Number.NaN;

/**
 * `clients` loop, each with its token and query, for SECONDS; an answer without data, or with
 * errors where none are due, is an error. Per label and in all, with the servers' CPU per request.
 */
async function load(
  url: string,
  clients: Client[],
  cpuMs = servers.cpuMs,
): Promise<Stats & { cpuMsPerRequest: number; byLabel: Map<string, Stats>; slow: { label: string; startedS: number; ms: number }[] }> {
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const began = performance.now();
  const end = began + SECONDS * 1000;
  /** The slowest requests, with when they started: is the tail a cold start or a stall under way? */
  const slow: { label: string; startedS: number; ms: number }[] = [];
  const cpuBefore = cpuMs();
  await Promise.all(
    clients.map(async ({ label, token, query, errorsExpected }) => {
      const body = JSON.stringify({ query });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      const mine = latencies.get(label) ?? [];
      latencies.set(label, mine);
      while (performance.now() < end) {
        const start = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body });
        const json = (await res.json()) as { data?: unknown; errors?: unknown[] };
        if (res.status !== 200 || !json.data || (!errorsExpected && json.errors)) errors.set(label, (errors.get(label) ?? 0) + 1);
        const ms = performance.now() - start;
        mine.push(ms);
        if (ms > 1000) slow.push({ label, startedS: (start - began) / 1000, ms });
      }
    }),
  );
  const cpuUsed = cpuMs() - cpuBefore;
  const all = [...latencies.values()].flat();
  const byLabel = new Map(
    [...latencies].map(([label, xs]): [string, Stats] => [
      label,
      { rps: xs.length / SECONDS, p99: p99Of(xs), errors: errors.get(label) ?? 0 },
    ]),
  );
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  slow.sort((a, b) => b.ms - a.ms);
  return {
    rps: all.length / SECONDS,
    p99: p99Of(all),
    errors: errorCount,
    cpuMsPerRequest: cpuUsed / Math.max(1, all.length),
    byLabel,
    slow,
  };
}
const same = (label: string, token: string | null, errorsExpected = false): Client[] =>
  Array.from({ length: CONCURRENCY }, () => ({ label, token, query: DASHBOARD, errorsExpected }));

const IN_PROCESS = 'servicegraph in-process subgraphs, operator';
const setups = [
  { label: 'plain @apollo/gateway', url: info.plain, clients: same('plain', null) },
  { label: 'servicegraph, operator (nothing removed)', url: info.ours, clients: same('operator', info.tokens.operator) },
  { label: 'servicegraph, executive (fields removed)', url: info.ours, clients: same('executive', info.tokens.executive, true) },
  { label: IN_PROCESS, url: info.oursInProcess, clients: same('operator', info.tokens.operator) },
].filter((s) => !MIXED_ONLY || s.label === IN_PROCESS);
const ROLES: Role[] = ['operator', 'executive', 'endUser', 'helpdesk'];
const mixedFor = (tokens: Record<Role, string>) =>
  Array.from({ length: 50 }, (_, i): Client => {
    const role = ROLES[i % ROLES.length] as Role;
    return { label: role, token: tokens[role], query: QUERIES[role], errorsExpected: role === 'executive' };
  });
const mixed = mixedFor(info.tokens);

// Warm the plan caches and the service model.
for (const s of setups) await load(s.url, s.clients).catch(() => undefined);
const totals = new Map<string, { rps: number[]; p99: number[]; cpu: number[]; errors: number }>(
  setups.map((s) => [s.label, { rps: [], p99: [], cpu: [], errors: 0 }]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
    const r = await load(s.url, s.clients);
    const t = totals.get(s.label)!;
    t.rps.push(r.rps);
    t.p99.push(r.p99);
    t.cpu.push(r.cpuMsPerRequest);
    t.errors += r.errors;
  }
}
const mixedRun = await load(info.oursInProcess, mixed);

/** This tree against the baseline's, alternating: the in-process dashboard and the mixed clients, CPU per request and p99. */
const versus = new Map<string, number[]>();
if (baseline) {
  const trees = [
    { name: 'this tree', at: servers },
    { name: 'baseline', at: baseline },
  ];
  for (const t of trees) await load(t.at.info.oursInProcess, mixedFor(t.at.info.tokens), t.at.cpuMs); // warm
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? trees : [...trees].reverse()) {
      const dashboard = await load(t.at.info.oursInProcess, same('operator', t.at.info.tokens.operator), t.at.cpuMs);
      const all = await load(t.at.info.oursInProcess, mixedFor(t.at.info.tokens), t.at.cpuMs);
      for (const [what, value] of [
        ['dashboard CPU ms/req', dashboard.cpuMsPerRequest],
        ['dashboard p99 ms', dashboard.p99],
        ['mixed CPU ms/req', all.cpuMsPerRequest],
        ['mixed p99 ms', all.p99],
      ] as const)
        versus.set(`${t.name}|${what}`, [...(versus.get(`${t.name}|${what}`) ?? []), value]);
    }
  }
}
await Promise.all([servers.stop(), baseline?.stop()]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const plainRps = MIXED_ONLY ? NaN : median(totals.get('plain @apollo/gateway')!.rps);
console.log(`dashboard query, ${ROUNDS} alternating rounds of ${SECONDS}s, concurrency ${CONCURRENCY} (median of rounds)`);
console.log(
  'setup'.padEnd(44),
  'req/s'.padStart(8),
  'p99 ms'.padStart(8),
  'CPU ms/req'.padStart(11),
  'vs plain'.padStart(9),
  'errors'.padStart(7),
);
for (const s of setups) {
  const t = totals.get(s.label)!;
  const rps = median(t.rps);
  console.log(
    s.label.padEnd(44),
    rps.toFixed(1).padStart(8),
    median(t.p99).toFixed(1).padStart(8),
    median(t.cpu).toFixed(2).padStart(11),
    `${(rps / plainRps).toFixed(2)}x`.padStart(9),
    String(t.errors).padStart(7),
  );
}
console.log(
  `50 mixed-role clients, in-process gateway: ${mixedRun.rps.toFixed(1)} req/s, p99 ${mixedRun.p99.toFixed(1)} ms, ` +
    `${mixedRun.cpuMsPerRequest.toFixed(2)} CPU ms/req, ${mixedRun.errors} errors`,
);
if (mixedRun.slow.length > 0)
  console.log(
    `  ${mixedRun.slow.length} requests over 1 s; slowest: ${mixedRun.slow
      .slice(0, 5)
      .map((r) => `${r.label} started at ${r.startedS.toFixed(1)} s took ${r.ms.toFixed(0)} ms`)
      .join(', ')}`,
  );
for (const [role, r] of mixedRun.byLabel)
  console.log(`  ${role.padEnd(10)} ${r.rps.toFixed(1).padStart(7)} req/s  p99 ${r.p99.toFixed(1).padStart(7)} ms  ${r.errors} errors`);
if (baseline) {
  console.log(`this tree against ${BASELINE}, ${ROUNDS} alternating rounds (median)`);
  for (const what of ['dashboard CPU ms/req', 'dashboard p99 ms', 'mixed CPU ms/req', 'mixed p99 ms']) {
    const ours = median(versus.get(`this tree|${what}`) ?? []);
    const theirs = median(versus.get(`baseline|${what}`) ?? []);
    console.log(
      `  ${what.padEnd(22)} ${ours.toFixed(2).padStart(9)} vs ${theirs.toFixed(2).padStart(9)}  (${(ours / theirs).toFixed(2)}x)`,
    );
  }
}
const missed: string[] = [];
const ratio = median(totals.get('servicegraph, operator (nothing removed)')?.rps ?? []) / plainRps;
if (!MIXED_ONLY && !(ratio >= TARGET_RATIO))
  missed.push(`servicegraph (operator) ${ratio.toFixed(2)}x the plain gateway, target >= ${TARGET_RATIO.toFixed(2)}x`);
for (const s of setups) if (totals.get(s.label)!.errors > 0) missed.push(`${s.label}: ${totals.get(s.label)!.errors} errors, target 0`);
if (mixedRun.errors > 0) missed.push(`mixed-role clients: ${mixedRun.errors} errors, target 0`);
if (!(mixedRun.p99 <= MIXED_P99_MS)) missed.push(`mixed-role clients: p99 ${mixedRun.p99.toFixed(0)} ms, target <= ${MIXED_P99_MS} ms`);
console.log(missed.length === 0 ? 'targets met' : `TARGETS MISSED:\n  ${missed.join('\n  ')}`);
process.exit(missed.length === 0 ? 0 : 1);
