import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failure, fakeForTest, testAuth, testDeps, type OnTestFinished } from '../core/test-support.js';
import { EventHostsDto, HostDto, ProblemDto } from './client.js';
import { startFakeZabbix, type FakeZabbix, type ZabbixMode } from './fake-server.js';
import { zabbixConnector } from './index.js';
import { currentAck, severityOf, toAlerts, watchedHosts, type MappingContext } from './mapping.js';

const fixture = (file: string): { result: unknown } =>
  JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { result: unknown };
const ctx: MappingContext = { connector: 'zbx', uiUrl: 'https://zabbix.invalid', ciIdTag: 'ci_id' };

function setup(fake: FakeZabbix, overrides: Record<string, unknown> = {}, name = 'zbx-test') {
  const config = zabbixConnector.config.parse({ baseUrl: fake.url, token: 'zbx-api-token', retryLimit: 0, timeoutMs: 1000, ...overrides });
  const instance = zabbixConnector.create(name, config, testDeps(name));
  return { instance, api: instance.forRequest(testAuth()) };
}

const started = (onTestFinished: OnTestFinished, mode: ZabbixMode = '7.0') => fakeForTest(onTestFinished, startFakeZabbix({ mode }));

describe('zabbix mapping (recorded fixtures, 6.0.14)', () => {
  const hosts = HostDto.array().parse(fixture('zbx-host-get.json').result);
  const events = EventHostsDto.array().parse([{ eventid: '1', hosts: [{ hostid: '10559', host: 'web01', name: 'web01' }] }]);

  it('maps a problem with severity, host CI hint from tags and interface, and a deep link', () => {
    const problems = ProblemDto.array().parse(fixture('zbx-problem-get.json').result);
    const [alert] = toAlerts(problems, [{ eventid: '5', hosts: [{ hostid: '10559', host: 'web01', name: 'web01' }] }], hosts, ctx);
    expect(alert).toMatchObject({
      id: 'zbx:5',
      tool: 'zabbix',
      severity: 'MAJOR',
      summary: 'HTTP down on web01',
      startsAt: new Date(1795812130_000).toISOString(),
      acknowledged: false,
      inMaintenance: false,
      labels: { ci_id: 'CI0001', host: 'web01', severity: 'high', triggerid: '23133', eventid: '5' },
      ci: { ciId: 'CI0001', name: 'web01', ip: '127.0.0.1', fqdn: 'web01.example.test' },
      url: 'https://zabbix.invalid/tr_events.php?triggerid=23133&eventid=5',
    });
  });

  it('the acknowledgement in force names the servicegraph author; later unacks take it back', () => {
    const problems = ProblemDto.array().parse(fixture('zbx-problem-get-acked.json').result);
    const [alert] = toAlerts(problems, events, hosts, ctx);
    expect(alert).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'alice',
      acknowledgedAt: new Date(1795814249_000).toISOString(),
      acknowledgedUntil: null,
    });
    const acks = problems[0]!.acknowledges;
    expect(currentAck([...acks, { clock: 1795814300, action: 20, message: '[alice] unacknowledged' }])).toBeNull();
  });

  it('severities 0..5 → WARNING, WARNING, WARNING, MINOR, MAJOR, CRITICAL', () => {
    expect([0, 1, 2, 3, 4, 5].map(severityOf)).toEqual(['WARNING', 'WARNING', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL']);
  });

  it('parses numeric ids defensively', () => {
    const [p] = ProblemDto.array().parse([{ eventid: 5, objectid: 23133, clock: 1795812130, name: 'x', acknowledged: 0, severity: 4 }]);
    expect(p).toMatchObject({ eventid: '5', objectid: '23133', acknowledged: '0', severity: 4 });
  });

  it('watched = hosts with their CI id, IP and DNS name', () => {
    const problems = (hostId: string) => ({
      tool: 'zabbix',
      url: `https://zabbix.invalid/zabbix.php?action=problem.view&filter_set=1&hostids%5B%5D=${hostId}`,
    });
    expect(watchedHosts(hosts, ctx)).toEqual([
      { name: 'Zabbix server', ip: '127.0.0.1', link: problems('10084') },
      { ciId: 'CI0001', name: 'web01', ip: '127.0.0.1', fqdn: 'web01.example.test', link: problems('10559') },
    ]);
  });
});

