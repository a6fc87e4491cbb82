/**
 * The Prometheus/Alertmanager, Icinga 2 and Zabbix 6.0 connectors against the real tools started by
 * `scripts/real-tools.sh start` (see that script for ports, users and the seeded rules/objects).
 * Endpoints come from the environment (`scripts/real-tools.sh env`), with the script's defaults.
 * A suite is skipped only when REAL_TOOLS is set and does not name its tool. Waits poll; they never sleep
 * blindly.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import got from 'got';
import type { MonitorApi } from '../../connectors/core/connector.js';
import type { Alert } from '../../kernel/model.js';
import { failure, testAuth, testDeps } from '../../connectors/core/test-support.js';
import { icingaConnector } from '../../connectors/icinga/index.js';
import { prometheusConnector, type PrometheusApi } from '../../connectors/prometheus/index.js';
import { zabbixConnector } from '../../connectors/zabbix/index.js';
import { AM_URL, ICINGA_CA, ICINGA_URL, PROM_URL, selected, until, ZABBIX_URL, zabbixSession } from './support.js';

const auth = testAuth('real-tester');
const run = randomUUID().slice(0, 8);

describe.skipIf(!selected('prometheus', 'alertmanager'))('prometheus connector against real Prometheus + Alertmanager', () => {
  const config = (overrides: Record<string, unknown> = {}) =>
    prometheusConnector.config.parse({
      prometheus: { baseUrl: PROM_URL, retryLimit: 0, timeoutMs: 5000 },
      alertmanager: { baseUrl: AM_URL, retryLimit: 0, timeoutMs: 5000 },
      cacheTtlMs: 0,
      targetsTtlMs: 0,
      ...overrides,
    });
  const instance = prometheusConnector.create('prom-real', config(), testDeps('prom-real'));
  const api = instance.forRequest(auth) as PrometheusApi;
  const am = got.extend({ prefixUrl: `${AM_URL}/api/v2/`, responseType: 'json' });
  const author = `real-tester-${run}`;

  afterAll(async () => {
    // Leave no acknowledgement behind for the next run.
    const silences = await am.get('silences').json<{ id: string; createdBy: string; status: { state: string } }[]>();
    for (const s of silences.filter((s) => s.createdBy === author && s.status.state === 'active')) await am.delete(`silence/${s.id}`);
  });

  /** The first active alert of the rule whose labels include `labels` (a rule such as TargetDown fires once per target). */
  const firing = (name: string, labels: Record<string, string> = {}) =>
    until(`${name} in Alertmanager`, async () =>
      (await api.snapshot()).alerts.find(
        (a) => a.labels['alertname'] === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v),
      ),
    );

  it('rule alerts arrive through Alertmanager with CI hints; targets are the watched CIs', async () => {
    await instance.healthCheck();
    const down = await firing('TargetDown', { job: 'dead-host' });
    expect(down).toMatchObject({ tool: 'alertmanager', severity: 'CRITICAL', ci: { ciId: 'CI0009', ip: '127.0.0.1' } });
    expect(down.url).toContain(`${AM_URL}/#/alerts?filter=`);
    const always = await firing('AlwaysFiring');
    expect(always).toMatchObject({ severity: 'WARNING', summary: 'Synthetic always-firing alert', ci: { ciId: 'web01', name: 'web01' } });
    const snapshot = await api.snapshot();
    expect(snapshot.stale).toBe(false);
    expect(snapshot.watched).toContainEqual({
      ciId: 'CI0009',
      ip: '127.0.0.1',
      link: { tool: 'prometheus', url: `${PROM_URL}/graph?g0.expr=${encodeURIComponent('up{instance="127.0.0.1:19999"}')}&g0.tab=0` },
    });
    expect(await api.alertById(down.id)).toMatchObject({ id: down.id });
  });

  it('acknowledge → a silence in Alertmanager → unacknowledge expires it', async () => {
    const always = await firing('AlwaysFiring');
    const comment = `INC${run}: investigating`;
    const acked = await api.acknowledge(always.id, { author, comment });
    expect(acked).toMatchObject({ id: always.id, acknowledged: true, acknowledgedBy: author });

    const silences = await am.get('silences').json<{ id: string; createdBy: string; comment: string }[]>();
    const created = silences.find((s) => s.createdBy === author && s.comment === comment);
    expect(created).toBeDefined();
    const silence = await am
      .get(`silence/${created!.id}`)
      .json<{ status: { state: string }; matchers: { name: string; value: string }[] }>();
    expect(silence.status.state).toBe('active');
    expect(silence.matchers).toContainEqual(expect.objectContaining({ name: 'alertname', value: 'AlwaysFiring' }));
    expect((await api.alertById(always.id))?.acknowledged).toBe(true);

    const back = await api.unacknowledge(always.id, author);
    expect(back.acknowledged).toBe(false);
    const expired = await am.get(`silence/${created!.id}`).json<{ status: { state: string } }>();
    expect(expired.status.state).toBe('expired');
  });

  it('a silence ending in the past is refused (400) → UPSTREAM_REJECTED', async () => {
    const always = await firing('AlwaysFiring');
    const error = await failure(api.acknowledge(always.id, { author, comment: 'too late', until: '2000-01-01T00:00:00Z' }));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'prom-real' });
  });

  it('PromQL queries, rules and a refused expression', async () => {
    const up = await until('3 up series', async () => {
      const samples = await api.query('up');
      return samples && samples.length === 3 ? samples : undefined;
    });
    expect(up.find((s) => s.labels['job'] === 'dead-host')?.value).toBe(0);
    const range = await api.queryRange('up', new Date(Date.now() - 60_000), new Date(), 5);
    expect(range!.length).toBeGreaterThan(0);
    expect(((await api.alertRules()) ?? []).map((r) => r.name)).toEqual(expect.arrayContaining(['TargetDown', 'AlwaysFiring']));
    expect((await failure(api.query('sum(up'))).extensions['code']).toBe('UPSTREAM_REJECTED');
  });

  it('nothing listening → UPSTREAM_UNAVAILABLE naming the connector', async () => {
    const dead = prometheusConnector.create(
      'prom-dead',
      config({ alertmanager: { baseUrl: 'http://127.0.0.1:19999', retryLimit: 0, timeoutMs: 2000 } }),
      testDeps('prom-dead'),
    );
    const error = await failure(dead.forRequest(auth).snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'prom-dead' });
  });
});

