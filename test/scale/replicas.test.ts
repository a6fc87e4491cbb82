import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from '@keyv/redis';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startServicegraph } from '../../app/start-gateway.js';
import { startSubgraph } from '../../app/start-subgraph.js';
import { type FakePrometheus, startFakePrometheus } from '../../connectors/prometheus/fake-server.js';
import { silentLogger } from '../../kernel/log.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../schema/subgraphs.js';
import { ROOT, signTestToken, TEST_INTERNAL_SECRET, TEST_SECRET } from '../harness.js';
import { freshDatabase, noPostgres, noRedis, REDIS_URL } from './support.js';

/**
 * Two gateway replicas over remote subgraphs, two replicas of every subgraph, one Redis and one
 * PostgreSQL, as issue 12 deploys them. The services subgraph replicas (which run the evaluator) are
 * processes of their own, so the lease holder can be killed; the others run in this process, each
 * with its own composition root (its own Redis client, pool and lease), which is what makes them
 * replicas. The monitor is a fake Prometheus + Alertmanager that counts its calls.
 */

const skip = noRedis || noPostgres;
/** The tool's answers stay fresh for the whole test: only the test invalidates them (FLUSHDB). */
const CACHE_TTL_MS = 600_000;
/** This test's own Redis database, so flushing it touches no other test file's keys. */
const REDIS_DB = 7;

interface ServicesProcess {
  child: ChildProcess;
  url: string;
  /** Lines of its JSON log, as they come. */
  log: string[];
}

