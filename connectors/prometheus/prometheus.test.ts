import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failure, fakeForTest, testAuth, testDeps, type OnTestFinished } from '../core/test-support.js';
import { AmAlertDto, QueryResultDto, SilenceDto, TargetDto } from './client.js';
import { startFakePrometheus, type FakePrometheus } from './fake-server.js';
import { prometheusConnector } from './index.js';
import {
  activeSilences,
  ciHintFromLabels,
  hostHint,
  severityOf,
  toAlert,
  toSamples,
  watchedFromTargets,
  type MappingContext,
} from './mapping.js';

const fixture = (file: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));

const ctx: MappingContext = {
  connector: 'prom-web',
  amUiUrl: 'http://am.invalid',
  promUiUrl: 'http://prom.invalid',
  ciIdLabels: ['ci_id', 'ci'],
  hostLabels: ['instance', 'host', 'hostname'],
  severityLabel: 'severity',
  defaultSeverity: 'WARNING',
};

interface Overrides {
  endpoint?: Record<string, unknown>;
  top?: Record<string, unknown>;
}

function setup(fake: FakePrometheus, { endpoint = {}, top = {} }: Overrides = {}, name = 'prom-test') {
  const settings = { baseUrl: fake.url, retryLimit: 0, timeoutMs: 1000, ...endpoint };
  const config = prometheusConnector.config.parse({ prometheus: settings, alertmanager: settings, ...top });
  const instance = prometheusConnector.create(name, config, testDeps(name));
  return { instance, api: instance.forRequest(testAuth()) };
}

const started = (onTestFinished: OnTestFinished, options?: Parameters<typeof startFakePrometheus>[0]) =>
  fakeForTest(onTestFinished, startFakePrometheus(options));

