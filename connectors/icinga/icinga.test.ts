import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../kernel/errors.js';
import { failure, fakeForTest, testAuth, testDeps, type OnTestFinished } from '../core/test-support.js';
import { CommentDto, HostDto, ServiceDto } from './client.js';
import { startFakeIcinga, type FakeIcinga } from './fake-server.js';
import { icingaConnector } from './index.js';
import { ackComments, ciHint, hostAlert, serviceAlert, serviceSeverity, toAlerts, watchedHosts, type MappingContext } from './mapping.js';

const fixture = (file: string): { results: unknown[] } =>
  JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { results: unknown[] };
const ctx: MappingContext = { connector: 'icinga-dc1', uiUrl: 'https://mon.invalid/icingaweb2', ciIdVar: 'ci_id' };

function setup(fake: FakeIcinga, overrides: Record<string, unknown> = {}, name = 'icinga-test') {
  const config = icingaConnector.config.parse({
    baseUrl: fake.url,
    username: 'gateway',
    password: 'gateway-secret',
    retryLimit: 0,
    timeoutMs: 1000,
    ...overrides,
  });
  const instance = icingaConnector.create(name, config, testDeps(name));
  return { instance, api: instance.forRequest(testAuth()) };
}

const started = (onTestFinished: OnTestFinished, options?: Parameters<typeof startFakeIcinga>[0]) =>
  fakeForTest(onTestFinished, startFakeIcinga(options));

describe('icinga mapping (recorded fixtures)', () => {
  const hosts = HostDto.array().parse(fixture('icinga-hosts.json').results);
  const services = ServiceDto.array().parse(fixture('icinga-services-problems.json').results);
  const comments = CommentDto.array().parse(fixture('icinga-comments.json').results);

  it('a DOWN host is CRITICAL with its CI id, address and Icinga Web link', () => {
    const db01 = hosts.find((h) => h.name === 'db01')!;
    expect(hostAlert(db01, new Map(), ctx)).toMatchObject({
      id: 'icinga-dc1:db01',
      tool: 'icinga',
      severity: 'CRITICAL',
      summary: 'db01 is DOWN: CRITICAL - Host Unreachable',
      acknowledged: false,
      inMaintenance: false,
      labels: { host: 'db01', state: 'DOWN', state_type: 'HARD' },
      ci: { ciId: 'CI0002', name: 'db01', ip: '127.0.0.2' },
      url: 'https://mon.invalid/icingaweb2/monitoring/host/show?host=db01',
    });
  });

  it('service WARNING/CRITICAL map directly; the host join gives the CI', () => {
    const byName = new Map(hosts.map((h) => [h.name, h]));
    const [disk, http] = services.map((s) => serviceAlert(s, byName, new Map(), ctx));
    expect(disk).toMatchObject({
      id: 'icinga-dc1:web01!disk',
      severity: 'WARNING',
      summary: 'disk on web01 is WARNING: DISK WARNING - 91% used',
    });
    expect(http).toMatchObject({
      id: 'icinga-dc1:web01!http',
      severity: 'CRITICAL',
      startsAt: new Date(1795811772784.744).toISOString(),
      labels: { host: 'web01', service: 'http', state: 'CRITICAL' },
      ci: { ciId: 'CI0001', name: 'web01', ip: '127.0.0.1' },
      url: 'https://mon.invalid/icingaweb2/monitoring/service/show?host=web01&service=http',
    });
  });

  it('UNKNOWN maps to MAJOR with the raw state kept in labels', () => {
    expect([1, 2, 3].map(serviceSeverity)).toEqual(['WARNING', 'CRITICAL', 'MAJOR']);
    const [dto] = services;
    const unknown = ServiceDto.parse({ ...dto, attrs: { ...dto!.attrs, state: 3 } });
    expect(serviceAlert(unknown, new Map(), new Map(), ctx)).toMatchObject({ severity: 'MAJOR', labels: { state: 'UNKNOWN' } });
  });

  it('acknowledgement and downtime come from the object; who and when from the ack comment', () => {
    const [, http] = services;
    const acked = ServiceDto.parse({
      ...http,
      attrs: { ...http!.attrs, acknowledgement: 2, acknowledgement_expiry: 1895811777, downtime_depth: 1 },
    });
    const withComment = CommentDto.array().parse([
      { attrs: { author: 'bob', entry_type: 4, entry_time: 1795811000, host_name: 'web01', service_name: 'http', text: 'older' } },
      { attrs: { author: 'alice', entry_type: 4, entry_time: 1795811700, host_name: 'web01', service_name: 'http', text: 'newer' } },
      {
        attrs: {
          author: 'carol',
          entry_type: 1,
          entry_time: 1795811800,
          host_name: 'web01',
          service_name: 'http',
          text: 'a plain comment',
        },
      },
    ]);
    expect(serviceAlert(acked, new Map(), ackComments(withComment), ctx)).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'alice',
      acknowledgedAt: new Date(1795811700000).toISOString(),
      acknowledgedUntil: new Date(1895811777000).toISOString(),
      inMaintenance: true,
    });
    expect(ackComments(comments).get('db01')?.text).toBe('known outage');
  });

  it('toAlerts lists host and service problems; every host is watched', () => {
    const alerts = toAlerts({ hosts, services, comments: [] }, ctx);
    expect(alerts.map((a) => a.id)).toEqual(['icinga-dc1:db01', 'icinga-dc1:web01!disk', 'icinga-dc1:web01!http']);
    const soft = ServiceDto.parse({ ...services[0], attrs: { ...services[0]!.attrs, state_type: 0 } });
    expect(toAlerts({ hosts: [], services: [soft], comments: [] }, ctx, true)).toHaveLength(0);
    expect(watchedHosts(hosts, ctx)).toEqual([
      {
        name: 'db01',
        ciId: 'CI0002',
        ip: '127.0.0.2',
        link: { tool: 'icinga', url: 'https://mon.invalid/icingaweb2/monitoring/host/show?host=db01' },
      },
      {
        name: 'web01',
        ciId: 'CI0001',
        ip: '127.0.0.1',
        link: { tool: 'icinga', url: 'https://mon.invalid/icingaweb2/monitoring/host/show?host=web01' },
      },
    ]);
  });

  it('a host Icinga has never checked (state 0, no check result) is watched but not vouched for', () => {
    const [db01] = hosts;
    const pending = HostDto.parse({ ...db01, name: 'new01', attrs: { ...db01!.attrs, state: 0, last_check_result: null } });
    const [watched] = watchedHosts([pending], ctx);
    expect(watched).toMatchObject({ name: 'new01', doubt: 'icinga has not checked host new01 yet' });
    expect(toAlerts({ hosts: [pending], services: [], comments: [] }, ctx)).toEqual([]);
    expect(watchedHosts(hosts, ctx).every((w) => w.doubt === undefined)).toBe(true);
  });

  it('an address that is a DNS name becomes the FQDN', () => {
    expect(ciHint('web01', 'web01.example.com', {}, ctx)).toEqual({ name: 'web01', fqdn: 'web01.example.com' });
    expect(ciHint('web01.example.com', '', { ci_id: 42 }, ctx)).toEqual({
      name: 'web01.example.com',
      ciId: '42',
      fqdn: 'web01.example.com',
    });
  });
});