describe.each(['7.0', '6.0'] as const)('zabbix connector against the %s fake', (mode) => {
  it('detects the version and sends the token the way this version wants', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, mode);
    const { api } = setup(fake);
    const snapshot = await api.snapshot();
    expect(snapshot.alerts.map((a) => a.id).sort()).toEqual(['zbx-test:5', 'zbx-test:7']);
    const [first, ...rest] = fake.calls;
    expect(first).toEqual({ method: 'apiinfo.version', auth: undefined, authorization: undefined });
    for (const call of rest) {
      if (mode === '7.0') expect(call).toMatchObject({ auth: undefined, authorization: 'Bearer zbx-api-token' });
      else expect(call).toMatchObject({ auth: 'zbx-api-token', authorization: undefined });
    }
  });

  it('logs in once with username/password and reuses the session', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, mode);
    const { instance } = setup(fake, { token: undefined, username: 'Admin', password: 'zabbix', cacheTtlMs: 0, hostsTtlMs: 0 });
    await instance.forRequest(testAuth()).snapshot();
    await instance.forRequest(testAuth()).snapshot();
    expect(fake.count('user.login')).toBe(1);
    expect(fake.count('apiinfo.version')).toBe(1);
  });

  it('renews an expired session once', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, mode);
    const { api } = setup(fake, { token: undefined, username: 'Admin', password: 'zabbix', cacheTtlMs: 0, hostsTtlMs: 0 });
    await api.snapshot();
    fake.expireSessions();
    expect((await api.snapshot()).stale).toBe(false);
    expect(fake.count('user.login')).toBe(2);
  });

  it('acknowledge (action 6, author in the message) → acknowledged "1" → unacknowledge (16)', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, mode);
    const { api } = setup(fake);
    const acked = await api.acknowledge('zbx-test:5', { author: 'alice', comment: 'INC0010001: investigating' });
    expect(acked).toMatchObject({ id: 'zbx-test:5', acknowledged: true, acknowledgedBy: 'alice' });
    const problem = fake.problems.get('5')!;
    expect(problem.acknowledged).toBe('1');
    expect(problem.acknowledges.at(-1)).toMatchObject({ action: '6', message: '[alice] INC0010001: investigating' });
    expect((await api.alertById('zbx-test:5'))?.acknowledged).toBe(true);

    const back = await api.unacknowledge('zbx-test:5', 'alice');
    expect(back).toMatchObject({ acknowledged: false, acknowledgedBy: null });
    expect(problem.acknowledged).toBe('0');
    expect(problem.acknowledges.at(-1)).toMatchObject({ action: '20' });
  });

  it('a repeat writes nothing: Zabbix would answer success and add one more message to the history', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, mode);
    const { api } = setup(fake);
    await api.acknowledge('zbx-test:7', { author: 'alice', comment: 'first' });
    expect(await api.acknowledge('zbx-test:7', { author: 'bob', comment: 'second' })).toMatchObject({ acknowledgedBy: 'alice' });
    expect(fake.problems.get('7')!.acknowledges).toHaveLength(1);
    expect(fake.count('event.acknowledge')).toBe(1);
  });
});

