import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failure, fakeForTest, testAuth, testDeps, type OnTestFinished } from '../core/test-support.js';
import type { MonitorSnapshot, WatchedCi } from '../../kernel/model.js';
import { AmAlertDto, QueryResultDto, RuleGroupDto, SilenceDto, TargetDto, type PromAlertDto } from './client.js';
import { alertmanagerDoubt, durationMs, prometheusState, targetDoubt } from './doubt.js';
import { startFakePrometheus, type FakePrometheus } from './fake-server.js';
import { prometheusConnector } from './index.js';
import {
  activeSilences,
  alertFingerprint,
  ciHintFromLabels,
  hostHint,
  mergeAlerts,
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

  it("computes Alertmanager's own fingerprints, so an alert has one id whichever server reports it", () => {
    const recorded = AmAlertDto.array().parse([
      ...(fixture('am-alerts-firing.json') as unknown[]),
      ...(fixture('am-alerts-diskfull.json') as unknown[]),
    ]);
    for (const alert of recorded) expect(alertFingerprint(alert.labels)).toBe(alert.fingerprint);
  });

  it('adds the alerts Prometheus fires that Alertmanager lacks, muted by the same silences; pending ones are not alerts', () => {
    const [fromAm] = AmAlertDto.array().parse(fixture('am-alerts-firing.json'));
    const rules = RuleGroupDto.array().parse((fixture('prom-rules-live.json') as { data: { groups: unknown[] } }).data.groups);
    const firing = rules.flatMap((g) => g.rules.flatMap((r) => r.alerts)) as PromAlertDto[];
    const silence = SilenceDto.parse({
      ...(fixture('am-silence-get.json') as object),
      matchers: [{ name: 'alertname', value: 'AlwaysFiring', isRegex: false, isEqual: true }],
    });
    const pending: PromAlertDto = { labels: { alertname: 'SlowDisk', instance: 'db01:9100' }, annotations: {}, state: 'pending' };
    const merged = mergeAlerts([fromAm!], [...firing, pending], [silence]);
    // TargetDown is Alertmanager's own; AlwaysFiring comes from Prometheus, with the id Alertmanager gives it.
    expect(merged.map((a) => `${a.labels['alertname']}:${a.fingerprint}`)).toEqual([
      'TargetDown:ab3d3409e2e72b51',
      'AlwaysFiring:f9e2f6ad179311b6',
    ]);
    expect(toAlert(merged[1]!, activeSilences([silence]), ctx)).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'gateway-ack:alice',
      startsAt: '2026-11-27T21:16:48.553955381Z',
    });
    // With external labels added on the way to Alertmanager, it is still the same alert.
    const external = { ...fromAm!, labels: { ...fromAm!.labels, cluster: 'eu1' } };
    expect(mergeAlerts([external], firing.slice(0, 1), [])).toHaveLength(1);
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

describe('what Prometheus and Alertmanager cannot vouch for (recorded answers)', () => {
  const groups = RuleGroupDto.array().parse((fixture('prom-rules-live.json') as { data: { groups: unknown[] } }).data.groups);
  const flags = (fixture('prom-flags.json') as { data: Record<string, string> }).data;
  const targets = (file: string) => TargetDto.array().parse((fixture(file) as { data: { activeTargets: unknown[] } }).data.activeTargets);
  const byInstance = (list: TargetDto[], instance: string) => list.find((t) => t.labels['instance'] === instance)!;

  it('reads Prometheus durations', () => {
    expect(['1s', '5s', '1m', '1m30s', '500ms', '1h0m0s', '2d'].map((d) => durationMs(d, -1))).toEqual([
      1000, 5000, 60_000, 90_000, 500, 3_600_000, 172_800_000,
    ]);
    expect(durationMs('soon', 42)).toBe(42);
    expect(durationMs(undefined, 42)).toBe(42);
  });

  it('a running Prometheus vouches for its up targets, never for a down one', () => {
    const state = prometheusState('2026-11-27T21:00:00Z', groups, flags);
    expect(state).toMatchObject({ discoveryMs: 1000 * 5, resendDelayMs: 1000, evaluationMs: 1000 });
    const live = targets('prom-targets.json');
    expect(targetDoubt(byInstance(live, '127.0.0.1:19090'), state)).toBeUndefined();
    expect(targetDoubt(byInstance(live, '127.0.0.1:19999'), state)).toBe('prometheus cannot scrape target 127.0.0.1:19999');
  });

  it('right after a start: no target is scraped yet (recorded 6 s after a start), then the rules have not seen a first scrape', () => {
    const unscraped = targets('prom-targets-unscraped.json');
    const state = prometheusState('2026-12-02T11:36:15.144Z', groups, flags);
    for (const t of unscraped) expect(targetDoubt(t, state)).toMatch(/has not scraped target .* since it started/);
    // A first scrape at 11:36:21, the rules last evaluated at 11:36:20.5: not seen yet; after 11:36:21, seen.
    const first = { ...byInstance(unscraped, '127.0.0.1:19090'), health: 'up', lastScrape: '2026-12-02T11:36:21.000Z' };
    const before = { ...state, rulesEvaluatedAt: Date.parse('2026-12-02T11:36:20.500Z') };
    expect(targetDoubt(first, before)).toMatch(/has not evaluated its alerting rules over target 127.0.0.1:19090/);
    expect(targetDoubt(first, { ...before, rulesEvaluatedAt: Date.parse('2026-12-02T11:36:21.100Z') })).toBeUndefined();
    // A later scrape of the same target needs no new evaluation: the first one was seen.
    const later = { ...first, lastScrape: '2026-12-02T11:36:31.000Z' };
    expect(targetDoubt(later, { ...before, rulesEvaluatedAt: Date.parse('2026-12-02T11:36:28.000Z') })).toBeUndefined();
    // Targets read from the previous process (scraped before this start) vouch for nothing.
    const old = { ...first, lastScrape: '2026-12-02T11:30:00.000Z' };
    expect(targetDoubt(old, { ...before, rulesEvaluatedAt: Infinity })).toMatch(/since it started/);
  });

  it('a young Alertmanager vouches for nothing until Prometheus has had time to resend', () => {
    const status = fixture('am-status.json') as { uptime: string };
    const startedAt = Date.parse(status.uptime);
    expect(alertmanagerDoubt(status.uptime, startedAt + 12_000, 65_000)).toBe(
      'alertmanager started 12 s ago and may not know every alert yet',
    );
    expect(alertmanagerDoubt(status.uptime, startedAt + 65_000, 65_000)).toBeUndefined();
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
    expect(await api.alertById(`other-connector:${down!.id.split(':')[1]}`)).toBeNull();
  });

  it('N concurrent snapshots cost one call per endpoint', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { instance } = setup(fake);
    await Promise.all(Array.from({ length: 20 }, () => instance.forRequest(testAuth()).snapshot()));
    const paths = fake.requests.map((r) => r.split('?')[0]).sort();
    expect(paths).toEqual([
      'GET /api/v1/alerts',
      'GET /api/v1/rules',
      'GET /api/v1/status/flags',
      'GET /api/v1/status/runtimeinfo',
      'GET /api/v1/targets',
      'GET /api/v2/alerts',
      'GET /api/v2/silences',
      'GET /api/v2/status',
    ]);
    // Prometheus's alerts are read after its rules: never older than the evaluations that vouch for a target.
    const at = (path: string) => fake.requests.findIndex((r) => r.startsWith(path));
    expect(at('GET /api/v1/alerts')).toBeGreaterThan(at('GET /api/v1/rules'));
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
    // The cached snapshot was updated: it shows the acknowledgement without asking again.
    const asked = fake.requests.length;
    expect((await api.alertById(disk.id))?.acknowledged).toBe(true);
    expect(fake.requests.length).toBe(asked);

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
    expect(await api.metricsFor({ ...server, serial: null, tags: [], attributes: {}, monthlyCost: null, sourceLinks: [] })).toEqual([]);
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
  it('both servers timing out → UPSTREAM_UNAVAILABLE naming the connector', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { endpoint: { timeoutMs: 150 } });
    fake.fail({ delayMs: 600 }, 10);
    const error = await failure(api.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom-test' });
    expect(error.message).toContain('timed out');
  });

  it('500 → UPSTREAM_UNAVAILABLE without the body', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 500, body: '{"error":"secret internals"}' }, 10);
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

  it('invalid JSON from both → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ invalidJson: true }, 10);
    const error = await failure(api.snapshot());
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('invalid JSON');
  });

  it('a 2xx target list of the wrong shape: nothing is watched, and the snapshot says it is not whole', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 200, pathPrefix: '/api/v1/targets', body: '{"status":"success","data":{"activeTargets":[{"nolabels":true}]}}' });
    expect(await api.snapshot()).toMatchObject({ stale: true, watched: [] });
  });

  it('healthCheck parses what it reads: an Alertmanager status without uptime is not ready', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { instance } = setup(fake);
    await instance.healthCheck();
    fake.fail({ status: 200, pathPrefix: '/api/v2/status', body: '{"versionInfo":{"version":"0.25.0"}}' });
    expect((await failure(instance.healthCheck())).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom-test' });
  });

  it('stale-if-error: the last good snapshot is served marked stale', async ({ onTestFinished }) => {
    const fake = await started(onTestFinished);
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } });
    const good = await api.snapshot();
    fake.fail({ status: 503 }, 10);
    const again = await api.snapshot();
    expect(again.stale).toBe(true);
    expect(again.alerts).toEqual(good.alerts);
    expect(again.watched.every((ci) => ci.doubt?.includes('did not answer'))).toBe(true);
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

