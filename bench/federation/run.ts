import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { SignJWT } from 'jose';
import { SUBGRAPHS, subgraphTypeDefs } from './schemas.js';

/**
 * The standard federation benchmark (graphql-hive/graphql-gateways-benchmark: four subgraphs, one
 * deep query, an 87.6 KB answer) run here: plain @apollo/gateway, servicegraph (its real entry point
 * on this supergraph by config: authentication with a JWT on every request, the authorization
 * filter with a policy allowing everything, limits, signed identity) and a monolith serving the same
 * schema, each started fresh per round, in alternating order. The system under test runs alone on
 * one core (taskset), the subgraphs and wrk on the other. Every answer is checked against the
 * published one before and after measuring. The machine is shared: a measurement during which other
 * processes took more than --max-foreign % of the gateway's core, or saturated the other core, is
 * rejected and repeated.
 *   npm run bench:federation [-- --quick] [--rounds 3] [--seconds 20] [--warmup 10] [--systems a,b] [--max-foreign 10]
 * --baseline <dir> adds servicegraph built into <dir> (a copy of an earlier `dist`, inside the
 * repository so it finds node_modules) as the system `baseline`: one lever measured against the
 * build without it, in the same alternating rounds. --profile <dir> runs servicegraph under
 * `node --cpu-prof` and leaves its profiles in <dir>.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '8,50' },
    systems: { type: 'string' },
    'max-foreign': { type: 'string', default: '10' },
    retries: { type: 'string' },
    baseline: { type: 'string' },
    profile: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const SECONDS = Number(args.seconds ?? (quick ? 5 : 20));
const WARMUP = Number(args.warmup ?? (quick ? 2 : 10));
const CONNECTIONS = (args.connections ?? '8,50').split(',').map(Number);
const MAX_FOREIGN = Number(args['max-foreign']);
const MAX_AUX_BUSY = 95;
// --quick keeps its two minutes: a disturbed measurement is flagged, not repeated.
const RETRIES = Number(args.retries ?? (quick ? 0 : 2));
const GATEWAY_CPU = 1;
const AUX_CPU = 0;

const ROOT = resolve(import.meta.dirname, '../..');
const HERE = join(ROOT, 'bench/federation');
const DIST = join(ROOT, 'dist/bench/federation');
const work = mkdtempSync(join(tmpdir(), 'servicegraph-federation-bench-'));
const children = new Set<ChildProcess>();

// ---- the systems ----------------------------------------------------------------------------------

interface System {
  name: string;
  label: string;
  command: string[];
  /** The Authorization header every request carries. */
  authorization?: string;
}

