import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../kernel/errors.js';
import { SUBGRAPH_NAMES } from '../schema/subgraphs.js';
import { inspectConfig, loadConfig } from './config.js';

const write = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
};

describe('loadConfig', () => {
  it('reads paths written in the file relative to the file, wherever it is started from', () => {
    const { dir, file } = write(`
estate: ./estate
dataDir: ./state
policy: ./policy.yaml
auth: { issuer: i, audience: a, demoKeyFile: ./state/demo.key }
audit: { sink: { file: ./audit.jsonl } }
connectors:
  - { name: icinga, type: icinga, baseUrl: "https://icinga.invalid:5665", username: u, password: p, caFile: ./ca.crt }
`);
    const { config, connectorConfigs } = loadConfig(file, {});
    expect(config.estate).toBe(join(dir, 'estate'));
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.policy).toBe(join(dir, 'policy.yaml'));
    expect(config.auth.demoKeyFile).toBe(join(dir, 'state/demo.key'));
    expect(config.audit.sink).toEqual({ file: join(dir, 'audit.jsonl') });
    expect(connectorConfigs[0]?.settings).toMatchObject({ caFile: join(dir, 'ca.crt') });
  });

  it('fills secrets from the environment and lists every problem at once', () => {
    const { file } = write(`
auth: { issuer: i, audience: a, secret: "\${JWT_SECRET}" }
maxPageSize: -1
connectors:
  - { name: Bad Name, type: builtin-cmdb }
  - { name: zbx, type: zabbix, baseUrl: "not a url", token: "\${ZBX_TOKEN}" }
`);
    const error = (() => {
      try {
        loadConfig(file, {});
      } catch (e) {
        return e;
      }
      return null;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'auth.secret: environment variable JWT_SECRET is not set',
        'connectors[1].token: environment variable ZBX_TOKEN is not set',
        expect.stringMatching(/^maxPageSize: /),
        expect.stringMatching(/^connectors\[0\]\.name: /),
        expect.stringMatching(/^connectors\[1\]\.baseUrl: /),
      ]),
    );
    // With the secrets in the environment, only the real mistakes remain.
    const withEnv = (() => {
      try {
        loadConfig(file, { JWT_SECRET: 'x'.repeat(40), ZBX_TOKEN: 't' });
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    })();
    expect(withEnv.some((p) => p.includes('environment variable'))).toBe(false);
    expect(withEnv).toHaveLength(3);
  });

  it('reads the shared stores of N replicas, with their secrets from the environment, and refuses a postgres audit sink without a database', () => {
    const { file } = write(`
auth: { issuer: i, audience: a, secret: "\${JWT_SECRET}" }
cache: { redis: { url: "\${REDIS_URL}" } }
storage: { postgres: { url: "\${DATABASE_URL}" } }
audit: { sink: postgres }
connectors:
  - { name: cmdb, type: builtin-cmdb }
`);
    const env = { JWT_SECRET: 'x'.repeat(40), REDIS_URL: 'redis://:pw@redis:6379/0', DATABASE_URL: 'postgres://sg:pw@db:5432/sg' };
    const { config } = loadConfig(file, env);
    expect(config.cache.redis).toEqual({ url: 'redis://:pw@redis:6379/0', lockMs: 10_000 });
    expect(config.storage.postgres).toEqual({ url: 'postgres://sg:pw@db:5432/sg', poolSize: 10, leaseRenewMs: 2000 });
    expect(config.audit.sink).toBe('postgres');

    const bare = write(`
auth: { issuer: i, audience: a, secret: "${'x'.repeat(40)}" }
audit: { sink: postgres }
cache: { redis: { url: "http://not-redis" } }
connectors:
  - { name: cmdb, type: builtin-cmdb }
`);
    expect(() => loadConfig(bare.file, {})).toThrow(ConfigError);
    try {
      loadConfig(bare.file, {});
    } catch (e) {
      expect((e as ConfigError).problems).toEqual(
        expect.arrayContaining(['cache.redis.url: a redis:// or rediss:// URL', 'audit.sink: needs storage.postgres']),
      );
    }
  });
});

const problemsOf = (file: string, env: NodeJS.ProcessEnv = {}) => inspectConfig(file, env).problems;

