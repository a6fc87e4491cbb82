import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startStack, type Stack } from '../harness.js';
import { AM_URL, ICINGA_CA, ICINGA_URL, MEDIAWIKI_URL, PROM_URL, RT_URL, until, ZABBIX_URL, zabbixSession } from './support.js';

/**
 * The whole gateway over the real tools at once: Prometheus + Alertmanager, Icinga 2 and Zabbix 6.0
 * as monitors, Request Tracker 5 as the help desk, MediaWiki as the knowledge base, and the builtin
 * CMDB with the CIs those tools watch (test/estates/real). Correlation, deep links, acknowledge in
 * the tool that raised the alert, tickets and articles, all through GraphQL; and, last, no false OK
 * while Alertmanager and Prometheus restart.
 */
const SLOW = 120_000;
const ICINGA_UI = 'https://icinga.example.test/icingaweb2';

describe('the gateway over the real tools', () => {
  let stack: Stack;
  let operator: string;
  let zbx: Awaited<ReturnType<typeof zabbixSession>>;
  let zabbixEvent = '';
  const icinga = got.extend({
    prefixUrl: `${ICINGA_URL}/v1/`,
    username: 'root',
    password: 'root-secret',
    https: { rejectUnauthorized: false },
    headers: { accept: 'application/json' },
    responseType: 'json',
  });

  type AlertRow = {
    id: string;
    severity: string;
    acknowledged: boolean;
    source: { tool: string; url: string | null };
    ci: { id: string } | null;
    summary: string;
  };
  const alerts = async () => {
    const { body } = await stack.gql(`{ alerts(first: 500) { id severity acknowledged summary source { tool url } ci { id } } }`, {
      token: operator,
    });
    return ((body.data as { alerts: AlertRow[] } | null)?.alerts ?? []) as AlertRow[];
  };

  beforeAll(async () => {
    // A previous run that stopped half-way may have left acknowledgements: start from none.
    await icinga.post('actions/remove-acknowledgement', { json: { type: 'Host', filter: 'host.name == "db01"' } });
    const silences = await got.get(`${AM_URL}/api/v2/silences`).json<{ id: string; createdBy: string; status: { state: string } }[]>();
    for (const s of silences.filter((x) => x.createdBy === 'olga' && x.status.state === 'active'))
      await got.delete(`${AM_URL}/api/v2/silence/${s.id}`);
    zbx = await zabbixSession();
    ({ eventId: zabbixEvent } = await zbx.freshProblem());
    const fast = 'timeoutMs: 10000, retryLimit: 0';
    // An open circuit would answer "did not answer" (stale) for 30 s after each restart and hide the
    // moments the restart test is about: Alertmanager back with no alerts, Prometheus back with nothing scraped.
    const noBreaker = 'breakerThreshold: 1000000';
    stack = await startStack({
      // As long as one attempt may take: real tools on a loaded machine answer in seconds.
      extra: 'requestDeadlineMs: 10000',
      estateDir: join(ROOT, 'test/estates/real'),
      env: { ICINGA_PASSWORD: 'gateway-secret', ZABBIX_PASSWORD: 'zabbix', RT_PASSWORD: 'password' },
      connectors: `
  - { name: prom, type: prometheus, prometheus: { baseUrl: "${PROM_URL}", ${fast}, ${noBreaker} }, alertmanager: { baseUrl: "${AM_URL}", ${fast}, ${noBreaker} }, cacheTtlMs: 0, targetsTtlMs: 0 }
  - { name: icinga, type: icinga, baseUrl: "${ICINGA_URL}", uiUrl: "${ICINGA_UI}", username: gateway, password: "\${ICINGA_PASSWORD}", caFile: "${ICINGA_CA}", allowHostnameMismatch: true, cacheTtlMs: 0, ${fast} }
  - { name: zbx, type: zabbix, baseUrl: "${ZABBIX_URL}", username: Admin, password: "\${ZABBIX_PASSWORD}", cacheTtlMs: 0, hostsTtlMs: 0, ${fast} }
  - { name: cmdb, type: builtin-cmdb }
  - { name: rt, type: rt, baseUrl: "${RT_URL}", username: root, password: "\${RT_PASSWORD}", queues: [General], customFields: { ci: CI, service: Service, correlationId: SG-Correlation }, cacheTtlMs: 0, ${fast} }
  - { name: wiki, type: mediawiki, baseUrl: "${MEDIAWIKI_URL}", ${fast} }`,
    });
    operator = await stack.token('operator', { sub: 'olga' });
  }, SLOW);
  afterAll(() => stack?.close());

  it(
    'maps every monitor’s alerts to CIs, with deep links into each tool',
    async () => {
      const find = (list: AlertRow[], tool: string, ci: string) => list.find((a) => a.source.tool === tool && a.ci?.id === ci);
      // The tools raise these on their own schedule (rule evaluation, check intervals): wait for all of them.
      const all = await until(
        'the expected alerts from all three monitors',
        async () => {
          const list = await alerts();
          const expected = [
            find(list, 'alertmanager', 'CI0009'),
            find(list, 'alertmanager', 'CI0001'),
            find(list, 'icinga', 'CI0002'),
            find(list, 'icinga', 'CI0001'),
          ];
          return expected.every(Boolean) && list.some((a) => a.id === `zbx:${zabbixEvent}`) ? list : null;
        },
        SLOW,
      );
      const on = (tool: string, ci: string) => find(all, tool, ci);
      expect(on('alertmanager', 'CI0009')).toMatchObject({ severity: 'CRITICAL' }); // TargetDown, by its ci_id label
      expect(on('alertmanager', 'CI0001')).toBeDefined(); // AlwaysFiring, by its ci label (a host name)
      expect(on('icinga', 'CI0002')).toMatchObject({ severity: 'CRITICAL' }); // db01 DOWN, by vars.ci_id
      expect(on('icinga', 'CI0001')).toBeDefined(); // web01!http, by the host's vars.ci_id
      expect(all.find((a) => a.id === `zbx:${zabbixEvent}`)?.ci?.id).toBe('CI0001'); // by the ci_id tag
      expect(on('alertmanager', 'CI0009')!.source.url).toContain(AM_URL);
      expect(on('icinga', 'CI0002')!.source.url).toContain(ICINGA_UI);
      expect(all.find((a) => a.id === `zbx:${zabbixEvent}`)!.source.url).toContain(ZABBIX_URL);

      // And each CI links into every monitor that watches it.
      const { body } = await stack.gql(`{ configurationItem(id: "CI0001") { monitorLinks { tool url } } }`, { token: operator });
      const links = (body.data as any).configurationItem.monitorLinks as { tool: string; url: string }[];
      expect(links.find((l) => l.tool === 'icinga')?.url).toBe(`${ICINGA_UI}/monitoring/host/show?host=web01`);
      expect(links.find((l) => l.tool === 'zabbix')?.url).toContain(`${ZABBIX_URL}/zabbix.php?action=problem.view`);
      expect(links.find((l) => l.tool === 'prometheus')?.url).toContain(`${PROM_URL}/graph?g0.expr=`);
    },
    SLOW,
  );

  it('lists Prometheus’s alerting rules through the gateway', async () => {
    const { body } = await stack.gql(`{ alertRules { name state source { tool url } } }`, { token: operator });
    expect(body.errors).toBeUndefined();
    const rules = (body.data as any).alertRules as { name: string; state: string; source: { tool: string; url: string } }[];
    expect(rules.find((r) => r.name === 'TargetDown')).toMatchObject({ state: 'firing', source: { tool: 'prometheus' } });
    expect(rules.find((r) => r.name === 'AlwaysFiring')?.source.url).toContain(`${PROM_URL}/graph?g0.expr=`);
  });

  it('rolls the three monitors up into the service, with root causes', async () => {
    // The service model shares one evaluation for a few seconds: poll until it has seen TargetDown.
    const service = await until(
      'CI0009 among the root causes',
      async () => {
        const { body } = await stack.gql(`{ service(id: "webapp") { status rootCauses { ci { id } pathText } } }`, { token: operator });
        expect(body.errors).toBeUndefined();
        const found = (body.data as any).service;
        return found.rootCauses.some((c: any) => c.ci.id === 'CI0009') ? found : null;
      },
      30_000,
    );
    expect(service.status).toBe('CRITICAL');
    // db01 DOWN (Icinga), web01's HTTP CRITICAL (Icinga) and the dead scrape target (Prometheus).
    expect(service.rootCauses.map((c: any) => c.ci.id).sort()).toEqual(['CI0001', 'CI0002', 'CI0009']);
  }, 60_000);

  it(
    'acknowledges in Icinga, Alertmanager and Zabbix through the gateway, and takes it back',
    async () => {
      const list = await alerts();
      const targets = [
        list.find((a) => a.source.tool === 'icinga' && a.ci?.id === 'CI0002' && !a.acknowledged)!,
        list.find((a) => a.source.tool === 'alertmanager' && a.ci?.id === 'CI0009' && !a.acknowledged)!,
        list.find((a) => a.id === `zbx:${zabbixEvent}`)!,
      ];
      for (const alert of targets) {
        const { body } = await stack.gql(
          `mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "on it (gateway test)") { acknowledged acknowledgedBy } }`,
          {
            token: operator,
            variables: { id: alert.id },
          },
        );
        expect(body.errors, alert.id).toBeUndefined();
        expect((body.data as any).acknowledgeAlert).toMatchObject({ acknowledged: true, acknowledgedBy: 'olga' });
      }
      // Each tool shows it in its own API.
      const host = await icinga
        .get('objects/hosts/db01?attrs=acknowledgement')
        .json<{ results: { attrs: { acknowledgement: number } }[] }>();
      expect(host.results[0]!.attrs.acknowledgement).toBeGreaterThan(0);
      const silences = await got
        .get(`${AM_URL}/api/v2/silences`)
        .json<{ createdBy: string; comment: string; status: { state: string } }[]>();
      expect(silences.some((s) => s.createdBy === 'olga' && s.status.state === 'active')).toBe(true);
      const [problem] = await zbx.rpc<{ acknowledged: string }[]>('problem.get', { eventids: [zabbixEvent], output: ['acknowledged'] });
      expect(problem!.acknowledged).toBe('1');

      for (const alert of targets) {
        const { body } = await stack.gql(`mutation($id: ID!) { unacknowledgeAlert(id: $id) { acknowledged } }`, {
          token: operator,
          variables: { id: alert.id },
        });
        expect(body.errors, alert.id).toBeUndefined();
        expect((body.data as any).unacknowledgeAlert.acknowledged).toBe(false);
      }
      const after = await icinga
        .get('objects/hosts/db01?attrs=acknowledgement')
        .json<{ results: { attrs: { acknowledgement: number } }[] }>();
      expect(after.results[0]!.attrs.acknowledgement).toBe(0);
      const expired = await got.get(`${AM_URL}/api/v2/silences`).json<{ createdBy: string; status: { state: string } }[]>();
      expect(expired.filter((s) => s.createdBy === 'olga').every((s) => s.status.state === 'expired')).toBe(true);
    },
    SLOW,
  );

  it(
    'opens a ticket in Request Tracker on a CI, sees it on the service, and suggests MediaWiki runbooks',
    async () => {
      const title = 'HTTP connection refused on web01';
      const { body } = await stack.gql(
        `mutation($t: String!) { createIncident(input: { title: $t, description: "web01 refuses HTTP", ciId: "CI0001", connector: "rt" }) { id number url ci { id } } }`,
        { token: operator, variables: { t: title } },
      );
      expect(body.errors).toBeUndefined();
      const incident = (body.data as any).createIncident;
      expect(incident.url).toContain(RT_URL);
      const ticket = await got
        .get(`${RT_URL}/REST/2.0/ticket/${incident.id.split(':')[1]}`, { username: 'root', password: 'password' })
        .json<{ Subject: string }>();
      expect(ticket.Subject).toContain('HTTP connection refused on web01');

      const view = await stack.gql(
        `query($id: ID!) { incident(id: $id) { ci { id } service { id } suggestedArticles(first: 5) { title source url } } }`,
        { token: operator, variables: { id: incident.id } },
      );
      expect(view.body.errors).toBeUndefined();
      const seen = (view.body.data as any).incident;
      expect(seen.ci.id).toBe('CI0001');
      expect(seen.service.id).toBe('webapp');
      expect(seen.suggestedArticles.some((a: any) => a.source === 'mediawiki' && a.url?.startsWith(MEDIAWIKI_URL))).toBe(true);
    },
    SLOW,
  );

  /**
   * Health you can trust while the monitor restarts (scripts/real-tools.sh restart: SIGTERM, state on
   * disk kept). Alertmanager comes back knowing no alert until Prometheus resends; Prometheus comes
   * back having scraped and evaluated nothing. Through the gateway, continuously: pay01 (CI0010, its
   * target up while PaymentsFailing names it), dead-host (CI0009, its target down, TargetDown) and
   * the Payments service over pay01 must never read OK, and the history must record no OK for them.
   * Last in the file, and it waits for both servers to know every alert again before it ends.
   */
  it('never says OK for a failing host while Alertmanager and Prometheus restart, and records no OK transition', async () => {
    const script = fileURLToPath(new URL('../../scripts/real-tools.sh', import.meta.url));
    const restart = (tool: string) => promisify(execFile)('bash', [script, 'restart'], { env: { ...process.env, REAL_TOOLS: tool } });
    const firing = async (url: string, pick: (body: any) => { labels: Record<string, string> }[]) => {
      try {
        const names = pick(await got.get(url, { timeout: { request: 2000 }, retry: { limit: 0 } }).json()).map(
          (a) => a.labels['alertname'],
        );
        return names.includes('PaymentsFailing') && names.includes('TargetDown');
      } catch {
        return false; // restarting
      }
    };
    const bothServersFire = async () =>
      (await firing(`${AM_URL}/api/v2/alerts?active=true&silenced=true&inhibited=true`, (body) => body)) &&
      (await firing(`${PROM_URL}/api/v1/alerts`, (body) => body.data.alerts.filter((a: any) => a.state === 'firing')));
    type Sample = { at: number; pay: string; dead: string; payments: string; why: string; errors: string[] };
    const sample = async (): Promise<Sample> => {
      const at = Date.now();
      const { body } = await stack.gql(
        `{ pay: configurationItem(id: "CI0010") { status explanation { text } } dead: configurationItem(id: "CI0009") { status }
           payments: service(id: "payments") { status } }`,
        { token: operator },
      );
      const d = body.data as any;
      return {
        at,
        pay: d?.pay?.status ?? 'ERROR',
        dead: d?.dead?.status ?? 'ERROR',
        payments: d?.payments?.status ?? 'ERROR',
        why: d?.pay?.explanation?.text ?? '',
        errors: [...new Set((body.errors ?? []).map((e) => `${e.extensions?.['code']}: ${e.message}`))],
      };
    };
    await until('PaymentsFailing and TargetDown in both servers and through the gateway', async () => {
      const s = await sample();
      return (await bothServersFire()) && s.pay === 'CRITICAL' && s.dead === 'CRITICAL';
    });
    const from = new Date().toISOString();

    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await sample());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    /** From each restart until both servers know every alert again: the moments a false OK would show. */
    const windows: { tool: string; from: number; to: number }[] = [];
    const restartAndWait = async (tool: string) => {
      const started = Date.now();
      await restart(tool);
      await until(`both servers to fire both alerts after restarting ${tool}`, bothServersFire, 90_000);
      windows.push({ tool, from: started, to: Date.now() });
    };
    try {
      await restartAndWait('alertmanager');
      await restartAndWait('prometheus');
      await until('pay01 CRITICAL through the gateway again', async () => (await sample()).pay === 'CRITICAL', 90_000);
    } finally {
      sampling = false;
      await sampler;
    }

    const falseOk = samples.filter((s) => s.pay === 'OK' || s.dead === 'OK' || s.payments === 'OK');
    expect(falseOk.slice(0, 3)).toEqual([]);
    const words = (s: Sample) => `${s.pay}: ${s.why}${s.errors.length ? ` [${s.errors.join('; ')}]` : ''}`.replace(/ \(as of [^)]*\)/g, '');
    const seen = [...new Set(samples.map(words))];
    const spans = windows.map((w) => `${w.tool} ${w.to - w.from} ms`).join(', ');
    console.log(`restart samples through the gateway: ${samples.length} (${spans}); pay01 read as:\n  ${seen.join('\n  ')}`);
    // The restarts were sampled, not slept through: answers were given while each server was restarting.
    for (const w of windows) expect(samples.filter((s) => s.at >= w.from && s.at <= w.to).length, w.tool).toBeGreaterThan(0);

    const { body } = await stack.gql(
      `query($from: DateTime!) { pay: configurationItem(id: "CI0010") { statusHistory(from: $from) { to } }
         dead: configurationItem(id: "CI0009") { statusHistory(from: $from) { to } }
         payments: service(id: "payments") { statusHistory(from: $from) { to } } }`,
      { token: operator, variables: { from } },
    );
    expect(body.errors).toBeUndefined();
    const recorded = body.data as Record<string, { statusHistory: { to: string }[] }>;
    for (const [node, { statusHistory }] of Object.entries(recorded)) {
      expect(
        statusHistory.filter((c) => c.to === 'OK'),
        node,
      ).toEqual([]);
    }
  }, 300_000);
});