function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    console.log('installing wrk from Debian (apt-get, serialised with other installs)');
    execFileSync('flock', ['/tmp/servicegraph-apt.lock', 'apt-get', '-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', 'wrk'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

function build(): void {
  console.log('building (npm run build, and the benchmark servers)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(HERE, 'tsconfig.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Starts `command` pinned to `cpu`; resolves with the process and the URL it prints on stdout. */
async function start(command: string[], cpu: number, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('taskset', ['-c', String(cpu), ...command], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'warn', ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const json = /^\{.*"url"/.test(line) ? (JSON.parse(line) as { url: string }).url : undefined;
      const printed = json ?? /gateway ready at (\S+)/.exec(line)?.[1];
      if (printed) resolveUrl(printed);
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---- the answer --------------------------------------------------------------------------------

const query = readFileSync(join(HERE, 'fixtures/query.graphql'), 'utf8');
const expected: unknown = JSON.parse(readFileSync(join(HERE, 'fixtures/expected.json'), 'utf8'));
const bodyFile = join(work, 'body.json');
writeFileSync(bodyFile, JSON.stringify({ query }));

/** The system's answer must be the published one. */
async function check(url: string, authorization?: string): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: readFileSync(bodyFile, 'utf8'),
    });
    const text = await res.text();
    if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 300)}`;
    return isDeepStrictEqual(JSON.parse(text), expected) ? null : `an answer other than the expected one: ${text.slice(0, 300)}`;
  } catch (error) {
    return String(error);
  }
}

// ---- measuring ------------------------------------------------------------------------------------

const HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Busy ticks of one CPU (user, nice, system, irq, softirq, steal). */
function cpuBusy(cpu: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  const f = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  return (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
}

/** CPU ticks (user + system) a process has used. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Share of its core the system under test used. */
  cpuShare: number;
  cpuMsPerRequest: number;
  foreignPct: number;
  auxBusyPct: number;
}

function wrk(url: string, connections: number, seconds: number, authorization: string | undefined) {
  return new Promise<{ requests: number; seconds: number; errors: number; p50_us: number; p99_us: number }>((resolveRun, reject) => {
    const child = spawn(
      'taskset',
      [
        '-c',
        String(AUX_CPU),
        'wrk',
        '-t1',
        `-c${connections}`,
        `-d${seconds}s`,
        '--latency',
        '--timeout',
        '30s',
        '-s',
        join(HERE, 'wrk.lua'),
        url,
      ],
      { env: { ...process.env, BODY_FILE: bodyFile, AUTHORIZATION: authorization ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.add(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      children.delete(child);
      const json = /WRKJSON (\{.*\})/.exec(out)?.[1];
      if (code !== 0 || !json) reject(new Error(`wrk failed (${code}): ${out.slice(-300)}`));
      else resolveRun(JSON.parse(json));
    });
  });
}

async function measure(system: System, pid: number, url: string, connections: number, peak: { rss: number }) {
  await wrk(url, connections, WARMUP, system.authorization);
  const sampler = setInterval(() => (peak.rss = Math.max(peak.rss, rssMb(pid))), 250);
  const t0 = performance.now();
  const g0 = processTicks(pid);
  const c0 = cpuBusy(GATEWAY_CPU);
  const a0 = cpuBusy(AUX_CPU);
  const result = await wrk(url, connections, SECONDS, system.authorization);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak.rss = Math.max(peak.rss, rssMb(pid));
  const gateway = (processTicks(pid) - g0) / HZ;
  const gatewayCore = (cpuBusy(GATEWAY_CPU) - c0) / HZ;
  const m: Measurement = {
    rps: result.requests / result.seconds,
    p50Ms: result.p50_us / 1000,
    p99Ms: result.p99_us / 1000,
    errors: result.errors,
    cpuShare: gateway / elapsed,
    cpuMsPerRequest: (gateway * 1000) / Math.max(1, result.requests),
    foreignPct: Math.max(0, (100 * (gatewayCore - gateway)) / elapsed),
    auxBusyPct: (100 * (cpuBusy(AUX_CPU) - a0)) / HZ / elapsed,
  };
  return m;
}

// ---- the run -------------------------------------------------------------------------------------

ensureWrk();
build();
const subgraphs = await start([process.execPath, join(DIST, 'subgraphs.js')], AUX_CPU);
const composed = composeServices(SUBGRAPHS.map((name) => ({ name, typeDefs: subgraphTypeDefs(name), url: `${subgraphs.url}/${name}` })));
if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
const supergraphFile = join(work, 'supergraph.graphql');
writeFileSync(supergraphFile, composed.supergraphSdl);

// servicegraph on this supergraph by config: remote mode (the supergraph names every subgraph's URL),
// a policy whose one role reads everything, secrets from the environment only.
const jwtSecret = randomBytes(32).toString('base64url');
const secretsEnv = { BENCH_JWT_SECRET: jwtSecret, BENCH_INTERNAL_SECRET: randomBytes(32).toString('base64url') };
writeFileSync(
  join(work, 'policy.yaml'),
  `# Everything for the one role of the benchmark: the filter runs and removes nothing, and the cost
# check runs under a budget the deep query (about 113 000) stays within.
maxCost: 1000000
roles:
  reader: { drillLevel: TELEMETRY, scope: [{ all: true }] }
`,
);
const servicegraphConfig = (merging = false) => {
  const file = join(work, `servicegraph${merging ? '-merging' : ''}.yaml`);
  writeFileSync(
    file,
    `server: { host: 127.0.0.1, port: 0, mergeRequests: ${merging} }
subgraphs: { mode: remote }
supergraph: ${supergraphFile}
estate: ${join(ROOT, 'estate/demo')}
dataDir: ${join(work, 'data')}
policy: ${join(work, 'policy.yaml')}
auth: { issuer: federation-bench, audience: servicegraph, secret: "\${BENCH_JWT_SECRET}" }
internalAuth: { secret: "\${BENCH_INTERNAL_SECRET}" }
audit: { sink: stderr }
connectors:
  - { name: builtin, type: builtin-monitor }
`,
  );
  return file;
};
const token = await new SignJWT({ roles: ['reader'], groups: [] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench-user')
  .setIssuer('federation-bench')
  .setAudience('servicegraph')
  .setIssuedAt()
  .setExpirationTime('6h')
  .sign(new TextEncoder().encode(jwtSecret));

const ALL: System[] = [
  {
    name: 'apollo-gateway',
    label: 'plain @apollo/gateway + @apollo/server',
    command: [process.execPath, join(DIST, 'apollo-gateway.js'), supergraphFile],
  },
  {
    name: 'servicegraph',
    label: 'servicegraph, authorization on',
    command: [
      process.execPath,
      ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(args.profile)] : []),
      join(ROOT, 'dist/app/main.js'),
      '--config',
      servicegraphConfig(),
    ],
    authorization: `Bearer ${token}`,
  },
  {
    name: 'servicegraph-merging',
    label: 'servicegraph, authorization on, identical concurrent requests merged',
    command: [process.execPath, join(ROOT, 'dist/app/main.js'), '--config', servicegraphConfig(true)],
    authorization: `Bearer ${token}`,
  },
  ...(args.baseline
    ? [
        {
          name: 'baseline',
          label: `servicegraph from ${args.baseline}`,
          command: [process.execPath, join(resolve(args.baseline), 'app/main.js'), '--config', servicegraphConfig()],
          authorization: `Bearer ${token}`,
        },
      ]
    : []),
  { name: 'monolith', label: 'monolith (one @apollo/server, no federation)', command: [process.execPath, join(DIST, 'monolith.js')] },
];
const wanted = args.systems?.split(',');
const systems = wanted ? ALL.filter((s) => wanted.includes(s.name)) : ALL;

const results = new Map<string, Measurement[]>();
const peaks = new Map<string, number>();
const rejected: string[] = [];
const key = (system: string, connections: number) => `${system}@${connections}`;

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
async function cleanup() {
  await Promise.all([...children].map((c) => stop(c)));
  rmSync(work, { recursive: true, force: true });
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const system of round % 2 === 1 ? systems : [...systems].reverse()) {
      const peak = { rss: 0 };
      const { child, url } = await start(system.command, GATEWAY_CPU, secretsEnv);
      try {
        const problem = await check(url, system.authorization);
        if (problem) throw new Error(`${system.name} answered ${problem}`);
        for (const connections of CONNECTIONS) {
          for (let attempt = 0; ; attempt++) {
            const m = await measure(system, child.pid!, url, connections, peak);
            const disturbed = m.foreignPct > MAX_FOREIGN || m.auxBusyPct > MAX_AUX_BUSY;
            const line = `round ${round} ${system.name.padEnd(22)} c=${String(connections).padEnd(3)} ${m.rps.toFixed(1).padStart(7)} req/s  p50 ${m.p50Ms.toFixed(0).padStart(5)} ms  p99 ${m.p99Ms.toFixed(0).padStart(5)} ms  ${m.cpuMsPerRequest.toFixed(2)} ms CPU/req  core ${(100 * m.cpuShare).toFixed(0)} %  others on its core ${m.foreignPct.toFixed(0)} %, aux core ${m.auxBusyPct.toFixed(0)} %${m.errors ? `  ERRORS ${m.errors}` : ''}`;
            if (!disturbed || attempt >= RETRIES) {
              console.log(`${line}${disturbed ? '  (disturbed, kept: out of retries)' : ''}`);
              results.set(key(system.name, connections), [...(results.get(key(system.name, connections)) ?? []), m]);
              break;
            }
            console.log(`${line}  rejected: disturbed`);
            rejected.push(line);
            await new Promise((r) => setTimeout(r, 5000));
          }
        }
        const after = await check(url, system.authorization);
        if (after) throw new Error(`${system.name} answered ${after} after the load`);
      } finally {
        await stop(child);
      }
      peaks.set(system.name, Math.max(peaks.get(system.name) ?? 0, peak.rss));
    }
  }
} finally {
  await cleanup();
}

// ---- the table -----------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `\nfederation benchmark: ${ROUNDS} round(s), ${WARMUP} s warm-up + ${SECONDS} s measured, medians; system under test alone on cpu${GATEWAY_CPU}, subgraphs and wrk on cpu${AUX_CPU}; load average at the end ${load}; ${rejected.length} disturbed measurement(s) rejected`,
);
console.log('| system | connections | req/s | p50 | p99 | CPU per request | req/s per core | peak RSS |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const perCore = (ms: Measurement[]) => median(ms.map((m) => m.rps / Math.max(0.01, m.cpuShare)));
for (const connections of CONNECTIONS) {
  for (const system of systems) {
    const ms = results.get(key(system.name, connections)) ?? [];
    console.log(
      `| ${system.label} | ${connections} | ${median(ms.map((m) => m.rps)).toFixed(1)} | ${median(ms.map((m) => m.p50Ms)).toFixed(0)} ms | ${median(ms.map((m) => m.p99Ms)).toFixed(0)} ms | ${median(ms.map((m) => m.cpuMsPerRequest)).toFixed(2)} ms | ${perCore(ms).toFixed(1)} | ${(peaks.get(system.name) ?? 0).toFixed(0)} MB |`,
    );
  }
}
const at50 = (name: string) => results.get(key(name, 50)) ?? [];
const plain = at50('apollo-gateway');
const ours = at50('servicegraph');
const ratioOf = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? (a / b).toFixed(2) : 'n/a (a system completed no request)');
if (plain.length > 0 && ours.length > 0) {
  console.log(
    `req/s ratio servicegraph/apollo-gateway (50 connections): ${ratioOf(median(ours.map((m) => m.rps)), median(plain.map((m) => m.rps)))}`,
  );
  console.log(
    `p99 ratio servicegraph/apollo-gateway (50 connections): ${ratioOf(median(ours.map((m) => m.p99Ms)), median(plain.map((m) => m.p99Ms)))}`,
  );
  console.log(`peak RSS ratio servicegraph/apollo-gateway: ${ratioOf(peaks.get('servicegraph') ?? 0, peaks.get('apollo-gateway') ?? 0)}`);
  // Per core: requests/s divided by the share of its core the gateway got (the machine is shared).
  console.log(`ratio servicegraph/apollo-gateway: ${ratioOf(perCore(ours), perCore(plain))}`);
}