describe.skipIf(!selected('icinga'))('icinga connector against real Icinga 2 (HTTPS, private CA)', () => {
  const config = (overrides: Record<string, unknown> = {}) =>
    icingaConnector.config.parse({
      baseUrl: ICINGA_URL,
      username: 'gateway',
      password: 'gateway-secret',
      caFile: ICINGA_CA,
      // The certificate names icinga-ci.localdomain; we connect by IP.
      allowHostnameMismatch: true,
      retryLimit: 0,
      timeoutMs: 5000,
      cacheTtlMs: 0,
      ...overrides,
    });
  const instance = icingaConnector.create('icinga-real', config(), testDeps('icinga-real'));
  const api = instance.forRequest(auth);
  // Reads Icinga directly (as root) to check what the connector did.
  const icinga = got.extend({
    prefixUrl: `${ICINGA_URL}/v1/`,
    username: 'root',
    password: 'root-secret',
    headers: { accept: 'application/json' },
    https: { certificateAuthority: readFileSync(ICINGA_CA, 'utf8'), checkServerIdentity: () => undefined },
    responseType: 'json',
  });
  const ackState = async (object: string) =>
    (
      await icinga
        .get(`objects/services/${encodeURIComponent(object)}`, { searchParams: { attrs: 'acknowledgement' } })
        .json<{ results: { attrs: { acknowledgement: number } }[] }>()
    ).results[0]?.attrs.acknowledgement;
  const problem = (id: string) => until(`${id} in Icinga`, async () => (await api.snapshot()).alerts.find((a) => a.id === id));

  beforeAll(async () => {
    // A previous run may have left an acknowledgement: start from none.
    await icinga.post('actions/remove-acknowledgement', { json: { type: 'Service', filter: 'host.name == "web01"' } });
  });

  it('hosts and service problems with their CI ids', async () => {
    await instance.healthCheck();
    const http = await problem('icinga-real:web01!http');
    expect(http).toMatchObject({
      severity: 'CRITICAL',
      acknowledged: false,
      labels: { state: 'CRITICAL' },
      ci: { ciId: 'CI0001', name: 'web01', ip: '127.0.0.1' },
    });
    expect(http.url).toBe('https://127.0.0.1/icingaweb2/monitoring/service/show?host=web01&service=http');
    const db01 = await problem('icinga-real:db01');
    expect(db01).toMatchObject({ severity: 'CRITICAL', labels: { state: 'DOWN' }, ci: { ciId: 'CI0002', ip: '127.0.0.2' } });
    const disk = await problem('icinga-real:web01!disk');
    expect(disk.severity).toBe('WARNING');
    const { watched } = await api.snapshot();
    expect(watched).toEqual(
      expect.arrayContaining([
        {
          name: 'web01',
          ciId: 'CI0001',
          ip: '127.0.0.1',
          link: { tool: 'icinga', url: expect.stringContaining('/monitoring/host/show?host=web01') },
        },
        {
          name: 'db01',
          ciId: 'CI0002',
          ip: '127.0.0.2',
          link: { tool: 'icinga', url: expect.stringContaining('/monitoring/host/show?host=db01') },
        },
      ]),
    );
  });

  it('acknowledge → Icinga shows the acknowledgement → a second one is refused → remove', async () => {
    await problem('icinga-real:web01!http');
    const past = await failure(
      api.acknowledge('icinga-real:web01!http', { author: 'real-tester', comment: 'x', until: '2001-01-01T00:00:00Z' }),
    );
    expect(past.extensions['code']).toBe('UPSTREAM_REJECTED');
    const untilAt = new Date(Date.now() + 3_600_000);
    const acked = await api.acknowledge('icinga-real:web01!http', {
      author: 'real-tester',
      comment: `INC${run}`,
      until: untilAt.toISOString(),
    });
    expect(acked).toMatchObject({ acknowledged: true, acknowledgedBy: 'real-tester' });
    expect(Date.parse(acked.acknowledgedUntil!)).toBe(Math.floor(untilAt.getTime() / 1000) * 1000);
    expect(await ackState('web01!http')).toBe(2);

    const again = await failure(api.acknowledge('icinga-real:web01!http', { author: 'someone-else', comment: 'me too' }));
    expect(again.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'icinga-real' });

    const back = await api.unacknowledge('icinga-real:web01!http', 'real-tester');
    expect(back.acknowledged).toBe(false);
    expect(await ackState('web01!http')).toBe(0);
  });

  it('acknowledging a problem that recovered meanwhile (409) → UPSTREAM_REJECTED, never done', async () => {
    const cached = icingaConnector.create('icinga-cached', config({ cacheTtlMs: 60_000 }), testDeps('icinga-cached')).forRequest(auth);
    await until('web01!disk in the cached snapshot', async () =>
      (await cached.snapshot()).alerts.find((a) => a.id === 'icinga-cached:web01!disk'),
    );
    // A passive OK result recovers the service until the next active check (5 s) makes it WARNING again.
    await icinga.post('actions/process-check-result', {
      json: { type: 'Service', filter: 'host.name == "web01" && service.name == "disk"', exit_status: 0, plugin_output: 'DISK OK' },
    });
    const error = await failure(cached.acknowledge('icinga-cached:web01!disk', { author: 'real-tester', comment: 'too late' }));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connector: 'icinga-cached' });
    expect(await ackState('web01!disk')).toBe(0);
  });

  it('TLS: the private CA is required, and so is the host name unless allowed', async () => {
    const noCa = icingaConnector.create('icinga-noca', config({ caFile: undefined }), testDeps('icinga-noca')).forRequest(auth);
    expect((await failure(noCa.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    const strict = icingaConnector
      .create('icinga-strict', config({ allowHostnameMismatch: false }), testDeps('icinga-strict'))
      .forRequest(auth);
    expect((await failure(strict.snapshot())).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a wrong password → UPSTREAM_AUTH_FAILED', async () => {
    const wrong = icingaConnector
      .create('icinga-wrong', config({ password: 'not-the-password' }), testDeps('icinga-wrong'))
      .forRequest(auth);
    const error = await failure(wrong.snapshot());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'icinga-wrong' });
  });
});

