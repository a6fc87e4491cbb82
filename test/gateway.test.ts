import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, signTestToken, startStack, testEnv, TEST_SECRET, writeTestConfig, type Stack } from './harness.js';
import { internalKey, signIdentity } from '../kernel/identity-token.js';

const run = promisify(execFile);

// Both ways the gateway reaches its own subgraphs: in-process (the default) and over HTTP with signed identity.
describe.each(['in-process', 'http'] as const)('the supergraph over the demo estate (%s)', (transport) => {
  let stack: Stack;
  let operator: string;
  beforeAll(async () => {
    stack = await startStack({ transport });
    operator = await stack.token('operator');
  });
  afterAll(() => stack?.close());

  it('answers one query that crosses all five subgraphs', async () => {
    const { status, body } = await stack.gql(
      `{
        service(id: "payroll") {
          id name status
          rootCauses { ci { id name class alerts { id severity summary } } pathText }
          components { id name }
          alerts { id severity ci { id } }
          incidents { number title ci { id name } suggestedArticles(first: 3) { title source } }
        }
      }`,
      { token: operator },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payroll = (body.data as any).service;
    expect(payroll.status).toBe('CRITICAL');
    const causes = payroll.rootCauses.map((c: any) => c.ci.name);
    expect(causes).toContain('server123');
    const server123 = payroll.rootCauses.find((c: any) => c.ci.name === 'server123');
    expect(server123.ci.alerts.some((a: any) => a.severity === 'CRITICAL')).toBe(true);
    expect(payroll.components.map((c: any) => c.id)).toContain('server123');
    expect(payroll.alerts.some((a: any) => a.ci?.id === 'server123')).toBe(true);
    expect(payroll.incidents.length).toBeGreaterThan(0);
    expect(payroll.incidents.some((i: any) => i.suggestedArticles.length > 0)).toBe(true);
  });

  it('keeps a 3-node cluster with one node down from turning its service red', async () => {
    const { body } = await stack.gql(`{ service(id: "email") { status } configurationItem(id: "mail-node2") { status } }`, {
      token: operator,
    });
    expect(body.errors).toBeUndefined();
    expect((body.data as any).configurationItem.status).toBe('CRITICAL');
    expect((body.data as any).service.status).not.toBe('CRITICAL');
  });

  it('resolves entity references across subgraphs: a CI from cmdb with status from services and alerts from monitoring', async () => {
    const { body } = await stack.gql(
      `{ configurationItem(id: "server123") { id name class status alerts { severity } incidents { number } impactedServices { service { id name } magnitude } } }`,
      { token: operator },
    );
    expect(body.errors).toBeUndefined();
    const ci = (body.data as any).configurationItem;
    expect(ci).toMatchObject({ id: 'server123', name: 'server123', status: 'CRITICAL' });
    expect(ci.alerts.length).toBeGreaterThan(0);
    expect(ci.impactedServices.map((s: any) => s.service.id)).toContain('payroll');
  });

  it('lists every demo service with its status', async () => {
    const { body } = await stack.gql(`{ services(first: 50) { totalCount nodes { id status summary } } }`, { token: operator });
    expect(body.errors).toBeUndefined();
    const ids = (body.data as any).services.nodes.map((s: any) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['payroll', 'email', 'trading', 'vdi', 'webshop']));
  });

  it('tells the viewer who they are', async () => {
    const token = await stack.token('helpdesk', { sub: 'carol', groups: ['service-desk'] });
    const { body } = await stack.gql(`{ viewer { id roles groups drillLevel actions } }`, { token });
    expect(body.errors).toBeUndefined();
    expect((body.data as any).viewer).toMatchObject({
      id: 'carol',
      roles: ['helpdesk'],
      groups: ['service-desk'],
      drillLevel: 'COMPONENT',
    });
  });

  it('serves /healthz and /readyz', async () => {
    const base = stack.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  describe('rejects bad tokens with 401 UNAUTHENTICATED', () => {
    const cases: [string, () => Promise<string>][] = [
      ['garbage', async () => 'not-a-jwt'],
      ['a wrong signature', () => signTestToken(['operator'], { secret: 'another-secret-that-is-long-enough-0123' })],
      ['an expired token', () => signTestToken(['operator'], { expiresIn: '-2m' })],
      ['a wrong audience', () => signTestToken(['operator'], { audience: 'someone-else' })],
      ['a wrong issuer', () => signTestToken(['operator'], { issuer: 'evil' })],
      [
        'alg none',
        async () =>
          new UnsecuredJWT({ roles: ['admin'] })
            .setSubject('mallory')
            .setIssuer('servicegraph-demo')
            .setAudience('servicegraph')
            .setExpirationTime('1h')
            .encode(),
      ],
      [
        'an edited roles claim',
        async () => {
          const [h, , s] = (await signTestToken(['end-user'])).split('.');
          const forged = Buffer.from(
            JSON.stringify({ sub: 'x', roles: ['admin'], iss: 'servicegraph-demo', aud: 'servicegraph', exp: 4102444800 }),
          ).toString('base64url');
          return `${h}.${forged}.${s}`;
        },
      ],
    ];
    for (const [label, make] of cases) {
      it(label, async () => {
        const { status, body } = await stack.gql('{ viewer { id } }', { token: await make() });
        expect(status).toBe(401);
        expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
        expect(JSON.stringify(body)).not.toContain(TEST_SECRET);
      });
    }
    it('a malformed Authorization header', async () => {
      const { status, body } = await stack.gql('{ viewer { id } }', { headers: { authorization: 'Basic abc' } });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    });
  });

  describe('subgraphs trust only the gateway', () => {
    it('serves a subgraph called with the gateway identity token', async () => {
      const { status, body } = await stack.subgraph('cmdb', `{ configurationItem(id: "server123") { id name } }`);
      expect(status).toBe(200);
      expect(body.data.configurationItem).toMatchObject({ id: 'server123' });
    });
    it('refuses a subgraph call without the token', async () => {
      const { status, body } = await stack.subgraph('monitoring', '{ alerts { id } }', { token: null });
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
    it('refuses a forged, expired or misdirected token', async () => {
      const forged = await signIdentity(
        internalKey('some-other-secret-0123456789abcdefgh'),
        { sub: 'x', roles: ['admin'], groups: [] },
        { requestId: 'r' },
        'monitoring',
        60,
        { query: '{ alerts { id } }' },
      );
      const expired = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('servicegraph-gateway')
        .setAudience('monitoring')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
        .sign(internalKey('test-internal-secret-0123456789abcdef'));
      const forCmdb = await signIdentity(
        internalKey('test-internal-secret-0123456789abcdef'),
        { sub: 'x', roles: ['admin'], groups: [] },
        { requestId: 'r' },
        'cmdb',
        60,
        { query: '{ alerts { id } }' },
      );
      for (const token of [forged, expired, forCmdb]) {
        const { status } = await stack.subgraph('monitoring', '{ alerts { id } }', { token });
        expect(status).toBe(401);
      }
    });
    it('answers an _entities lookup on a subgraph alone', async () => {
      const { body } = await stack.subgraph(
        'cmdb',
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on ConfigurationItem { id name class } } }',
        { variables: { r: [{ __typename: 'ConfigurationItem', id: 'server123' }] } },
      );
      expect(body.data._entities[0]).toMatchObject({ id: 'server123', name: 'server123' });
    });
  });

  describe('bad requests get a clear error with a code', () => {
    it('a malformed query', async () => {
      const { body } = await stack.gql('{ services { nodes { id ', { token: operator });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    });
    it('a wrong argument type', async () => {
      const { body } = await stack.gql('{ service(id: 42.5) { id } }', { token: operator });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    });
    it('an oversized body', async () => {
      const { status, body } = await stack.gql(`{ viewer { id } } # ${'x'.repeat(70_000)}`, { token: operator });
      expect(status).toBe(413);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('LIMIT_EXCEEDED');
    });
    it('a too deeply nested query', async () => {
      const deep = `{ service(id: "payroll") { ${'dependents { '.repeat(20)} id ${'} '.repeat(20)} } }`;
      const { body } = await stack.gql(deep, { token: operator });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('LIMIT_EXCEEDED');
    });
    it('a page larger than the cap, and a time range backwards', async () => {
      // Within the cost budget (5,000 × 2), past the page cap (500).
      const big = await stack.gql(`{ service(id: "payroll") { statusHistory(from: "2026-01-01T00:00:00Z", first: 5000) { to } } }`, {
        token: operator,
      });
      expect(big.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const backwards = await stack.gql(
        `{ service(id: "payroll") { statusHistory(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { to } } }`,
        { token: operator },
      );
      expect(backwards.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const ok = await stack.gql(`{ service(id: "payroll") { statusHistory(from: "2020-01-01T00:00:00Z", first: 1) { to } } }`, {
        token: operator,
      });
      expect((ok.body.data as any).service.statusHistory.length).toBeLessThanOrEqual(1);
    });
    it('too many aliases', async () => {
      const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: viewer { id }`).join(' ');
      const { body } = await stack.gql(`{ ${aliases} }`, { token: operator });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('LIMIT_EXCEEDED');
    });
  });
});

describe('actions persist across restarts', () => {
  it('creates an incident, restarts, and finds it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-persist-'));
    let stack = await startStack({ dir });
    const token = await stack.token('helpdesk', { sub: 'dave' });
    const created = await stack.gql(
      `mutation { createIncident(input: { title: "Payslips not generated", description: "batch stuck", priority: HIGH, ciId: "server123" }) { id number title ci { id } } }`,
      { token },
    );
    expect(created.body.errors).toBeUndefined();
    const incident = (created.body.data as any).createIncident;
    expect(incident.ci.id).toBe('server123');
    await stack.close();

    stack = await startStack({ dir });
    try {
      const again = await stack.gql(`query($id: ID!) { incident(id: $id) { number title } }`, { token, variables: { id: incident.id } });
      expect(again.body.errors).toBeUndefined();
      expect((again.body.data as any).incident).toEqual({ number: incident.number, title: 'Payslips not generated' });
      const onService = await stack.gql(`{ service(id: "payroll") { incidents { number } } }`, { token });
      expect((onService.body.data as any).service.incidents.map((i: any) => i.number)).toContain(incident.number);
    } finally {
      await stack.close();
    }
  });
});

// Each case starts the program through tsx, which compiles the whole tree first: tens of seconds on a loaded 2-core machine.
describe('configuration errors stop the start with a clear message', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-config-'));
  const start = async (configFile: string, env: NodeJS.ProcessEnv = testEnv) => {
    try {
      await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'app/main.ts'), '--config', configFile], {
        cwd: ROOT,
        env: { ...env, PORT: '0' },
        timeout: 80_000,
      });
      return { code: 0, stderr: '' };
    } catch (error) {
      const e = error as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  };

  it('a missing file', async () => {
    const { code, stderr } = await start(join(dir, 'nope.yaml'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/file not found/);
  });
  it('bad YAML', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server: [unclosed\n  port: 4000');
    const { code, stderr } = await start(file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/not valid YAML/);
  });
  it('an unknown connector and a missing secret, listed together', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'servicegraph-config-'));
    const file = writeTestConfig(sub);
    writeFileSync(file, `${(await import('node:fs')).readFileSync(file, 'utf8')}  - { name: extra, type: no-such-tool }\n`);
    const { code, stderr } = await start(file, { ...process.env, SG_TEST_INTERNAL_SECRET: 'x'.repeat(40) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown connector "no-such-tool"/);
    expect(stderr).toMatch(/environment variable SG_TEST_JWT_SECRET is not set/);
  });
});

describe('npm run token', { timeout: 90_000 }, () => {
  it('prints only a JWT the demo configuration accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-token-'));
    const file = join(dir, 'demo.yaml');
    writeFileSync(
      file,
      `subgraphs: { mode: local, basePort: 0 }
estate: ${join(ROOT, 'estate/demo')}
dataDir: ${join(dir, 'data')}
policy: ${join(ROOT, 'policy/demo.yaml')}
auth: { issuer: servicegraph-demo, audience: servicegraph, demoKeyFile: ${join(dir, 'data/demo-jwt.key')} }
connectors:
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: kb, type: builtin-knowledge }
`,
    );
    const { stdout } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'app/token-cli.ts'), '--config', file, '--role', 'executive', '--sub', 'erin', '--groups', 'board'],
      { cwd: ROOT },
    );
    expect(stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { startServicegraph } = await import('../app/start-gateway.js');
    const { silentLogger } = await import('../kernel/log.js');
    const running = await startServicegraph({ configFile: file, port: 0, log: silentLogger });
    try {
      const res = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stdout.trim()}` },
        body: JSON.stringify({ query: '{ viewer { id roles groups drillLevel } }' }),
      });
      expect(await res.json()).toEqual({
        data: { viewer: { id: 'erin', roles: ['executive'], groups: ['board'], drillLevel: 'BUSINESS' } },
      });
    } finally {
      await running.close();
    }
  });
});