describe('secrets, numbers and the environment', () => {
  it('reads file: secrets, trimmed, relative to the config file; a missing one is a problem that shows no content', () => {
    const { dir, file } = write(`
auth: { issuer: i, audience: a, secret: "\${file:secrets/jwt}" }
internalAuth: { secret: "\${file:/nonexistent/servicegraph/internal}" }
connectors: [{ name: cmdb, type: builtin-cmdb }]
`);
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets/jwt'), `${'s'.repeat(40)}\n`);
    const problems = problemsOf(file);
    // The missing file is the one problem: the empty value it left is not reported again.
    expect(problems).toEqual(['internalAuth.secret: secret file /nonexistent/servicegraph/internal cannot be read (ENOENT)']);
    writeFileSync(file, readFileSync(file, 'utf8').replace('/nonexistent/servicegraph/internal', 'internal'));
    writeFileSync(join(dir, 'internal'), 'i'.repeat(40));
    const { config } = loadConfig(file, {});
    expect(config.auth.secret).toBe('s'.repeat(40));
    expect(config.internalAuth.secret).toBe('i'.repeat(40));
  });

  it('fills numbers and booleans from variables, and PORT and SERVICEGRAPH_SUBGRAPH_BASE_PORT override the file', () => {
    const { file } = write(`
server: { port: "\${GATEWAY_PORT}", explorer: "\${EXPLORER}" }
subgraphs: { basePort: 4001, listen: "\${LISTEN}" }
auth: { issuer: i, audience: a, demoKeyFile: ./k }
limits: { maxDepth: "\${DEPTH}" }
connectors: [{ name: cmdb, type: builtin-cmdb }]
`);
    const env = { GATEWAY_PORT: '4100', EXPLORER: 'true', LISTEN: 'false', DEPTH: '7' };
    const { config } = loadConfig(file, env);
    expect(config.server).toMatchObject({ port: 4100, explorer: true });
    expect(config.subgraphs).toMatchObject({ basePort: 4001, listen: false });
    expect(config.limits.maxDepth).toBe(7);
    const overridden = loadConfig(file, { ...env, PORT: '8080', SERVICEGRAPH_SUBGRAPH_BASE_PORT: '5001' }).config;
    expect(overridden.server.port).toBe(8080);
    expect(overridden.subgraphs.basePort).toBe(5001);
    expect(problemsOf(file, { ...env, PORT: 'eighty', SERVICEGRAPH_SUBGRAPH_BASE_PORT: '70000' })).toEqual([
      'server.port: Invalid input: expected number, received string (from PORT)',
      expect.stringMatching(/^subgraphs\.basePort: .* \(from SERVICEGRAPH_SUBGRAPH_BASE_PORT\)$/),
    ]);
  });

  it('refuses unknown keys anywhere, in our schema and in every connector, with a suggestion', () => {
    const { file } = write(`
introspecton: true
server: { prot: 4000, cors: { origin: ["https://portal.example.com"] } }
auth: { issuer: i, audience: a, demoKeyFile: ./k }
connectors:
  - { name: cmdb, type: builtin-cmdb, estat: ./x }
  - { name: prom, type: prometheus, prometheus: { baseUrl: "http://p.invalid", timeoutMS: 3 }, alertmanager: { baseUrl: "http://a.invalid" }, auth: { kind: basic, username: u, pasword: p } }
`);
    expect(problemsOf(file)).toEqual(
      expect.arrayContaining([
        'introspecton: unknown key, did you mean introspection?',
        'server.prot: unknown key, did you mean port?',
        'server.cors.origin: unknown key, did you mean origins?',
        'connectors[0].estat: unknown key, did you mean estateDir?',
        'connectors[1].prometheus.timeoutMS: unknown key, did you mean timeoutMs?',
        'connectors[1].auth.pasword: unknown key, did you mean password?',
      ]),
    );
  });
});

describe('the supergraph and where its subgraphs run', () => {
  // Only the join__Graph enum matters here: which subgraphs, and the URL composition wrote for each.
  const supergraph = (dir: string) => {
    const file = join(dir, 'company.graphql');
    writeFileSync(
      file,
      `enum join__Graph {
  SERVICES @join__graph(name: "services", url: "http://services.invalid")
  ORDERS @join__graph(name: "orders", url: "http://127.0.0.1:4001/graphql")
  BILLING @join__graph(name: "billing", url: "")
}`,
    );
    return file;
  };

  const BASE = 'auth: { issuer: i, audience: a, demoKeyFile: ./demo.key }\nconnectors: [{ name: builtin, type: builtin-monitor }]\n';

  it('runs the connector subgraphs it names in local mode and calls any other at its URL', () => {
    const { dir, file } = write(`${BASE}supergraph: ./company.graphql
subgraphs: { urls: { billing: "http://127.0.0.1:4002/graphql" } }
`);
    const sdl = supergraph(dir);
    const { config, supergraph: routing } = loadConfig(file, {});
    expect(config.supergraph).toBe(sdl);
    expect(routing.local).toEqual(['services']);
    expect(routing.remote).toEqual({ orders: 'http://127.0.0.1:4001/graphql', billing: 'http://127.0.0.1:4002/graphql' });
  });

  it('lists a subgraph with no callable URL, a URL for a name the supergraph lacks, and an unreadable file', () => {
    const { dir, file } = write(`${BASE}supergraph: ./company.graphql
subgraphs: { mode: remote, urls: { orderz: "http://127.0.0.1:1/graphql" } }
`);
    supergraph(dir);
    expect(inspectConfig(file, {}).problems).toEqual([
      expect.stringMatching(/^subgraphs\.urls\.services: where does subgraph "services" answer\? \(remote mode/),
      expect.stringMatching(/^subgraphs\.urls\.billing: where does subgraph "billing" answer\?/),
      'subgraphs.urls.orderz: the supergraph has no subgraph "orderz" (it has: services, orders, billing)',
    ]);
    const missing = write(`${BASE}supergraph: ./nowhere.graphql\n`);
    expect(inspectConfig(missing.file, {}).problems).toEqual([
      expect.stringMatching(/^supergraph: cannot read .*nowhere\.graphql \(ENOENT\)$/),
    ]);
  });

  it('serves the connector subgraphs by default', () => {
    const { file } = write(BASE);
    const { supergraph: routing } = loadConfig(file, {});
    expect([...routing.local].sort()).toEqual([...SUBGRAPH_NAMES].sort());
    expect(routing.remote).toEqual({});
  });
});
