import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceDefinitions } from './definitions.js';
import { byConsumerGroup, showback } from './showback.js';
import { buildServiceTopology } from './service-topology.js';
import { ci } from './test-fakes.js';
import { silentLogger } from '../kernel/log.js';
import type { ConfigurationItem, Relation } from '../kernel/model.js';

const demo = () => loadServiceDefinitions(join(import.meta.dirname, '..', 'estate', 'demo'), new Date('2026-11-27T10:00:00Z'));

describe('showback', () => {
  it('allocates the demo’s shared services as computed by hand', () => {
    const rows = new Map(showback(demo()).map((s) => [s.serviceId, s]));
    // identity 20000 by declared costShare (email 2, payroll 1, trading 1, vdi 1): 8000, 4000, 4000, 4000.
    // network 49200 by the users of its parents (email 1500, trading 80, vdi 340, webshop 3000): 10 per user.
    // email 15000 + 8000 + 15000 = 38000, all passed on to payroll, its only parent.
    expect(rows.get('identity')).toMatchObject({
      ownCost: 20000,
      allocatedCost: 0,
      totalCost: 20000,
      allocatedOnward: 20000,
      byConsumerGroup: [],
    });
    expect(rows.get('network')).toMatchObject({ ownCost: 49200, totalCost: 49200, allocatedOnward: 49200 });
    expect(rows.get('email')).toMatchObject({ ownCost: 15000, allocatedCost: 23000, totalCost: 38000, allocatedOnward: 38000 });
    expect(rows.get('payroll')).toMatchObject({
      ownCost: 25000,
      allocatedCost: 42000,
      totalCost: 67000,
      allocatedOnward: 0,
      byConsumerGroup: [
        { group: 'all-staff', cost: 33500 },
        { group: 'hr', cost: 33500 },
      ],
    });
    expect(rows.get('trading')).toMatchObject({
      allocatedCost: 4800,
      totalCost: 64800,
      byConsumerGroup: [{ group: 'traders', cost: 64800 }],
    });
    expect(rows.get('vdi')).toMatchObject({ allocatedCost: 7400, totalCost: 25400 });
    expect(rows.get('webshop')).toMatchObject({ allocatedCost: 30000, totalCost: 70000 });
    // Every cost ends at exactly one group.
    expect(byConsumerGroup([...rows.values()])).toEqual([
      { group: 'traders', cost: 64800 },
      { group: 'all-staff', cost: 58900 },
      { group: 'customers', cost: 35000 },
      { group: 'marketing', cost: 35000 },
      { group: 'hr', cost: 33500 },
    ]);
  });

  it('splits equally when no parent has users or a share, and charges the owner of what nobody consumes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-showback-'));
    mkdirSync(join(dir, 'services'));
    const service = (id: string, extra: string) =>
      writeFileSync(join(dir, 'services', `${id}.yaml`), `id: ${id}\nname: ${id}\ncriticality: LOW\nowner: ${id}-team\n${extra}`);
    service('shared', 'monthlyCost: 900\n');
    service('a', 'monthlyCost: 100\nchildren: [{ service: shared }]\n');
    service('b', 'consumers: [sales]\nchildren: [{ service: shared }]\n');
    const rows = new Map(showback(loadServiceDefinitions(dir)).map((s) => [s.serviceId, s]));
    expect(rows.get('a')).toMatchObject({ totalCost: 550, byConsumerGroup: [{ group: 'a-team', cost: 550 }] });
    expect(rows.get('b')).toMatchObject({ totalCost: 450, byConsumerGroup: [{ group: 'sales', cost: 450 }] });
  });

  it('refuses a costShare on a CI edge', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-showback-'));
    mkdirSync(join(dir, 'services'));
    writeFileSync(join(dir, 'services', 'a.yaml'), 'id: a\nname: a\ncriticality: LOW\nowner: t\nchildren: [{ ci: x, costShare: 1 }]\n');
    expect(() => loadServiceDefinitions(dir)).toThrow(/costShare: only on a child service/);
  });

  it('adds the CMDB cost of the CIs a service uses directly, a shared CI split by users, an unpriced CI left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-showback-'));
    mkdirSync(join(dir, 'services'));
    const service = (id: string, extra: string) =>
      writeFileSync(join(dir, 'services', `${id}.yaml`), `id: ${id}\nname: ${id}\ncriticality: LOW\nowner: ${id}-team\n${extra}`);
    service('a', 'monthlyCost: 100\nimpact: { users: 300 }\nchildren: [{ ci: app }, { service: c }]\n');
    service('b', 'impact: { users: 100 }\nchildren: [{ ci: san }, { ci: spare }]\n');
    service('c', 'children: [{ ci: cx }]\n');
    const cis = [
      ci('app', { monthlyCost: 200 }),
      ci('db'), // no cost in the CMDB: unknown, counts nothing
      ci('san', { monthlyCost: 1000 }),
      ci('spare', { monthlyCost: null }),
      ci('cx', { monthlyCost: 60 }),
      ci('unused', { monthlyCost: 5000 }),
    ];
    const relations: Relation[] = [
      { parentId: 'app', childId: 'db', type: 'DEPENDS_ON' },
      { parentId: 'db', childId: 'san', type: 'RUNS_ON' },
    ];
    const topology = buildServiceTopology(loadServiceDefinitions(dir), mergedOf(cis, relations), silentLogger);
    const rows = new Map(showback(loadServiceDefinitions(dir), topology).map((s) => [s.serviceId, s]));
    // san: used directly by a (app → db → san) and b: 1000 by users 300 : 100 = 750 + 250.
    // a: 100 estate + 200 app + 750 san = 1050 own; c (60 of cx, reached only through c) is passed on to a.
    expect(rows.get('a')).toMatchObject({ estateCost: 100, cmdbCost: 950, ownCost: 1050, allocatedCost: 60, totalCost: 1110 });
    expect(rows.get('b')).toMatchObject({ estateCost: 0, cmdbCost: 250, ownCost: 250, totalCost: 250 });
    expect(rows.get('c')).toMatchObject({ cmdbCost: 60, ownCost: 60, allocatedOnward: 60 });
    // Without the CMDB the figures are the estate's alone.
    expect(showback(loadServiceDefinitions(dir)).find((s) => s.serviceId === 'a')).toMatchObject({ cmdbCost: 0, ownCost: 100 });
  });
});

function mergedOf(cis: ConfigurationItem[], relations: Relation[]) {
  const childrenOf = new Map<string, Relation[]>();
  const parentsOf = new Map<string, Relation[]>();
  for (const r of relations) {
    childrenOf.set(r.parentId, [...(childrenOf.get(r.parentId) ?? []), r]);
    parentsOf.set(r.childId, [...(parentsOf.get(r.childId) ?? []), r]);
  }
  return { cis, byId: new Map(cis.map((c) => [c.id, c])), childrenOf, parentsOf, correlate: () => null, sources: [], failures: [] };
}
