import { describe, expect, it } from 'vitest';
import { codeOf, fakeForTest, testAuth, testDeps, type OnTestFinished } from '../core/test-support.js';
import { tokenAuth } from './client.js';
import { FAKE_NETBOX_V1_TOKEN, FAKE_NETBOX_V2_TOKEN, startFakeNetBox, type FakeNetBox, type FakeNetBoxOptions } from './fake-server.js';
import { netboxConnector } from './index.js';

const fake = (onTestFinished: OnTestFinished, options: FakeNetBoxOptions = {}) => fakeForTest(onTestFinished, startFakeNetBox(options));

function netbox(f: FakeNetBox, extra: Record<string, unknown> = {}) {
  const config = netboxConnector.config.parse({ baseUrl: f.url, token: FAKE_NETBOX_V1_TOKEN, retryLimit: 0, timeoutMs: 2000, ...extra });
  return netboxConnector.create('netbox', config, testDeps('netbox')).forRequest(testAuth());
}

describe('netbox auth', () => {
  it('picks the header from the token shape unless told', () => {
    expect(tokenAuth({ token: FAKE_NETBOX_V1_TOKEN })).toEqual({ kind: 'scheme', scheme: 'Token', token: FAKE_NETBOX_V1_TOKEN });
    expect(tokenAuth({ token: FAKE_NETBOX_V2_TOKEN })).toEqual({ kind: 'bearer', token: FAKE_NETBOX_V2_TOKEN });
    expect(tokenAuth({ token: 'x', tokenVersion: 'v2' })).toEqual({ kind: 'bearer', token: 'x' });
  });

  it('reads with a v2 token; a wrong or missing token is UPSTREAM_AUTH_FAILED', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    expect((await netbox(f, { token: FAKE_NETBOX_V2_TOKEN }).snapshot()).cis.length).toBeGreaterThan(0);
    expect(await codeOf(netbox(f, { token: 'f'.repeat(40) }).snapshot())).toBe('UPSTREAM_AUTH_FAILED');
    expect(await codeOf(netbox(f, { token: 'nbt_wrong.secret' }).snapshot())).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('answers like NetBox: 403 bodies and a redirect without the trailing slash', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const none = await fetch(`${f.url}/api/dcim/devices/`);
    expect(none.status).toBe(403);
    expect(await none.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const bad = await fetch(`${f.url}/api/dcim/devices/`, { headers: { authorization: `Token ${'0'.repeat(40)}` } });
    expect(await bad.json()).toEqual({ detail: 'Invalid v1 token' });
    const slashless = await fetch(`${f.url}/api/dcim/devices?limit=1`, {
      headers: { authorization: `Token ${FAKE_NETBOX_V1_TOKEN}` },
      redirect: 'manual',
    });
    expect(slashless.status).toBe(301);
    expect(slashless.headers.get('location')).toBe('/api/dcim/devices/?limit=1');
  });
});

describe('netbox health', () => {
  it('checks with one brief read and reports a rejected token', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const create = (token: string) =>
      netboxConnector.create('netbox', netboxConnector.config.parse({ baseUrl: f.url, token, retryLimit: 0 }), testDeps('netbox'));
    await expect(create(FAKE_NETBOX_V1_TOKEN).healthCheck()).resolves.toBeUndefined();
    expect(await codeOf(create('0'.repeat(40)).healthCheck())).toBe('UPSTREAM_AUTH_FAILED');
    expect(f.requests[0]).toBe('GET /api/dcim/devices/?limit=1&brief=1');
  });
});

describe('netbox paging', () => {
  it('follows next to the end, asking our own address even when NetBox names another', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished, { publicOrigin: 'http://netbox.behind-proxy.invalid' });
    const { cis } = await netbox(f, { pageSize: 4, includeServices: false }).snapshot();
    expect(cis.filter((ci) => ci.sourceLinks[0]!.url!.includes('/dcim/devices/'))).toHaveLength(16);
    const deviceOffsets = f.requests
      .filter((r) => r.startsWith('GET /api/dcim/devices/'))
      .map((r) => new URL(r.slice(4), 'http://x').searchParams.get('offset'));
    expect(deviceOffsets).toEqual(['0', '4', '8', '12']);
    expect(f.requests.some((r) => r.includes('/ipam/services/'))).toBe(false);
  });

  it('stops at maxRecords', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const { cis } = await netbox(f, { pageSize: 3, maxRecords: 5 }).snapshot();
    expect(cis.filter((ci) => ci.sourceLinks[0]!.url!.includes('/dcim/devices/'))).toHaveLength(5);
  });
});