describe.skipIf(!selected('zabbix'))('zabbix connector against real Zabbix 6.0', () => {
  let token = '';
  let tokenId = '';
  let eventId = '';
  let zbx: Awaited<ReturnType<typeof zabbixSession>>;
  const rpc = <T>(method: string, params: unknown) => zbx.rpc<T>(method, params);
  const problemsOfTrigger = (triggerId: string) => zbx.problemsOfTrigger(triggerId);
  const config = (overrides: Record<string, unknown> = {}) =>
    zabbixConnector.config.parse({
      baseUrl: ZABBIX_URL,
      token,
      retryLimit: 0,
      timeoutMs: 10_000,
      cacheTtlMs: 0,
      hostsTtlMs: 0,
      ...overrides,
    });

  beforeAll(async () => {
    zbx = await zabbixSession();
    tokenId = (await rpc<{ tokenids: string[] }>('token.create', { name: `servicegraph-${run}`, userid: '1' })).tokenids[0]!;
    token = (await rpc<{ token: string }[]>('token.generate', [tokenId]))[0]!.token;
    ({ eventId } = await zbx.freshProblem());
  });

  afterAll(async () => {
    if (tokenId) await rpc('token.delete', [tokenId]);
  });

  it('detects 6.0 and reads the trapper problem with its CI hint (token in the auth field)', async () => {
    const instance = zabbixConnector.create('zbx-real', config(), testDeps('zbx-real'));
    await instance.healthCheck();
    const api = instance.forRequest(auth);
    const snapshot = await api.snapshot();
    const alert = snapshot.alerts.find((a) => a.id === `zbx-real:${eventId}`);
    expect(alert).toMatchObject({
      tool: 'zabbix',
      severity: 'MAJOR',
      summary: 'HTTP down on web01',
      acknowledged: false,
      labels: { ci_id: 'CI0001', host: 'web01', severity: 'high', eventid: eventId },
      ci: { ciId: 'CI0001', name: 'web01', ip: '127.0.0.1', fqdn: 'web01.example.test' },
    });
    expect(alert!.url).toMatch(new RegExp(`^${ZABBIX_URL}/tr_events\\.php\\?triggerid=\\d+&eventid=${eventId}$`));
    expect(snapshot.watched).toContainEqual({
      ciId: 'CI0001',
      name: 'web01',
      ip: '127.0.0.1',
      fqdn: 'web01.example.test',
      link: { tool: 'zabbix', url: expect.stringContaining(`${ZABBIX_URL}/zabbix.php?action=problem.view`) },
    });
  });

  it('acknowledge → acknowledged "1" in Zabbix → unacknowledge → "0"', async () => {
    const api: MonitorApi = zabbixConnector.create('zbx-real', config(), testDeps('zbx-real')).forRequest(auth);
    const id = `zbx-real:${eventId}`;
    const acked: Alert = await api.acknowledge(id, { author: 'real-tester', comment: `INC${run}: investigating` });
    expect(acked).toMatchObject({ id, acknowledged: true, acknowledgedBy: 'real-tester' });
    const [problem] = await rpc<{ acknowledged: string; acknowledges: { message: string }[] }[]>('problem.get', {
      eventids: [eventId],
      output: ['acknowledged'],
      selectAcknowledges: 'extend',
    });
    expect(problem?.acknowledged).toBe('1');
    expect(problem?.acknowledges.map((a) => a.message)).toContain(`[real-tester] INC${run}: investigating`);

    const back = await api.unacknowledge(id, 'real-tester');
    expect(back.acknowledged).toBe(false);
    expect((await problemsOfTrigger(String(back.labels['triggerid'])))[0]?.acknowledged).toBe('0');
  });

  it('works with username/password (a session) too', async () => {
    const api = zabbixConnector
      .create('zbx-session', config({ token: undefined, username: 'Admin', password: 'zabbix' }), testDeps('zbx-session'))
      .forRequest(auth);
    expect((await api.snapshot()).alerts.some((a) => a.id === `zbx-session:${eventId}`)).toBe(true);
  });

  it('a wrong token or password → UPSTREAM_AUTH_FAILED; an unknown event → NOT_FOUND', async () => {
    const wrong = zabbixConnector.create('zbx-wrong', config({ token: 'f'.repeat(64) }), testDeps('zbx-wrong')).forRequest(auth);
    expect((await failure(wrong.snapshot())).extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'zbx-wrong' });
    const badPassword = zabbixConnector
      .create('zbx-badpw', config({ token: undefined, username: 'Admin', password: 'wrong' }), testDeps('zbx-badpw'))
      .forRequest(auth);
    expect((await failure(badPassword.snapshot())).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
    const api = zabbixConnector.create('zbx-real', config(), testDeps('zbx-real')).forRequest(auth);
    expect((await failure(api.acknowledge('zbx-real:999999999', { author: 'a', comment: 'c' }))).extensions['code']).toBe('NOT_FOUND');
  });
});