describe.skipIf(skip)('two replicas on one Redis and one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-replicas-'));
  const env = { ...process.env, SG_TEST_JWT_SECRET: TEST_SECRET, SG_TEST_INTERNAL_SECRET: TEST_INTERNAL_SECRET };
  const redisUrl = `${REDIS_URL}/${REDIS_DB}`;
  let prom: FakePrometheus;
  let databaseUrl: string;
  let db: pg.Client;
  const services: ServicesProcess[] = [];
  const spawned: ChildProcess[] = [];
  const gateways: Running[] = [];
  const closers: (() => Promise<void>)[] = [];
  const dropDatabase: (() => Promise<void>)[] = [];
  let operator: string;

  const config = (file: string, subgraphs: string) => {
    const path = join(dir, file);
    writeFileSync(
      path,
      `server: { host: 127.0.0.1, port: 0 }
subgraphs: ${subgraphs}
estate: ${join(ROOT, 'estate/demo')}
dataDir: ${join(dir, 'data-never-used')}
policy: ${join(ROOT, 'policy/demo.yaml')}
auth: { issuer: servicegraph-demo, audience: servicegraph, secret: "\${SG_TEST_JWT_SECRET}" }
internalAuth: { secret: "\${SG_TEST_INTERNAL_SECRET}" }
evaluatorIntervalMs: 1000
audit: { sink: postgres }
cache: { redis: { url: "${redisUrl}" } }
storage: { postgres: { url: "${databaseUrl}", poolSize: 4, leaseRenewMs: 200 } }
connectors:
  - { name: prom, type: prometheus, prometheus: { baseUrl: "${prom.url}", retryLimit: 0 }, alertmanager: { baseUrl: "${prom.url}", retryLimit: 0 }, cacheTtlMs: ${CACHE_TTL_MS} }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: kb, type: builtin-knowledge }
`,
    );
    return path;
  };

  function startServicesProcess(configFile: string): Promise<ServicesProcess> {
    // node itself (not the tsx wrapper, which runs node as a child): SIGKILL must kill the replica.
    // Port 0: the two replicas share one config, whose basePort would give both the same port.
    const args = ['--import', 'tsx', join(ROOT, 'app/subgraph-main.ts'), 'services', '--config', configFile, '--port', '0'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Stopped after the tests even when the start fails, so no replica outlives the run.
    spawned.push(child);
    const log: string[] = [];
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => log.push(line));
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`services exited with ${code}: ${log.join('\n')}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const url = /ready at (\S+)/.exec(line)?.[1];
        if (url) resolve({ child, url, log });
      });
    });
  }

  /** Polls an observable condition (no fixed sleep): the processes work on their own timers. */
  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const gql = async (gateway: Running | undefined, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(gateway?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };

  const alive = (s: ServicesProcess) => s.child.exitCode === null && s.child.signalCode === null;
  /** Live processes whose log says they took the lease more often than they lost it. */
  const holders = () =>
    services.filter(
      (s) => alive(s) && s.log.filter((l) => l.includes('"lease taken"')).length > s.log.filter((l) => l.includes('"lease lost"')).length,
    );
  const chainOf = async (id: string) =>
    (
      await db.query<{ c: string }>(
        `SELECT coalesce(from_status, 'null') || '→' || to_status AS c FROM status_transition WHERE node_id = $1 ORDER BY seq`,
        [id],
      )
    ).rows.map((r) => r.c);
  const currentOf = async (id: string) =>
    (await db.query<{ status: string }>('SELECT status FROM status_current WHERE node_id = $1', [id])).rows[0]?.status;

  beforeAll(async () => {
    prom = await startFakePrometheus({
      alerts: [
        {
          labels: { alertname: 'HostDown', instance: 'server123:9100', job: 'node', severity: 'critical' },
          annotations: { summary: 'server123 does not answer' },
          startsAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        },
      ],
      // Every CI of the demo estate is watched, so a recovered service is OK, not UNKNOWN.
      targets: (parseYaml(readFileSync(join(ROOT, 'estate/demo/cmdb.yaml'), 'utf8')) as { cis: { id: string }[] }).cis.map((ci) => ({
        labels: { instance: `${ci.id}:9100`, job: 'node' },
        health: 'up',
      })),
    });
    const finish: (() => Promise<void>)[] = [];
    databaseUrl = await freshDatabase((fn) => finish.push(fn));
    dropDatabase.push(...finish);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    operator = await signTestToken(['operator'], { sub: 'olga' });

    const subgraphConfig = config('subgraphs.yaml', '{ mode: local }');
    // The two evaluating replicas, as processes.
    services.push(...(await Promise.all([startServicesProcess(subgraphConfig), startServicesProcess(subgraphConfig)])));
    for (const replica of [0, 1]) {
      const urls: Record<string, string> = { services: services[replica]?.url ?? '' };
      for (const name of SUBGRAPH_NAMES.filter((n): n is Exclude<SubgraphName, 'services'> => n !== 'services')) {
        const running = await startSubgraph({ configFile: subgraphConfig, name, port: 0, host: '127.0.0.1', env, log: silentLogger });
        closers.push(() => running.close());
        urls[name] = running.url;
      }
      const urlsYaml = Object.entries(urls)
        .map(([n, u]) => `${n}: "${u}"`)
        .join(', ');
      const gateway = await startServicegraph({
        configFile: config(`gateway-${replica}.yaml`, `{ mode: remote, urls: { ${urlsYaml} } }`),
        env,
        log: silentLogger,
      });
      closers.push(async () => {
        await gateway.close();
      });
      gateways.push(gateway);
    }
  }, 120_000);

  afterAll(async () => {
    const running = spawned.filter((child) => child.exitCode === null && child.signalCode === null);
    for (const child of running) child.kill('SIGTERM');
    await Promise.all(running.map((child) => new Promise((r) => child.once('exit', r))));
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await db?.end();
    for (const drop of dropDatabase) await drop();
    await prom?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a ticket created through one gateway is read through the other', async () => {
    const created = await gql(
      gateways[0],
      `mutation { createIncident(input: { title: "Payroll is down", description: "payslips", priority: HIGH, serviceId: "payroll", clientMutationId: "replicas-1" }) { id number } }`,
    );
    expect(created.errors).toBeUndefined();
    const { id } = created.data.createIncident;
    const read = await gql(gateways[1], 'query($id: ID!) { incident(id: $id) { id title state service { id } } }', { id });
    expect(read.data.incident).toEqual({ id, title: 'Payroll is down', state: 'NEW', service: { id: 'payroll' } });
    // Both gateways audit into the one table.
    const audited = await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_event WHERE line->>'action' = 'incident:create'");
    expect(Number(audited.rows[0]?.n)).toBeGreaterThanOrEqual(1);
  });

  it('the monitor is read once for every replica within its TTL', async () => {
    const [one, two] = await Promise.all(gateways.map((g) => gql(g, '{ alerts { id severity } service(id: "payroll") { status } }')));
    expect(one?.data.alerts).toEqual(two?.data.alerts);
    expect(one?.data.alerts).toEqual([expect.objectContaining({ severity: 'CRITICAL' })]);
    expect(two?.data.service.status).toBe('CRITICAL');
    // Two gateways, eight subgraph replicas and two evaluators ticking every second: one call.
    expect(prom.requests.filter((r) => r.startsWith('GET /api/v2/alerts'))).toEqual([expect.any(String)]);
  });

  it('one evaluator records; when it is killed the other takes over, and no transition is lost or written twice', async () => {
    const [holder] = await until('a lease holder', async () => (holders().length === 1 ? holders() : null));
    await until('payroll recorded CRITICAL', async () => (await currentOf('payroll')) === 'CRITICAL');
    const survivor = services.find((s) => s !== holder);

    // server123 comes back; the tool's answer is invalidated for everyone; the holder dies at once,
    // before or after it recorded the recovery: either way the survivor must end with it recorded once.
    prom.alerts.splice(0);
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    await redis.flushDb();
    await redis.close();
    const killedAt = Date.now();
    holder?.child.kill('SIGKILL');
    await until('the survivor holds the lease', async () => holders().includes(survivor as ServicesProcess));
    const takeoverMs = Date.now() - killedAt;
    await until('payroll recorded OK', async () => (await currentOf('payroll')) === 'OK');
    console.log(`evaluator lease taken over ${takeoverMs} ms after its holder was killed (leaseRenewMs 200)`);
    expect(takeoverMs).toBeLessThan(5000);

    expect(await chainOf('payroll')).toEqual(['null→CRITICAL', 'CRITICAL→OK']);
    expect(await chainOf('server123')).toEqual(['null→CRITICAL', 'CRITICAL→OK']);
    // Every node's history is one unbroken chain: each transition starts where the last one ended.
    const broken = await db.query(
      `SELECT node_id FROM (
         SELECT node_id, from_status, to_status, lag(to_status) OVER (PARTITION BY node_id ORDER BY seq) AS previous,
                row_number() OVER (PARTITION BY node_id ORDER BY seq) AS n
         FROM status_transition) t
       WHERE (n = 1 AND from_status IS NOT NULL) OR (n > 1 AND from_status IS DISTINCT FROM previous) OR from_status = to_status`,
    );
    expect(broken.rows).toEqual([]);
    // The gateway whose services replica survived answers from the recorded history.
    const replica = services.indexOf(survivor as ServicesProcess);
    const answer = await gql(gateways[replica], '{ service(id: "payroll") { status } }');
    expect(answer.data.service.status).toBe('OK');
  });
});
