import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import { startServicegraph } from '../app/start-gateway.js';
import { internalKey, signIdentity } from '../kernel/identity-token.js';
import { SUBGRAPH_NAMES } from '../schema/subgraphs.js';
import { BUILTIN_CONNECTORS, ROOT, testEnv, TEST_INTERNAL_SECRET, writeTestConfig } from './harness.js';

/** The commands as an operator runs them: a subgraph alone, `npm start -- --estate`, a JWKS identity provider. */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

const START_DEADLINE_MS = 120_000;

/** Starts a tsx entry point and resolves with the first line matching `ready`. */
function startProcess(entry: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<string> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [entry.startsWith('/') ? entry : join(ROOT, entry), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    // A deadline, not a wait: a start under tsx on a loaded 2-core machine can take tens of seconds.
    const timer = setTimeout(() => reject(new Error(`${entry} did not start`)), START_DEADLINE_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
}

describe('each subgraph runs alone as its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-alone-'));
  const config = writeTestConfig(dir);
  for (const name of SUBGRAPH_NAMES) {
    it(
      name,
      async () => {
        const line = await startProcess('app/subgraph-main.ts', [name, '--config', config, '--port', '0'], testEnv, /ready at/);
        const url = line.split(' ').pop()!;
        const token = await signIdentity(
          internalKey(TEST_INTERNAL_SECRET),
          { sub: 'alone', roles: ['admin'], groups: [] },
          { requestId: 'r' },
          name,
          60,
          { query: '{ _service { sdl } }' },
        );
        const ask = (headers: Record<string, string>) =>
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ query: '{ _service { sdl } }' }),
          });
        const answer = await ask({ 'x-servicegraph-identity': token });
        expect(answer.status).toBe(200);
        expect(((await answer.json()) as any).data._service.sdl).toContain('@key');
        expect((await ask({})).status).toBe(401);
      },
      START_DEADLINE_MS + 30_000,
    );
  }
});

describe('a subgraph alone builds only what it serves', () => {
  it(
    'knowledge: opens no history database, no other tool, and never loads @apollo/gateway',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'servicegraph-lean-'));
      const config = writeTestConfig(dir);
      // A fresh process: this test file itself loads the gateway.
      const probe = join(dir, 'probe.mts');
      writeFileSync(
        probe,
        `import { createRequire } from 'node:module';
import { startSubgraph } from ${JSON.stringify(join(ROOT, 'app/start-subgraph.ts'))};
import { silentLogger } from ${JSON.stringify(join(ROOT, 'kernel/log.ts'))};
const running = await startSubgraph({ configFile: ${JSON.stringify(config)}, name: 'knowledge', port: 0, host: '127.0.0.1', log: silentLogger });
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log('probe ' + JSON.stringify({ gateway: loaded.filter((m) => m.includes('/@apollo/gateway/')).length, composition: loaded.filter((m) => m.includes('/@apollo/composition/')).length }));
await running.close();
`,
      );
      const line = await startProcess(probe, [], testEnv, /^probe /);
      expect(JSON.parse(line.slice('probe '.length))).toEqual({ gateway: 0, composition: 0 });
      // The builtin monitor, help desk and the history keep SQLite files here: none was opened.
      expect(existsSync(join(dir, 'data', 'history.sqlite'))).toBe(false);
      expect(existsSync(join(dir, 'data', 'builtin-helpdesk.sqlite'))).toBe(false);
      expect(existsSync(join(dir, 'data', 'builtin-monitor.sqlite'))).toBe(false);
    },
    START_DEADLINE_MS + 30_000,
  );
});

describe('npm start -- --estate <dir>', () => {
  it(
    'serves the services of the given estate',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'servicegraph-estate-'));
      const estate = join(dir, 'estate');
      cpSync(join(ROOT, 'estate/demo'), estate, { recursive: true });
      writeFileSync(
        join(estate, 'services/intranet.yaml'),
        `id: intranet
name: Intranet
description: The staff portal
criticality: LOW
valueClass: COMMODITY
owner: web-team
consumers: [all-staff]
tags: []
impact: { revenuePerHour: 0, users: 1200 }
calendar: []
sla: { objective: 99.5, windowDays: 30, exclude: [] }
kpis: []
rule: { kind: worst }
options: { unknownAs: UNKNOWN, acknowledgedAsOk: false, maintenance: checkmk }
children:
  - { service: identity }
selectors: []
nodeRules: []
`,
      );
      const line = await startProcess(
        'app/main.ts',
        ['--config', writeTestConfig(dir), '--estate', estate],
        { ...testEnv, PORT: '0' },
        /gateway ready at/,
      );
      const url = line.split(' ').pop()!;
      const token = await new SignJWT({ roles: ['executive'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('erin')
        .setIssuer('servicegraph-demo')
        .setAudience('servicegraph')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(testEnv.SG_TEST_JWT_SECRET));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ service(id: "intranet") { name status } }' }),
      });
      expect(((await res.json()) as any).data.service).toEqual({ name: 'Intranet', status: 'OK' });
    },
    START_DEADLINE_MS + 30_000,
  );
});

describe('tokens from an identity provider (JWKS)', () => {
  it('accepts a token signed with a key from the JWKS URL, refuses one signed with another key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const idp = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-jwks-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `subgraphs: { mode: local, basePort: 0 }
estate: ${join(ROOT, 'estate/demo')}
dataDir: ${join(dir, 'data')}
policy: ${join(ROOT, 'policy/demo.yaml')}
auth: { issuer: "https://idp.example.test/", audience: servicegraph, jwksUrl: "${jwksUrl}" }
connectors:${BUILTIN_CONNECTORS}
`,
    );
    const running = await startServicegraph({ configFile: file, port: 0, log: silentLogger });
    try {
      const sign = (key: Parameters<SignJWT['sign']>[0]) =>
        new SignJWT({ roles: ['operator'] })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setSubject('olga')
          .setIssuer('https://idp.example.test/')
          .setAudience('servicegraph')
          .setExpirationTime('5m')
          .sign(key);
      const ask = async (token: string) =>
        fetch(running.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { id drillLevel } }' }),
        });
      const good = await ask(await sign(privateKey));
      expect(await good.json()).toEqual({ data: { viewer: { id: 'olga', drillLevel: 'TELEMETRY' } } });
      expect((await ask(await sign(other.privateKey))).status).toBe(401);
    } finally {
      await running.close();
      idp.close();
    }
  });
});