describe('zabbix connector errors', () => {
  it('a 6.x-style auth field against 7.x is refused: the fake enforces it', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, '7.0');
    const response = await fetch(`${fake.url}/api_jsonrpc.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/json-rpc' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'host.get', params: {}, auth: 'zbx-api-token', id: 1 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      error: { code: -32600, message: 'Invalid request.', data: 'Invalid parameter "/": unexpected parameter "auth".' },
    });
  });

  it('a wrong token → UPSTREAM_AUTH_FAILED (JSON-RPC error with HTTP 200)', async ({ onTestFinished }) => {
    for (const mode of ['7.0', '6.0'] as const) {
      const fake = await started(onTestFinished, mode);
      const { api } = setup(fake, { token: 'wrong-token-123' });
      const error = await failure(api.snapshot());
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'zbx-test' });
      expect(error.message).not.toContain('wrong-token-123');
    }
  });

  it('a wrong password → UPSTREAM_AUTH_FAILED', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, '6.0');
    const { api } = setup(fake, { token: undefined, username: 'Admin', password: 'nope-pass' });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('other JSON-RPC errors: UPSTREAM_UNAVAILABLE on reads, UPSTREAM_REJECTED on writes', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { cacheTtlMs: 0, staleMs: 0 });
    fake.failRpc('problem.get', { code: -32500, message: 'Application error.', data: 'SQL statement execution has failed.' });
    const read = await failure(api.snapshot());
    expect(read.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(read.message).not.toContain('SQL');

    await api.snapshot();
    fake.failRpc('event.acknowledge', {
      code: -32500,
      message: 'Application error.',
      data: 'No permissions to referred object or it does not exist!',
    });
    const write = await failure(api.acknowledge('zbx-test:5', { author: 'alice', comment: 'x' }));
    expect(write.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'zbx-test' });
    expect(fake.problems.get('5')?.acknowledged).toBe('0');
  });

  it('acknowledging an unknown problem → NOT_FOUND without writing', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    expect((await failure(api.acknowledge('zbx-test:999', { author: 'a', comment: 'c' }))).extensions['code']).toBe('NOT_FOUND');
    expect(fake.count('event.acknowledge')).toBe(0);
    expect(await api.alertById('zbx-test:not-a-number')).toBeNull();
  });

  it('a failing write is never retried', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { retryLimit: 2 });
    await api.snapshot();
    fake.fail({ status: 503, bodyIncludes: '"method":"event.acknowledge"' }, 3);
    expect((await failure(api.acknowledge('zbx-test:5', { author: 'a', comment: 'c' }))).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    // One HTTP request answered 503 (the write), never repeated; every other one reached Zabbix.
    expect(fake.requests).toHaveLength(fake.calls.length + 1);
    expect(fake.recorded('5')).toEqual({ acknowledgements: 0, removals: 0 });
  });
});

describe('zabbix connector faults', () => {
  it('N concurrent snapshots: one call per method', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { instance } = setup(fake);
    await Promise.all(Array.from({ length: 20 }, () => instance.forRequest(testAuth()).snapshot()));
    expect(fake.calls.map((c) => c.method).sort()).toEqual(['apiinfo.version', 'event.get', 'host.get', 'problem.get']);
  });

  it('timeout → UPSTREAM_UNAVAILABLE naming the connector', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { timeoutMs: 150 });
    fake.fail({ delayMs: 600 });
    expect((await failure(api.snapshot())).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'zbx-test' });
  });

  it('HTTP 500 → UPSTREAM_UNAVAILABLE; 401 from a proxy → UPSTREAM_AUTH_FAILED', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 500 });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    fake.fail({ status: 401 });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('429 with Retry-After on a read is retried (reads are POSTs too), then succeeds', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { retryLimit: 1, timeoutMs: 3000 });
    fake.fail({ status: 429, retryAfterS: 1 });
    expect((await api.snapshot()).alerts).toHaveLength(2);
  });

  it('invalid JSON → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ invalidJson: true });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('stale-if-error serves the last snapshot marked stale', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { cacheTtlMs: 0, hostsTtlMs: 0 });
    const good = await api.snapshot();
    fake.fail({ status: 503 }, 5);
    expect(await api.snapshot()).toMatchObject({ stale: true, alerts: good.alerts });
  });

  it('the circuit opens after N failures and fails fast', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { breakerThreshold: 2, cacheTtlMs: 0, hostsTtlMs: 0, staleMs: 0 });
    fake.fail({ status: 500 }, 2);
    await failure(api.snapshot());
    await failure(api.snapshot());
    const before = fake.requests.length;
    expect((await failure(api.snapshot())).message).toContain('circuit open');
    expect(fake.requests.length).toBe(before);
  });
});