describe('icinga connector against the fake', () => {
  it('snapshot: 3 calls (hosts, problem services, ack comments) however many callers', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { instance } = setup(fake);
    const snapshots = await Promise.all(Array.from({ length: 20 }, () => instance.forRequest(testAuth()).snapshot()));
    expect(snapshots[0]!.alerts.map((a) => a.id)).toEqual(['icinga-test:db01', 'icinga-test:web01!disk', 'icinga-test:web01!http']);
    expect(snapshots[0]!.watched).toHaveLength(2);
    expect(fake.requests.sort()).toEqual(['POST /v1/objects/comments', 'POST /v1/objects/hosts', 'POST /v1/objects/services']);
  });

  it('acknowledge → Icinga shows it with author and expiry → remove', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const until = new Date(Date.now() + 3_600_000);
    const acked = await api.acknowledge('icinga-test:web01!http', { author: 'alice', comment: 'INC0010001', until: until.toISOString() });
    expect(acked).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'alice',
      acknowledgedUntil: new Date(Math.floor(until.getTime() / 1000) * 1000).toISOString(),
    });
    expect(fake.services.get('web01!http')?.attrs['acknowledgement']).toBe(2); // sticky by default
    expect((await api.snapshot()).alerts.find((a) => a.id === acked.id)?.acknowledged).toBe(true);

    const back = await api.unacknowledge(acked.id, 'alice');
    expect(back).toMatchObject({ acknowledged: false, acknowledgedBy: null });
    expect(fake.services.get('web01!http')?.attrs['acknowledgement']).toBe(0);
  });

  it('acknowledges a DOWN host', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { ackSticky: false });
    const acked = await api.acknowledge('icinga-test:db01', { author: 'bob', comment: 'known' });
    expect(acked).toMatchObject({ acknowledged: true, acknowledgedBy: 'bob', acknowledgedUntil: null });
    expect(fake.hosts.get('db01')?.attrs['acknowledgement']).toBe(1);
  });

  it('a problem that recovered before the click → NOT_FOUND, and nothing is sent', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { retryLimit: 2 });
    await api.snapshot(); // the alert is known (cached) ...
    fake.setState('web01!http', 0); // ... but the service recovered before the click
    const error = await failure(api.acknowledge('icinga-test:web01!http', { author: 'alice', comment: 'x' }));
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', connector: 'icinga-test' });
    expect(fake.count('POST /v1/actions')).toBe(0);
  });

  it('acknowledging what someone else acknowledged answers their acknowledgement, without the 409 Icinga gives a repeat', async ({
    onTestFinished,
  }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    await api.acknowledge('icinga-test:web01!disk', { author: 'alice', comment: 'first' });
    const again = await api.acknowledge('icinga-test:web01!disk', { author: 'bob', comment: 'second' });
    expect(again).toMatchObject({ acknowledged: true, acknowledgedBy: 'alice' });
    expect(fake.count('POST /v1/actions/acknowledge-problem')).toBe(1);
    expect(fake.recorded('web01!disk')).toEqual({ acknowledgements: 1, removals: 0 });
  });

  it('an empty comment is refused before Icinga half-applies it (BAD_USER_INPUT)', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const error = await failure(api.acknowledge('icinga-test:web01!http', { author: 'alice', comment: '  ' }));
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(fake.count('POST /v1/actions')).toBe(0);
  });

  it('an expiry in the past is refused by Icinga (409) → UPSTREAM_REJECTED', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const error = await failure(
      api.acknowledge('icinga-test:web01!http', { author: 'alice', comment: 'x', until: '2001-01-01T00:00:00Z' }),
    );
    expect(error.extensions['code']).toBe('UPSTREAM_REJECTED');
    expect(fake.services.get('web01!http')?.attrs['acknowledgement']).toBe(0);
  });

  it('acknowledging something that is not a problem → NOT_FOUND without calling the action', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    expect((await failure(api.acknowledge('icinga-test:web01!ping', { author: 'a', comment: 'c' }))).extensions['code']).toBe('NOT_FOUND');
    expect((await failure(api.acknowledge('other:web01!http', { author: 'a', comment: 'c' }))).extensions['code']).toBe('NOT_FOUND');
    expect(fake.count('POST /v1/actions')).toBe(0);
    expect(await api.alertById('icinga-test:nope')).toBeNull();
  });

  it('a write is never retried', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { retryLimit: 2 });
    await api.snapshot();
    fake.fail({ status: 503, pathPrefix: '/v1/actions' }, 3);
    const error = await failure(api.acknowledge('icinga-test:web01!http', { author: 'alice', comment: 'x' }));
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.count('POST /v1/actions/acknowledge-problem')).toBe(1);
  });

  it('wrong password → UPSTREAM_AUTH_FAILED without the password', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { password: 'wrong-pass-123' });
    const error = await failure(api.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'icinga-test' });
    expect(JSON.stringify({ m: error.message, e: error.extensions })).not.toContain('wrong-pass-123');
  });

  it('an unreadable caFile is a config error at create', () => {
    const config = icingaConnector.config.parse({
      baseUrl: 'https://icinga.invalid:5665',
      username: 'u',
      password: 'p',
      caFile: '/nonexistent/ca.crt',
    });
    expect(() => icingaConnector.create('icinga-test', config, testDeps('icinga-test'))).toThrow(ConfigError);
  });

  it('has no query language', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    expect(await api.query('up')).toBeNull();
    expect(await api.queryRange('up', new Date(), new Date(), 60)).toBeNull();
  });
});

