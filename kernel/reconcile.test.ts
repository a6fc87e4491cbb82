import { describe, expect, it } from 'vitest';
import { FAKE_NETBOX_V1_TOKEN, startFakeNetBox } from '../connectors/netbox/fake-server.js';
import { netboxConnector } from '../connectors/netbox/index.js';
import { startFakeServiceNow } from '../connectors/servicenow/fake-server.js';
import { servicenowCmdbConnector } from '../connectors/servicenow/index.js';
import type { ConfigurationItem } from './model.js';
import { reconcile, sameCi } from './reconcile.js';
import { fakeForTest, testAuth, testCi, testDeps } from '../connectors/core/test-support.js';

function ci(connector: string, id: string, extra: Partial<ConfigurationItem> = {}): ConfigurationItem {
  return testCi(id, { sourceLinks: [{ tool: connector, connector, id: `${connector}-${id}`, url: null }], ...extra });
}

const ORDER = ['serial', 'fqdn', 'name', 'ip'] as const;

describe('sameCi', () => {
  it('lets the first rule both CIs have decide', () => {
    // Same serial, different names: one machine renamed in one tool.
    expect(sameCi(ci('a', 'srv-a', { serial: 'X1' }), ci('b', 'server-a', { serial: 'x1 ' }), [...ORDER])).toBe(true);
    // Different serials, same name: two machines, whatever their names say.
    expect(sameCi(ci('a', 'web', { serial: 'X1' }), ci('b', 'web', { serial: 'X2' }), [...ORDER])).toBe(false);
    // FQDNs ignore case and a trailing dot.
    expect(sameCi(ci('a', 'h1', { fqdn: 'Web01.corp.' }), ci('b', 'h2', { fqdn: 'web01.corp' }), [...ORDER])).toBe(true);
    // A database on its host's IP: names are compared first, so they stay apart.
    expect(sameCi(ci('a', 'payroll-db', { ip: '10.0.1.23' }), ci('b', 'server123', { ip: '10.0.1.23/24' }), [...ORDER])).toBe(false);
    expect(sameCi(ci('a', 'x', { ip: '10.0.1.23' }), ci('b', 'y', { ip: '10.0.1.23/24' }), ['ip'])).toBe(true);
    // Nothing in common: not the same.
    expect(sameCi(ci('a', 'x', { serial: 'S' }), ci('b', 'x', {}), ['serial'])).toBe(false);
  });
});