describe('prometheus mapping (recorded fixtures)', () => {
  it('maps an active Alertmanager alert with severity, CI hint and deep link', () => {
    const [dto] = AmAlertDto.array().parse(fixture('am-alerts-diskfull.json'));
    const alert = toAlert(dto!, new Map(), ctx);
    expect(alert).toMatchObject({
      id: 'prom-web:5c0d00a5e70e46fd',
      connector: 'prom-web',
      tool: 'alertmanager',
      severity: 'CRITICAL',
      summary: 'Disk / on db01 is 98% full',
      startsAt: '2026-11-27T20:34:52.000Z',
      acknowledged: false,
      acknowledgedBy: null,
      inMaintenance: false,
      ci: { ciId: 'db01', name: 'db01' },
    });
    expect(alert.url).toBe(
      `http://am.invalid/#/alerts?filter=${encodeURIComponent('{alertname="DiskFull",ci="db01",instance="db01:9100",severity="critical"}')}`,
    );
  });

  it('a silenced alert is acknowledged by the silence creator until its end', () => {
    const [dto] = AmAlertDto.array().parse(fixture('am-alerts-silenced.json'));
    const silence = SilenceDto.parse(fixture('am-silence-get.json'));
    const alert = toAlert(dto!, activeSilences([silence]), ctx);
    expect(alert).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'gateway-ack:alice',
      acknowledgedAt: '2026-11-27T20:34:53.126Z',
      acknowledgedUntil: '2026-11-27T21:34:52.000Z',
      inMaintenance: false,
    });
  });

  it('a silence it cannot see still counts as acknowledged (without author)', () => {
    const [dto] = AmAlertDto.array().parse(fixture('am-alerts-silenced.json'));
    expect(toAlert(dto!, new Map(), ctx)).toMatchObject({ acknowledged: true, acknowledgedBy: null });
  });

  it('a maintenance silence (regex matcher) puts the alert in maintenance, not acknowledged', () => {
    const [dto] = AmAlertDto.array().parse(fixture('am-alerts-silenced.json'));
    const silence = SilenceDto.parse({
      ...(fixture('am-silence-get.json') as object),
      matchers: [{ name: 'instance', value: 'db01:.*', isRegex: true, isEqual: true }],
    });
    expect(toAlert(dto!, activeSilences([silence]), ctx)).toMatchObject({ acknowledged: false, inMaintenance: true });
  });

  it('maps severity labels; unknown or missing ones get the default', () => {
    const sev = (severity?: string) => severityOf(severity === undefined ? {} : { severity }, ctx);
    expect([sev('critical'), sev('MAJOR'), sev('minor'), sev('warning'), sev('info'), sev('bogus'), sev()]).toEqual([
      'CRITICAL',
      'MAJOR',
      'MINOR',
      'WARNING',
      'WARNING',
      'WARNING',
      'WARNING',
    ]);
    expect(severityOf({ severity: 'bogus' }, { ...ctx, defaultSeverity: 'MAJOR' })).toBe('MAJOR');
  });

  it('turns instance labels into CI hints with the port stripped', () => {
    expect(hostHint('127.0.0.1:19999')).toEqual({ ip: '127.0.0.1' });
    expect(hostHint('db01:9100')).toEqual({ name: 'db01' });
    expect(hostHint('Web01.Example.com:443')).toEqual({ name: 'Web01.Example.com', fqdn: 'web01.example.com' });
    expect(hostHint('[fe80::1]:9100')).toEqual({ ip: 'fe80::1' });
    expect(hostHint('fe80::1')).toEqual({ ip: 'fe80::1' });
    expect(ciHintFromLabels({ ci_id: 'CI0009', instance: '127.0.0.1:19999' }, ctx)).toEqual({ ciId: 'CI0009', ip: '127.0.0.1' });
    expect(ciHintFromLabels({ ci: 'web01' }, ctx)).toEqual({ ciId: 'web01', name: 'web01' });
    expect(ciHintFromLabels({ alertname: 'X' }, ctx)).toEqual({});
  });

  it('watched CIs come from scrape targets, one per distinct instance', () => {
    const targets = TargetDto.array().parse((fixture('prom-targets.json') as { data: { activeTargets: unknown[] } }).data.activeTargets);
    const graph = (instance: string) => ({
      tool: 'prometheus',
      url: `http://prom.invalid/graph?g0.expr=${encodeURIComponent(`up{instance="${instance}"}`)}&g0.tab=0`,
    });
    expect(watchedFromTargets(targets, ctx)).toEqual([
      { ip: '127.0.0.1', link: graph('127.0.0.1:19093') },
      { ciId: 'CI0009', ip: '127.0.0.1', link: graph('127.0.0.1:19999') },
    ]);
  });

  it('parses string sample values, infinities included', () => {
    const up = QueryResultDto.parse((fixture('prom-query-up.json') as { data: unknown }).data);
    expect(toSamples(up)).toContainEqual({
      labels: { __name__: 'up', instance: '127.0.0.1:19999', job: 'dead-host' },
      timestamp: 1795811686.809,
      value: 0,
    });
    expect(toSamples({ resultType: 'scalar', result: [1, '+Inf'] })[0]?.value).toBe(Infinity);
    expect(toSamples({ resultType: 'scalar', result: [1, '-Inf'] })[0]?.value).toBe(-Infinity);
    expect(toSamples({ resultType: 'scalar', result: [1, 'NaN'] })[0]?.value).toBeNaN();
  });
});

