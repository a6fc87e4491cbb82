import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Authorization overhead: the servicegraph gateway (authorization on) against plain
 * @apollo/gateway (none), same subgraphs over HTTP, same dashboard query, alternating rounds in one
 * run so a noisy machine shifts both alike; and what skipping the HTTP hop to co-located subgraphs
 * gives. Prints requests/s and p99 per setup and the ratio to plain.
 *   npx tsx bench/gateway.ts [--seconds 5] [--rounds 3] [--concurrency 8]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONCURRENCY = arg('concurrency', 8);

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
const info = await new Promise<{ ours: string; oursInProcess: string; plain: string; tokens: Record<'operator' | 'executive', string> }>(
  (resolve, reject) => {
    createInterface({ input: servers.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
    servers.once('exit', (code) => reject(new Error(`servers exited with ${code}`)));
  },
);

async function load(url: string, token: string | null): Promise<{ rps: number; p99: number; errors: number }> {
  const body = JSON.stringify({ query: DASHBOARD });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body });
        const json = (await res.json()) as { data?: unknown };
        if (res.status !== 200 || !json.data) errors += 1;
        latencies.push(performance.now() - start);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / SECONDS, p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN, errors };
}

const setups = [
  { label: 'plain @apollo/gateway', url: info.plain, token: null },
  { label: 'servicegraph, operator (nothing removed)', url: info.ours, token: info.tokens.operator },
  { label: 'servicegraph, executive (fields removed)', url: info.ours, token: info.tokens.executive },
  { label: 'servicegraph in-process subgraphs, operator', url: info.oursInProcess, token: info.tokens.operator },
] as const;

// Warm the plan caches and the service model.
for (const s of setups) await load(s.url, s.token).catch(() => undefined);
const totals = new Map<string, { rps: number[]; p99: number[]; errors: number }>(
  setups.map((s) => [s.label, { rps: [], p99: [], errors: 0 }]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
    const r = await load(s.url, s.token);
    const t = totals.get(s.label)!;
    t.rps.push(r.rps);
    t.p99.push(r.p99);
    t.errors += r.errors;
  }
}
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
console.log('target: servicegraph with authorization ≥ 0.90x the plain gateway');
process.exit(0);