describe('reconcile', () => {
  it('merges matching CIs, the first source winning conflicts and later ones filling gaps', () => {
    const snow = ci('snow', 'server123', {
      serial: 'SRV-1',
      class: 'server',
      tags: ['prod'],
      attributes: { location: 'Frankfurt DC1', os: 'Linux' },
    });
    const nb = ci('netbox', 'server-123', {
      serial: 'srv-1',
      class: 'device',
      fqdn: 'server123.corp',
      ip: '10.0.1.23',
      tags: ['prod', 'payroll'],
      attributes: { location: 'FRA1', rack: 'R12' },
    });
    const { cis, ids } = reconcile([
      { connector: 'snow', cis: [snow], relations: [] },
      { connector: 'netbox', cis: [nb], relations: [] },
    ]);
    expect(cis).toHaveLength(1);
    expect(cis[0]).toMatchObject({
      id: 'server123',
      name: 'server123',
      class: 'server',
      serial: 'SRV-1',
      fqdn: 'server123.corp',
      ip: '10.0.1.23',
      tags: ['prod', 'payroll'],
      attributes: { location: 'Frankfurt DC1', os: 'Linux', rack: 'R12' },
    });
    expect(cis[0]!.sourceLinks.map((l) => l.connector)).toEqual(['snow', 'netbox']);
    expect(ids).toEqual({ snow: { server123: 'server123' }, netbox: { 'server-123': 'server123' } });
    // The inputs are not changed.
    expect(snow.sourceLinks).toHaveLength(1);
  });

  it('re-points relations to merged ids, deduplicates them and drops self-loops and unknown ends', () => {
    const { relations } = reconcile([
      {
        connector: 'snow',
        cis: [ci('snow', 'app'), ci('snow', 'web01', { fqdn: 'web01.corp' })],
        relations: [
          { parentId: 'app', childId: 'web01', type: 'RUNS_ON' },
          { parentId: 'app', childId: 'ghost', type: 'DEPENDS_ON' },
        ],
      },
      {
        connector: 'netbox',
        cis: [
          ci('netbox', 'nginx'),
          ci('netbox', 'web01.corp.example', { fqdn: 'WEB01.corp' }),
          ci('netbox', 'web01-alias', { fqdn: 'web01.corp' }),
        ],
        relations: [
          { parentId: 'nginx', childId: 'web01.corp.example', type: 'RUNS_ON' },
          { parentId: 'nginx', childId: 'web01.corp.example', type: 'RUNS_ON' },
          { parentId: 'web01-alias', childId: 'web01.corp.example', type: 'DEPENDS_ON' },
        ],
      },
    ]);
    expect(relations).toEqual([
      { parentId: 'app', childId: 'web01', type: 'RUNS_ON' },
      { parentId: 'nginx', childId: 'web01', type: 'RUNS_ON' },
      // web01-alias cannot join web01 (already holds a NetBox CI): it stays a CI of its own.
      { parentId: 'web01-alias', childId: 'web01', type: 'DEPENDS_ON' },
    ]);
  });

  it('keeps one CI per source in a merged CI and renames colliding ids', () => {
    const { cis, ids } = reconcile([
      { connector: 'snow', cis: [ci('snow', 'web', { serial: 'A' })], relations: [] },
      { connector: 'netbox', cis: [ci('netbox', 'web', { serial: 'B' }), ci('netbox', 'web2', { serial: 'a' })], relations: [] },
    ]);
    expect(cis.map((c) => c.id)).toEqual(['web', 'netbox/web']);
    expect(ids['netbox']).toEqual({ web: 'netbox/web', web2: 'web' });
  });

  it('follows a custom rule order', () => {
    const sources = [
      { connector: 'a', cis: [ci('a', 'x', { ip: '10.0.0.1', serial: 'S1' })], relations: [] },
      { connector: 'b', cis: [ci('b', 'y', { ip: '10.0.0.1', serial: 'S2' })], relations: [] },
    ];
    expect(reconcile(sources).cis).toHaveLength(2);
    expect(reconcile(sources, { order: ['ip', 'serial'] }).cis).toHaveLength(1);
  });

  it('reconciles ServiceNow and NetBox read through their connectors', async ({ onTestFinished }) => {
    const snowFake = await fakeForTest(onTestFinished, startFakeServiceNow({ username: 'u', password: 'p' }));
    const netboxFake = await fakeForTest(onTestFinished, startFakeNetBox());
    const snow = servicenowCmdbConnector
      .create(
        'snow',
        servicenowCmdbConnector.config.parse({ baseUrl: snowFake.url, username: 'u', password: 'p', retryLimit: 0 }),
        testDeps('snow'),
      )
      .forRequest(testAuth());
    const netbox = netboxConnector
      .create(
        'netbox',
        netboxConnector.config.parse({ baseUrl: netboxFake.url, token: FAKE_NETBOX_V1_TOKEN, retryLimit: 0 }),
        testDeps('netbox'),
      )
      .forRequest(testAuth());
    const sources = await Promise.all(
      [
        ['snow', snow],
        ['netbox', netbox],
      ].map(async ([connector, api]) => {
        const cmdb = api as typeof snow;
        return { connector: connector as string, cis: (await cmdb.snapshot()).cis, relations: (await cmdb.snapshot()).relations };
      }),
    );
    const { cis, relations } = reconcile(sources);
    const byId = new Map(cis.map((c) => [c.id, c]));

    // Matched by serial number.
    const server = byId.get('server123')!;
    expect(server.sourceLinks.map((l) => l.tool)).toEqual(['servicenow', 'netbox']);
    expect(server.attributes).toMatchObject({
      sys_class_name: 'cmdb_ci_linux_server',
      role: 'Server',
      device_type: 'ProLiant DL380 Gen10',
    });
    expect(server.tags).toEqual(['payroll', 'prod']);
    // Matched by FQDN (VMs have no serial).
    expect(byId.get('payroll-app-vm01')!.sourceLinks).toHaveLength(2);
    // Only in NetBox / only in ServiceNow.
    expect(byId.get('esx01')!.sourceLinks.map((l) => l.tool)).toEqual(['netbox']);
    expect(byId.get('payroll-app')!.sourceLinks.map((l) => l.tool)).toEqual(['servicenow']);
    // Matched by name (no serial, no FQDN on either side).
    expect(byId.get('esx-cluster01')!.sourceLinks).toHaveLength(2);
    expect(cis).toHaveLength(new Set(cis.map((c) => c.id)).size);

    // Relations from both tools, on merged ids: ServiceNow's app → VM, NetBox's VM → host.
    expect(relations).toContainEqual({ parentId: 'payroll-app', childId: 'payroll-app-vm01', type: 'RUNS_ON' });
    expect(relations).toContainEqual({ parentId: 'payroll-app-vm01', childId: 'esx01', type: 'RUNS_ON' });
    // Both tools say esx-cluster01 has shop-vm01 as a member: one relation.
    expect(relations.filter((r) => r.parentId === 'esx-cluster01' && r.childId === 'shop-vm01')).toHaveLength(1);
  });
});