describe('icinga connector faults', () => {
  it('timeout → UPSTREAM_UNAVAILABLE naming the connector', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { timeoutMs: 150 });
    fake.fail({ delayMs: 600 });
    const error = await failure(api.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'icinga-test' });
  });

  it('500 → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 500 });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('429 with Retry-After on a query (POST + method override) is retried, then succeeds', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { retryLimit: 1, timeoutMs: 3000 });
    fake.fail({ status: 429, retryAfterS: 1, pathPrefix: '/v1/objects/hosts' });
    const snapshot = await api.snapshot();
    expect(snapshot.alerts).toHaveLength(3);
    expect(fake.count('POST /v1/objects/hosts')).toBe(2);
  });

  it('invalid JSON → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ invalidJson: true });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('stale-if-error serves the last snapshot marked stale', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { cacheTtlMs: 0 });
    const good = await api.snapshot();
    fake.fail({ status: 503 }, 3);
    const again = await api.snapshot();
    expect(again).toMatchObject({ stale: true, alerts: good.alerts });
  });

  it('the circuit opens after N failures and fails fast', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { cacheTtlMs: 0, staleMs: 0, breakerThreshold: 2 });
    fake.fail({ status: 500 }, 6);
    await failure(api.snapshot());
    await failure(api.snapshot());
    const before = fake.requests.length;
    const error = await failure(api.snapshot());
    expect(error.message).toContain('circuit open');
    expect(fake.requests.length).toBe(before);
  });
});
