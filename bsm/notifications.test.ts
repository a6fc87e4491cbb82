import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { silentLogger } from '../kernel/log.js';
import { loadServiceDefinitions, type ServiceDefinitions } from './definitions.js';
import type { Transition } from './history.js';
import { createNotifier, type Notifier, NotificationsSchema, WebhookSchema } from './notifications.js';
import { alert, ci, connectorSet, createTestModel, fakeCmdb, fakeMonitor } from './test-fakes.js';

const definitions = {
  byId: new Map([['payroll', { id: 'payroll', name: 'Payroll' }]]),
  services: [],
  nodeRules: [],
} as unknown as ServiceDefinitions;
const change = (to: Transition['to'], from: Transition['from'] = 'OK', id = 'payroll'): Transition => ({
  id,
  at: new Date('2026-12-02T10:00:00Z'),
  from,
  to,
  inMaintenance: false,
  fromMaintenance: false,
});

const SECRET = 'x'.repeat(16);
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Hit {
  key: string;
  signature: string;
  body: string;
}

/** A webhook receiver on loopback answering the given statuses in turn, then 200. */
async function receiver(statuses: number[] = []) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      hits.push({ key: String(req.headers['idempotency-key']), signature: String(req.headers['x-servicegraph-signature']), body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  /** The deliveries the receiver kept: one per idempotency key, each signed with the secret. */
  const delivered = () =>
    [...new Map(hits.map((h) => [h.key, h])).values()].map((h) => {
      const [, t, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(h.signature) ?? [];
      expect(mac).toBe(createHmac('sha256', SECRET).update(`${t}.${h.body}`).digest('hex'));
      return JSON.parse(h.body).alerts[0];
    });
  return { url, hits, delivered };
}

describe('notifier', () => {
  it('backs off between retries, gives up on a 4xx, never sends a key twice, and filters', async () => {
    const r = await receiver([503, 429, 200, 400]);
    const waits: number[] = [];
    const hook = WebhookSchema.parse({ name: 'noc', url: r.url, secret: SECRET, backoffMs: 100 });
    const n = createNotifier({ webhooks: [hook], definitions, monitors: [], log: silentLogger, sleep: async (ms) => void waits.push(ms) });
    n.recorded([change('CRITICAL'), change('CRITICAL', null), change('CRITICAL', 'OK', 'server123')]);
    await n.idle();
    // One event (a first record and a CI are no change): 503, 429, then delivered; backoff doubles.
    expect(r.hits).toHaveLength(3);
    expect(new Set(r.hits.map((h) => h.key)).size).toBe(1);
    expect(waits).toEqual([100, 200]);
    n.recorded([change('CRITICAL')]); // the same change again (a replayed batch): not sent again
    await n.idle();
    expect(r.hits).toHaveLength(3);
    n.recorded([{ ...change('OK', 'CRITICAL'), at: new Date('2026-12-02T11:00:00Z') }]); // 400: final, no retry
    await n.idle();
    expect(r.hits).toHaveLength(4);
    expect(waits).toEqual([100, 200]);
  });

  it('rejects a KPI band without a bound, a relative bound without a window, and a bad duration', () => {
    const base = { name: 'noc', url: 'http://hooks.invalid/', secret: SECRET };
    const band = { service: 'shop', kpi: 'orders per minute' };
    expect(WebhookSchema.safeParse({ ...base, kpis: [band] }).success).toBe(false);
    expect(WebhookSchema.safeParse({ ...base, kpis: [{ ...band, dropBelowPercent: 50 }] }).success).toBe(false);
    expect(WebhookSchema.safeParse({ ...base, slaAtRiskWithin: '30 minutes' }).success).toBe(false);
    expect(
      WebhookSchema.parse({ ...base, slaAtRiskWithin: '30m', kpis: [{ ...band, dropBelowPercent: 50, window: '15m' }] }),
    ).toMatchObject({
      slaAtRiskWithin: 1_800_000,
      kpis: [{ window: 900_000 }],
    });
  });
});

const T0 = Date.parse('2026-11-27T09:00:00.000Z');
const MIN = 60_000;

/**
 * shop (VALUE_ADD) over web, and back-office (COMMODITY) over db, both with a 99.9 % SLA over 30
 * days: 43.2 minutes of error budget. The clock, the monitor and the evaluations are the test's.
 */
function setup(webhook: Record<string, unknown>, options: { held?: boolean; checkEveryMs?: number } = {}) {
  const estateDir = mkdtempSync(join(tmpdir(), 'sg-notify-'));
  cleanup.push(() => rmSync(estateDir, { recursive: true, force: true }));
  mkdirSync(join(estateDir, 'services'));
  const sla = 'sla: { objective: 99.9, windowDays: 30, exclude: [] }';
  writeFileSync(
    join(estateDir, 'services', 'shop.yaml'),
    `id: shop\nname: Shop\ncriticality: HIGH\nowner: web\nvalueClass: VALUE_ADD\n${sla}\nchildren: [{ ci: web }]\nkpis: [{ name: orders per minute, expression: orders, baseline: 100 }]\n`,
  );
  writeFileSync(
    join(estateDir, 'services', 'back-office.yaml'),
    `id: back-office\nname: Back office\ncriticality: LOW\nowner: ops\n${sla}\nchildren: [{ ci: db }]\n`,
  );
  const monitor = fakeMonitor('m', { watched: [{ name: 'web' }, { name: 'db' }], delayMs: 0 });
  const clock = { now: T0 };
  let notifier: Notifier | undefined;
  const model = createTestModel({
    estateDir,
    connectors: connectorSet({
      monitor: [monitor.instance],
      cmdb: [fakeCmdb('cmdb', { cis: [ci('web'), ci('db')], relations: [] }).instance],
    }),
    cacheMs: 0,
    now: () => new Date(clock.now),
    lease: { held: () => options.held ?? true },
    onEvaluated: (snapshot) => notifier?.evaluated(snapshot, model),
  });
  cleanup.push(() => model.close());
  const hook = WebhookSchema.parse({ name: 'noc', secret: SECRET, backoffMs: 1, ...webhook });
  notifier = createNotifier({
    webhooks: [hook],
    definitions: model.definitions,
    monitors: [{ name: 'm', api: monitor.instance.forRequest({} as never) }],
    log: silentLogger,
    now: () => new Date(clock.now),
    sleep: async () => {},
    ...(options.checkEveryMs ? { checkEveryMs: options.checkEveryMs } : {}),
  });
  const n = notifier;
  /** One evaluation at `minutes` after T0, and every check and delivery it started. */
  const evaluateAt = async (minutes: number) => {
    clock.now = T0 + minutes * MIN;
    await model.snapshot();
    await n.idle();
  };
  const down = (id: string, minutes: number) =>
    alert('m', `${id}-${minutes}`, { name: id }, 'CRITICAL', { startsAt: new Date(T0 + minutes * MIN).toISOString() });
  return { monitor, evaluateAt, down };
}

describe('SLA at risk within a horizon', () => {
  it('fires once per outage across evaluations, also when the first attempt failed, and again after a recovery', async () => {
    const r = await receiver([503]);
    const { monitor, evaluateAt, down } = setup({ url: r.url, slaAtRiskWithin: '30m', statusChanges: false, valueClasses: ['VALUE_ADD'] });
    monitor.state.alerts = [down('web', 0), down('db', 0)];
    await evaluateAt(0); // 43.2 minutes to breach: beyond the horizon
    expect(r.hits).toEqual([]);
    await evaluateAt(14); // 29.2 minutes to breach
    await evaluateAt(15);
    const [first] = r.delivered();
    expect(r.delivered()).toHaveLength(1); // back-office is COMMODITY: filtered out
    expect(r.hits.map((h) => h.key)).toEqual([`slaAtRisk:shop:${T0}`, `slaAtRisk:shop:${T0}`]);
    expect(first).toMatchObject({ status: 'firing', labels: { alertname: 'SlaAtRisk', service: 'shop', severity: 'critical' } });
    expect(first.annotations.summary).toBe('Shop: SLA breaches in 29 minutes if the outage goes on');
    monitor.state.alerts = [];
    await evaluateAt(16); // recovered
    monitor.state.alerts = [down('web', 17)];
    await evaluateAt(17); // a new outage: 27.2 minutes left, at risk at once
    await evaluateAt(18);
    expect(r.delivered().map((a) => a.labels.alertname)).toEqual(['SlaAtRisk', 'SlaAtRisk']);
    expect(r.hits.at(-1)?.key).toBe(`slaAtRisk:shop:${T0 + 17 * MIN}`);
  });

  it('fires nothing on a replica that does not hold the lease', async () => {
    const webhook = { slaAtRiskWithin: '1d', kpis: [{ service: 'shop', kpi: 'orders per minute', min: 50 }] };
    const fired = async (held: boolean) => {
      const r = await receiver();
      const { monitor, evaluateAt, down } = setup({ url: r.url, ...webhook }, { held });
      monitor.state.alerts = [down('web', 0)];
      monitor.state.metrics = { orders: [1] };
      await evaluateAt(0);
      await evaluateAt(20);
      return r.delivered().map((a) => a.labels.alertname);
    };
    expect(await fired(false)).toEqual([]);
    // The same on the lease holder: both triggers fire.
    expect((await fired(true)).sort()).toEqual(['KpiOutOfBand', 'SlaAtRisk']);
  });
});

describe('KPI out of its band', () => {
  const band = { service: 'shop', kpi: 'orders per minute' };

  it('fires once per excursion of an absolute band, also when the first attempt failed', async () => {
    const r = await receiver([503]);
    const { monitor, evaluateAt } = setup({ url: r.url, kpis: [{ ...band, min: 50, max: 500 }] });
    for (const [minute, value] of [
      [0, 100],
      [1, 10], // out: fires (503, then delivered)
      [2, 5], // still out
      [3, 100], // back
      [4, 900], // out again, above
    ] as const) {
      monitor.state.metrics = { orders: [value] };
      await evaluateAt(minute);
    }
    expect(r.hits).toHaveLength(3);
    expect(r.delivered().map((a) => [a.labels.alertname, a.labels.kpi, a.annotations.summary])).toEqual([
      ['KpiOutOfBand', 'orders per minute', 'Shop: orders per minute below min 50'],
      ['KpiOutOfBand', 'orders per minute', 'Shop: orders per minute above max 500'],
    ]);
  });

  it('compares with its value a window ago; a KPI the tool cannot answer never fires, and is not back either', async () => {
    const r = await receiver();
    const { monitor, evaluateAt } = setup({ url: r.url, kpis: [{ ...band, dropBelowPercent: 50, window: '15m' }] });
    monitor.state.metrics = {}; // the tool has no answer: unknown, not 0
    monitor.state.history = {};
    await evaluateAt(0);
    monitor.state.metrics = { orders: [0] }; // a value, but nothing to compare it with: unknown
    await evaluateAt(1);
    expect(r.hits).toEqual([]);
    monitor.state.history = { orders: [200] };
    monitor.state.metrics = { orders: [90] }; // 45 % of 15 minutes ago
    await evaluateAt(2);
    monitor.state.metrics = {};
    await evaluateAt(3); // unknown: the excursion goes on
    monitor.state.metrics = { orders: [80] };
    await evaluateAt(4);
    expect(r.delivered().map((a) => a.annotations.summary)).toEqual(['Shop: orders per minute below 50% of 15 minutes ago']);
  });

  it('takes the README example as written, against the demo estate', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.startsWith('notifications:'));
    const env = (text: string) => text.replace(/\$\{\w+\}/g, SECRET);
    const { webhooks } = NotificationsSchema.parse(parseYaml(env(block ?? '')).notifications);
    expect(webhooks.map((w) => [w.name, w.slaAtRiskWithin, w.kpis.length])).toEqual([
      ['noc', 1_800_000, 0],
      ['business-desk', undefined, 3],
    ]);
    // Every band names a KPI the demo defines (the notifier refuses one that does not).
    const demo = loadServiceDefinitions(join(import.meta.dirname, '..', 'estate', 'demo'));
    expect(() => createNotifier({ webhooks, definitions: demo, monitors: [], log: silentLogger })).not.toThrow();
  });

  it('checks at most once per checkEveryMs of the evaluations’ clock (requests evaluate too)', async () => {
    const r = await receiver();
    const { monitor, evaluateAt } = setup({ url: r.url, kpis: [{ ...band, min: 50 }] }, { checkEveryMs: 5 * MIN });
    monitor.state.metrics = { orders: [100] };
    await evaluateAt(0);
    monitor.state.metrics = { orders: [10] };
    await evaluateAt(1); // within 5 minutes of the last check: not checked
    expect(r.hits).toEqual([]);
    await evaluateAt(5);
    expect(r.delivered()).toHaveLength(1);
  });

  it('refuses a band that names no KPI of the service', () => {
    expect(() => setup({ url: 'http://hooks.invalid/', kpis: [{ ...band, kpi: 'orders', min: 1 }] })).toThrow(
      /service shop has no KPI "orders"/,
    );
  });
});