/** The dead host (its target is down) and the payments host (its target is up, an alert names it). */
const PAYMENTS = { labels: { instance: 'pay01:9100', job: 'node', ci_id: 'CI0010' }, health: 'up' as const };
const PAYMENTS_DOWN = {
  labels: { alertname: 'PaymentsFailing', ci_id: 'CI0010', instance: 'pay01:9100', job: 'node', severity: 'critical' },
  annotations: { summary: 'payments failing on pay01' },
  startsAt: '2026-12-02T10:00:00.000Z',
};
const byCi = (snapshot: { watched: WatchedCi[] }, ciId: string) => snapshot.watched.find((w) => w.ciId === ciId);
/** What the service model reads for a CI: a problem when an alert names it, else OK only when the monitor vouches. */
const verdict = (snapshot: MonitorSnapshot, ciId: string) =>
  snapshot.alerts.some((a) => a.ci.ciId === ciId)
    ? 'PROBLEM'
    : !byCi(snapshot, ciId)
      ? 'UNWATCHED'
      : snapshot.stale || byCi(snapshot, ciId)?.doubt
        ? 'UNKNOWN'
        : 'OK';

describe('prometheus connector: no false OK across restarts and outages', () => {
  const restartable = (onTestFinished: OnTestFinished) =>
    started(onTestFinished, {
      alerts: [PAYMENTS_DOWN],
      targets: [PAYMENTS, { labels: { instance: 'web01:9100', job: 'node', ci_id: 'CI0001' } }],
    });

  it("an Alertmanager restart: Prometheus's alert keeps the host failing, and nothing is vouched for until it has resent", async ({
    onTestFinished,
  }) => {
    const fake = await restartable(onTestFinished);
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } });
    const before = await api.snapshot();
    expect([verdict(before, 'CI0010'), verdict(before, 'CI0001')]).toEqual(['PROBLEM', 'OK']);
    const alertId = before.alerts[0]!.id;

    fake.restart('alertmanager'); // it answers [] with 200 now
    const fresh = await api.snapshot();
    expect(fresh.stale).toBe(false);
    expect(fresh.alerts.map((a) => a.id)).toEqual([alertId]); // the same id, from Prometheus
    expect([verdict(fresh, 'CI0010'), verdict(fresh, 'CI0001')]).toEqual(['PROBLEM', 'UNKNOWN']);
    expect(byCi(fresh, 'CI0001')?.doubt).toMatch(/^alertmanager started \d s ago and may not know every alert yet$/);

    // Warming up lasts Prometheus's resend delay (1s, the recorded flag) + its evaluation interval
    // (5 s); the Date header counts whole seconds, so look at 4 s and at 7 s.
    fake.evaluate(); // Prometheus resends
    fake.advance(4_000);
    expect(verdict(await api.snapshot(), 'CI0001')).toBe('UNKNOWN');
    fake.advance(3_000);
    expect(verdict(await api.snapshot(), 'CI0001')).toBe('OK');
  });

  it('a Prometheus restart: no target is vouched for until it is scraped and the rules have run over it', async ({ onTestFinished }) => {
    const fake = await restartable(onTestFinished);
    // Targets cached for a minute: the restart must not be hidden by them.
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 60_000 } });
    expect(verdict(await api.snapshot(), 'CI0001')).toBe('OK');

    fake.restart('prometheus');
    fake.restart('alertmanager'); // and the alert has expired in Alertmanager: nobody reports it
    fake.advance(120_000); // Alertmanager is no longer young
    const unscraped = await api.snapshot();
    expect(unscraped.alerts).toEqual([]);
    expect([verdict(unscraped, 'CI0010'), verdict(unscraped, 'CI0001')]).toEqual(['UNKNOWN', 'UNKNOWN']);
    expect(byCi(unscraped, 'CI0010')?.doubt).toBe('prometheus has not scraped target pay01:9100 since it started');

    fake.advance(10_000);
    fake.scrape();
    const scraped = await api.snapshot();
    expect(verdict(scraped, 'CI0010')).toBe('UNKNOWN');
    expect(byCi(scraped, 'CI0010')?.doubt).toBe(
      'prometheus started recently and has not evaluated its alerting rules over target pay01:9100 yet',
    );

    fake.advance(100);
    fake.evaluate();
    const evaluated = await api.snapshot();
    expect(byCi(evaluated, 'CI0001')?.doubt).toBeUndefined();
    expect([verdict(evaluated, 'CI0010'), verdict(evaluated, 'CI0001')]).toEqual(['PROBLEM', 'OK']);
  });

  it("Alertmanager down: the same answer whether the connector read it before or not (watched from Prometheus's targets)", async ({
    onTestFinished,
  }) => {
    const fake = await restartable(onTestFinished);
    const warm = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } }, 'prom-warm');
    await warm.api.snapshot();
    fake.fail({ status: 503, pathPrefix: '/api/v2/' }, 20);
    const cold = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } }, 'prom-cold');
    const [before, after] = [await warm.api.snapshot(), await cold.api.snapshot()];
    for (const snapshot of [before, after]) {
      expect(snapshot.stale).toBe(true);
      expect(snapshot.watched.map((w) => w.ciId)).toEqual(['CI0010', 'CI0001']);
      expect(byCi(snapshot, 'CI0001')?.doubt).toBe('alertmanager did not answer');
      expect([verdict(snapshot, 'CI0010'), verdict(snapshot, 'CI0001')]).toEqual(['PROBLEM', 'UNKNOWN']);
    }
  });

  it('Prometheus down, Alertmanager up: its alerts, and nothing vouched for', async ({ onTestFinished }) => {
    const fake = await restartable(onTestFinished);
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } });
    fake.fail({ status: 503, pathPrefix: '/api/v1/' }, 20);
    const snapshot = await api.snapshot();
    expect(snapshot).toMatchObject({ stale: true, watched: [] });
    expect(verdict(snapshot, 'CI0010')).toBe('PROBLEM');
  });

  it('an alert only Prometheus knows can be acknowledged: the silence waits for it in Alertmanager', async ({ onTestFinished }) => {
    const fake = await restartable(onTestFinished);
    const { api } = setup(fake, { top: { cacheTtlMs: 0, targetsTtlMs: 0 } });
    fake.restart('alertmanager');
    const [alert] = (await api.snapshot()).alerts;
    expect(await api.acknowledge(alert!.id, { author: 'alice', comment: 'on it' })).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'alice',
    });
    fake.evaluate();
    expect((await api.alertById(alert!.id))?.acknowledged).toBe(true);
    expect(fake.recorded(alert!.id.split(':')[1]!)).toEqual({ acknowledgements: 1, removals: 0 });
  });

  it('credentials rejected by one server fail the snapshot (a configuration error is not a partial outage)', async ({ onTestFinished }) => {
    const fake = await restartable(onTestFinished);
    const { api } = setup(fake);
    fake.fail({ status: 401, pathPrefix: '/api/v2/alerts' });
    expect((await failure(api.snapshot())).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
  });
});