describe('netbox mapping', () => {
  it('maps devices, VMs, clusters, addresses and services into CIs and relations', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    const api = netbox(f, { uiUrl: 'https://netbox.example.invalid', roleClassMap: { pdu: 'power' } });
    const cis = (await api.snapshot()).cis;
    const byId = new Map(cis.map((ci) => [ci.id, ci]));
    expect(byId.get('server123')).toMatchObject({
      name: 'server123',
      class: 'server',
      ip: '10.0.1.23',
      fqdn: 'server123.corp.example.com',
      serial: 'SRV-123-XK9',
      tags: ['payroll', 'prod'],
      attributes: { status: 'Active', role: 'Server', site: 'Frankfurt DC1', device_type: 'ProLiant DL380 Gen10' },
      sourceLinks: [{ tool: 'netbox', connector: 'netbox', id: '1', url: 'https://netbox.example.invalid/dcim/devices/1/' }],
    });
    // The primary address wins over a secondary one; a device without a DNS name has no FQDN.
    expect(byId.get('server124')).toMatchObject({ ip: '10.0.1.24' });
    // custom_fields.monthly_cost: a number (integer or decimal); null or unset is unknown, not 0.
    expect([byId.get('server123')!.monthlyCost, byId.get('server124')!.monthlyCost, byId.get('web01')!.monthlyCost]).toEqual([
      450,
      320.5,
      null,
    ]);
    expect(byId.get('payroll-app-vm01')!.monthlyCost).toBeNull();
    expect(byId.get('web02')).toMatchObject({ ip: '10.0.2.12', fqdn: null });
    expect(byId.get('core-switch01')!.class).toBe('network');
    expect(byId.get('pdu-fra1-a')!.class).toBe('power');
    expect(byId.get('spare-srv01')).toMatchObject({ ip: null, attributes: { status: 'Offline' } });
    expect(byId.get('netbox-device-16')).toMatchObject({ name: 'netbox-device-16', serial: 'SRV-NONAME-1' });
    expect(byId.get('payroll-app-vm01')).toMatchObject({
      class: 'vm',
      ip: '10.0.1.101',
      attributes: { cluster: 'esx-cluster01', vcpus: '4' },
    });
    expect(byId.get('payroll-app-vm01')!.sourceLinks[0]!.url).toBe('https://netbox.example.invalid/virtualization/virtual-machines/101/');
    expect(byId.get('esx-cluster01')).toMatchObject({ class: 'cluster', attributes: { type: 'VMware vSphere', site: 'Frankfurt DC1' } });
    expect(byId.get('web01/nginx')).toMatchObject({
      name: 'web01/nginx',
      class: 'application',
      attributes: { service: 'nginx', protocol: 'TCP', ports: '443,80', host: 'web01' },
    });
    expect(byId.get('payroll-app-vm01/payroll-app')!.class).toBe('application');

    const relations = (await api.snapshot()).relations;
    expect(relations).toContainEqual({ parentId: 'esx-cluster01', childId: 'payroll-app-vm01', type: 'MEMBER_OF' });
    expect(relations).toContainEqual({ parentId: 'esx-cluster01', childId: 'esx01', type: 'MEMBER_OF' });
    expect(relations).toContainEqual({ parentId: 'payroll-app-vm01', childId: 'esx01', type: 'RUNS_ON' });
    expect(relations).toContainEqual({ parentId: 'web01/nginx', childId: 'web01', type: 'RUNS_ON' });
    expect(relations).toContainEqual({ parentId: 'payroll-app-vm02/payroll-app', childId: 'payroll-app-vm02', type: 'RUNS_ON' });
    expect(relations).toHaveLength(17);

    // Five lists, read once, then served from cache.
    expect(f.requests).toHaveLength(5);
    expect((await api.snapshot()).cis.find((c) => c.id === 'trade-srv02') ?? null).not.toBeNull();
    expect(f.requests).toHaveLength(5);
  });

  it('rejects a page that is not a NetBox page as UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
    const f = await fake(onTestFinished);
    f.setFailures([{ status: 200, body: '{"devices":[]}' }]);
    expect(await codeOf(netbox(f).snapshot())).toBe('UPSTREAM_UNAVAILABLE');
  });
});