describe('prometheus connector against the fake', () => {
  it('snapshot: alerts from Alertmanager, watched CIs from Prometheus targets', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const snapshot = await api.snapshot();
    expect(snapshot.stale).toBe(false);
    expect(snapshot.alerts.map((a) => a.labels['alertname']).sort()).toEqual(['AlwaysFiring', 'DiskFull', 'TargetDown']);
    const down = snapshot.alerts.find((a) => a.labels['alertname'] === 'TargetDown');
    expect(down).toMatchObject({ severity: 'CRITICAL', ci: { ciId: 'CI0009', ip: '127.0.0.1' } });
    expect(snapshot.watched).toContainEqual(expect.objectContaining({ ciId: 'CI0009', ip: '127.0.0.1' }));
    expect(await api.alertById(down!.id)).toEqual(down);
    expect(await api.alertById('other-connector:' + down!.id.split(':')[1])).toBeNull();
  });

  it('N concurrent snapshots cost one call per endpoint', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { instance } = setup(fake);
    await Promise.all(Array.from({ length: 20 }, () => instance.forRequest(testAuth()).snapshot()));
    expect(fake.count('GET /api/v2/alerts')).toBe(1);
    expect(fake.count('GET /api/v2/silences')).toBe(1);
    expect(fake.count('GET /api/v1/targets')).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('acknowledge creates a silence on all labels, reads it back; unacknowledge expires it', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const disk = (await api.snapshot()).alerts.find((a) => a.labels['alertname'] === 'DiskFull')!;
    const before = Date.now();
    const acked = await api.acknowledge(disk.id, { author: 'alice', comment: 'INC0010001: investigating' });
    expect(acked).toMatchObject({ id: disk.id, acknowledged: true, acknowledgedBy: 'alice' });
    const until = Date.parse(acked.acknowledgedUntil!);
    expect(until - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(until - before).toBeLessThanOrEqual(2 * 3_600_000 + 5000);

    const [silence] = [...fake.silences.values()];
    expect(silence).toMatchObject({ createdBy: 'alice', comment: 'INC0010001: investigating' });
    expect(silence!.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual([
      'alertname=DiskFull',
      'ci=db01',
      'instance=db01:9100',
      'severity=critical',
    ]);
    // The cache was invalidated: the next snapshot shows the acknowledgement.
    expect((await api.alertById(disk.id))?.acknowledged).toBe(true);

    const back = await api.unacknowledge(disk.id, 'alice');
    expect(back).toMatchObject({ acknowledged: false, acknowledgedBy: null });
    expect(silence!.expired).toBe(true);
    expect(fake.count('DELETE /api/v2/silence/')).toBe(1);
    expect((await api.alertById(disk.id))?.acknowledged).toBe(false);
  });

  it('acknowledge honours until', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const [alert] = (await api.snapshot()).alerts;
    const until = new Date(Date.now() + 600_000).toISOString();
    const acked = await api.acknowledge(alert!.id, { author: 'bob', comment: 'later', until });
    expect(acked.acknowledgedUntil).toBe(until);
  });

  it('unacknowledge leaves maintenance silences alone', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const disk = (await api.snapshot()).alerts.find((a) => a.labels['alertname'] === 'DiskFull')!;
    const maintenance = {
      id: '11111111-2222-4333-8444-555555555555',
      matchers: [{ name: 'instance', value: 'db01:.*', isRegex: true, isEqual: true }],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdBy: 'change-mgmt',
      comment: 'CHG0001 maintenance',
      updatedAt: new Date().toISOString(),
      expired: false,
    };
    fake.silences.set(maintenance.id, maintenance);
    await api.acknowledge(disk.id, { author: 'alice', comment: 'ack' });
    const back = await api.unacknowledge(disk.id, 'alice');
    expect(back).toMatchObject({ acknowledged: false, inMaintenance: true });
    expect(maintenance.expired).toBe(false);
  });

  it('a rejected acknowledgement (400: ends in the past) is an error and creates nothing', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { retryLimit: 2 } });
    const [alert] = (await api.snapshot()).alerts;
    const error = await failure(api.acknowledge(alert!.id, { author: 'alice', comment: 'x', until: '2000-01-01T00:00:00Z' }));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'prom-test' });
    expect(fake.silences.size).toBe(0);
    expect(fake.count('POST /api/v2/silences')).toBe(1);
  });

  it('the fake answers a silence without comment with 422 {"code":602} as Alertmanager does', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const response = await fetch(`${fake.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: 'X', isRegex: false }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 60_000).toISOString(),
        createdBy: 'a',
      }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ code: 602, message: 'comment in body is required' });
  });

  it('acknowledging an unknown alert → NOT_FOUND; a malformed until → BAD_USER_INPUT', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    expect((await failure(api.acknowledge('prom-test:0000', { author: 'a', comment: 'c' }))).extensions['code']).toBe('NOT_FOUND');
    const [alert] = (await api.snapshot()).alerts;
    expect((await failure(api.acknowledge(alert!.id, { author: 'a', comment: 'c', until: 'tomorrow' }))).extensions['code']).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('a failing write (503) is reported and never retried', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { retryLimit: 2 } });
    const [alert] = (await api.snapshot()).alerts;
    fake.fail({ status: 503, method: 'POST' }, 3);
    const error = await failure(api.acknowledge(alert!.id, { author: 'alice', comment: 'x' }));
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.count('POST /api/v2/silences')).toBe(1);
  });

  it('query and queryRange return numeric samples; a bad expression is rejected', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const up = await api.query('up');
    expect(up).toHaveLength(3);
    expect(up!.find((s) => s.labels['job'] === 'dead-host')?.value).toBe(0);
    expect((await api.query('1/0'))?.[0]?.value).toBe(Infinity);
    const range = await api.queryRange('up', new Date(Date.now() - 60_000), new Date(), 15);
    expect(range).toHaveLength(3);
    expect(range![0]).toHaveLength(3);
    expect((await failure(api.query('sum(up'))).extensions['code']).toBe('UPSTREAM_REJECTED');
  });

  it("metricsFor asks the CI's own series and the node-exporter ones of its host names", async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const server = { id: 'server123', name: 'server123', class: 'server', fqdn: 'server123.corp.example', ip: '10.0.0.5' };
    expect(await api.metricsFor({ ...server, serial: null, tags: [], attributes: {}, sourceLinks: [] })).toEqual([]);
    const asked = fake.requests
      .filter((r) => r.startsWith('GET /api/v1/query?'))
      .map((r) => new URL(r.slice(4), 'http://x').searchParams.get('query'));
    expect(asked[0]).toBe('{ci="server123"}');
    const instance = 'instance=~"(server123|server123\\\\.corp\\\\.example|10\\\\.0\\\\.0\\\\.5)(:[0-9]+)?"';
    expect(asked).toContain(`up{${instance}}`);
    expect(asked.some((q) => q?.includes('node_cpu_seconds_total') && q.includes(instance))).toBe(true);
  });

  it('lists alerting rules with severity and a graph link', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    const rules = (await api.alertRules()) ?? [];
    expect(rules.map((r) => `${r.name}:${r.severity}:${r.state}`)).toEqual(['TargetDown:CRITICAL:firing', 'AlwaysFiring:WARNING:firing']);
    expect(rules[0]?.id).toMatch(/^[\w-]+:.+\/TargetDown$/);
    expect(rules[0]?.url).toBe(`${fake.url}/graph?g0.expr=${encodeURIComponent('up == 0')}&g0.tab=0`);
    expect(api.graphUrl('up')).toBe(`${fake.url}/graph?g0.expr=up&g0.tab=0`);
  });

  it('sends Basic or Bearer credentials; a wrong one → UPSTREAM_AUTH_FAILED', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, { token: 'prom-secret-token' });
    const good = setup(fake, { top: { auth: { kind: 'bearer', token: 'prom-secret-token' } } });
    expect((await good.api.snapshot()).alerts).toHaveLength(3);
    const bad = setup(fake, { top: { auth: { kind: 'bearer', token: 'wrong' } } }, 'prom-bad');
    const error = await failure(bad.api.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'prom-bad' });
    expect(error.message).not.toContain('wrong');
  });
});

describe('prometheus connector faults', () => {
  it('timeout → UPSTREAM_UNAVAILABLE naming the connector', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { timeoutMs: 150 } });
    fake.fail({ delayMs: 600, pathPrefix: '/api/v2/alerts' });
    const error = await failure(api.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom-test' });
    expect(error.message).toContain('timed out');
  });

  it('500 → UPSTREAM_UNAVAILABLE without the body', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 500, body: '{"error":"secret internals"}' });
    const error = await failure(api.snapshot());
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(JSON.stringify({ m: error.message, e: error.extensions })).not.toContain('secret internals');
  });

  it('429 with Retry-After on a read is retried after the wait, then succeeds', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { retryLimit: 1, timeoutMs: 3000 } });
    fake.fail({ status: 429, retryAfterS: 1, pathPrefix: '/api/v2/alerts' });
    const t0 = Date.now();
    const snapshot = await api.snapshot();
    expect(snapshot.alerts).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(fake.count('GET /api/v2/alerts')).toBe(2);
  });

  it('invalid JSON → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ invalidJson: true, pathPrefix: '/api/v1/targets' });
    const error = await failure(api.snapshot());
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('invalid JSON');
  });

  it('a 2xx answer of the wrong shape → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished, { targets: [{ nolabels: true }] });
    const { api } = setup(fake);
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('stale-if-error: the last good snapshot is served marked stale', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } });
    const good = await api.snapshot();
    fake.fail({ status: 503 }, 3);
    const again = await api.snapshot();
    expect(again.stale).toBe(true);
    expect(again.alerts).toEqual(good.alerts);
  });

  it('the circuit opens after N failures and then fails fast without calling', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { breakerThreshold: 2 } });
    fake.fail({ status: 500 }, 2);
    await failure(api.query('up'));
    await failure(api.query('up'));
    const before = fake.requests.length;
    const error = await failure(api.query('up'));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom-test' });
    expect(error.message).toContain('circuit open');
    expect(fake.requests.length).toBe(before);
  });
});
