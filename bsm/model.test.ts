import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import type { Relation } from '../kernel/model.js';
import { createSqliteHistory } from './history.js';

import { alert, ci, connectorSet, createTestModel, fakeCmdb, fakeMonitor, testSettings, type TestModel } from './test-fakes.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * app → web, db, cluster (quorum 2 of node1..3), infra, and every desktop pool tagged vdi (selector).
 * infra → db. legacy → ghost (no CMDB knows it). m1 watches everything but db; m2 watches db.
 */
function setup(options: { dataDir?: string; secondCmdb?: ReturnType<typeof fakeCmdb>; deadlineMs?: number; cmdbCacheMs?: number } = {}) {
  const estateDir = tmp('sg-model-');
  mkdirSync(join(estateDir, 'services'));
  writeFileSync(
    join(estateDir, 'services', 'app.yaml'),
    `id: app
name: App
criticality: HIGH
owner: app-team
consumers: [staff]
children: [{ ci: web }, { ci: db }, { ci: cluster }, { service: infra }]
selectors: [{ class: desktop-pool, tag: vdi }]
nodeRules: [{ ci: cluster, rule: { kind: quorum, min: 2 } }]
`,
  );
  writeFileSync(
    join(estateDir, 'services', 'infra.yaml'),
    'id: infra\nname: Infra\ncriticality: LOW\nowner: ops\nchildren: [{ ci: db }]\n',
  );
  writeFileSync(
    join(estateDir, 'services', 'legacy.yaml'),
    'id: legacy\nname: Legacy\ncriticality: LOW\nowner: ops\nchildren: [{ ci: ghost }]\n',
  );
  const relations: Relation[] = ['node1', 'node2', 'node3'].map((n) => ({ parentId: 'cluster', childId: n, type: 'MEMBER_OF' }));
  const cmdb = fakeCmdb('cmdb', {
    cis: [
      ci('web'),
      ci('db', { fqdn: 'db.corp.example', class: 'database' }),
      ci('cluster', { class: 'cluster' }),
      ci('node1'),
      ci('node2'),
      ci('node3'),
      ci('pool-office', { class: 'desktop-pool', tags: ['vdi'] }),
      ci('lonely'),
    ],
    relations,
  });
  const m1 = fakeMonitor('m1', { watched: ['web', 'node1', 'node2', 'node3', 'pool-office'].map((name) => ({ name })) });
  const m2 = fakeMonitor('m2', { watched: [{ fqdn: 'db.corp.example' }] });
  const model = createTestModel({
    estateDir,
    connectors: connectorSet({
      monitor: [m1.instance, m2.instance],
      cmdb: [cmdb.instance, ...(options.secondCmdb ? [options.secondCmdb.instance] : [])],
    }),
    settings: testSettings,
    log: silentLogger,
    cacheMs: options.cmdbCacheMs ?? 0,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  });
  cleanup.push(() => model.close());
  return { model, cmdb, m1, m2 };
}

const statusOf = async (model: TestModel, id: string) => (await model.snapshot()).status(id);

describe('service model', () => {
  it('rolls CI alerts up to services, correlating by FQDN, with a rule-aware root cause', async () => {
    const { model, m2 } = setup();
    m2.state.alerts = [alert('m2', '1', { fqdn: 'DB.corp.example' }, 'CRITICAL')];
    const snap = await model.snapshot();
    expect(snap.status('db')).toBe('CRITICAL');
    expect(snap.leaves.get('db')?.reason).toBe('CRITICAL alert "Host down" from m2');
    expect(snap.status('app')).toBe('CRITICAL');
    expect(snap.evaluation.rootCauses('app').map((c) => c.ciId)).toEqual(['db']);
  });

  it('one cluster node down is not an outage under a quorum rule', async () => {
    const { model, m1 } = setup();
    m1.state.alerts = [alert('m1', '1', { name: 'node2' }, 'CRITICAL')];
    const snap = await model.snapshot();
    expect(snap.status('node2')).toBe('CRITICAL');
    expect(snap.status('cluster')).toBe('OK');
    expect(snap.status('app')).not.toBe('CRITICAL');
    expect(snap.evaluation.rootCauses('app').map((c) => c.ciId)).not.toContain('node2');
  });

  it('makes a CI no monitor watches UNKNOWN, and one no CMDB knows UNKNOWN too, never OK', async () => {
    const { model } = setup();
    const snap = await model.snapshot();
    expect(snap.leaves.get('lonely')).toMatchObject({ status: 'UNKNOWN', reason: 'no monitor watches it' });
    expect(snap.leaves.get('ghost')).toMatchObject({ status: 'UNKNOWN', reason: 'not found in any CMDB' });
    expect(snap.status('legacy')).toBe('UNKNOWN');
  });

  it('turns what only a failing monitor watched UNKNOWN at its first failed read, naming it, never OK', async () => {
    const { model, m2 } = setup();
    expect(await statusOf(model, 'db')).toBe('OK');
    m2.state.down = true;
    // No evaluation outlives a failed read: the very next snapshot knows.
    const snap = await model.snapshot();
    expect(snap.monitorErrors.map((e) => [e.extensions['code'], e.extensions['connector']])).toEqual([['UPSTREAM_UNAVAILABLE', 'm2']]);
    expect(snap.leaves.get('db')).toMatchObject({
      status: 'UNKNOWN',
      reason: 'not watched by any monitor that answered (monitor m2 unavailable)',
      stale: true,
    });
    expect(snap.status('app')).not.toBe('OK');
    // The other monitor's CIs keep their state, and it answered now.
    expect(snap.status('web')).toBe('OK');
    expect(snap.freshness('web')).toEqual({ asOf: new Date('2026-11-27T09:30:00.000Z'), stale: false });
    expect(snap.freshness('app').stale).toBe(true);
  });

  it('gives the same answer for a failed monitor whether the model saw it answer before or not', async () => {
    const before = setup();
    await before.model.snapshot();
    before.m2.state.down = true;
    const after = setup();
    after.m2.state.down = true;
    const [seen, unseen] = await Promise.all([before.model.snapshot(), after.model.snapshot()]);
    expect(unseen.leaves.get('db')).toEqual(seen.leaves.get('db'));
    expect(unseen.status('app')).toBe(seen.status('app'));
  });

  it('makes a watched CI the monitor cannot vouch for UNKNOWN, saying why, over another monitor’s OK; its alerts still count', async () => {
    const { model, m1, m2 } = setup();
    m1.state.watched = [...m1.state.watched, { name: 'db' }];
    m2.state.watched = [{ fqdn: 'db.corp.example', doubt: 'alertmanager started 12 s ago and may not know every alert yet' }];
    let snap = await model.snapshot();
    expect(snap.leaves.get('db')).toMatchObject({
      status: 'UNKNOWN',
      reason: 'alertmanager started 12 s ago and may not know every alert yet',
    });
    expect(snap.status('infra')).toBe('UNKNOWN');
    m2.state.alerts = [alert('m2', '1', { fqdn: 'db.corp.example' }, 'MAJOR')];
    snap = await model.snapshot();
    expect(snap.leaves.get('db')).toMatchObject({ status: 'MAJOR', reason: 'MAJOR alert "Host down" from m2' });
  });

  it('reads a stale snapshot as the last known problems: its alerts count, what it watched without alerts is UNKNOWN', async () => {
    const { model, m1 } = setup();
    m1.state.alerts = [alert('m1', '1', { name: 'node1' }, 'CRITICAL')];
    m1.state.stale = true;
    m1.state.asOf = '2026-11-27T09:25:00.000Z';
    const snap = await model.snapshot();
    expect(snap.leaves.get('node1')).toMatchObject({
      status: 'CRITICAL',
      reason: 'CRITICAL alert "Host down" from m1 (last known state: m1 unreachable)',
      stale: true,
    });
    expect(snap.leaves.get('web')).toMatchObject({ status: 'UNKNOWN', reason: 'monitor m1 unavailable' });
    expect(snap.freshness('node1')).toEqual({ asOf: new Date('2026-11-27T09:25:00.000Z'), stale: true });
    // A CI whose status comes from its members stands on theirs.
    expect(snap.freshness('cluster')).toEqual({ asOf: new Date('2026-11-27T09:25:00.000Z'), stale: true });
    expect(snap.monitorErrors.map((e) => e.extensions['connector'])).toEqual(['m1']);
    expect(snap.monitorErrors[0]?.message).toContain('last known state (as of 2026-11-27T09:25:00.000Z)');
  });

  it('reuses the evaluation while neither the topology nor a CI changes, and records only changes', async () => {
    const { model, m2 } = setup({ cmdbCacheMs: 60_000 });
    const first = await model.snapshot();
    const again = await model.snapshot();
    expect(again.evaluation).toBe(first.evaluation);
    m2.state.alerts = [alert('m2', '1', { fqdn: 'db.corp.example' }, 'CRITICAL')];
    const changed = await model.snapshot();
    expect(changed.evaluation).not.toBe(first.evaluation);
    expect(changed.status('infra')).toBe('CRITICAL');
    expect((await model.history.history('infra', new Date(0), new Date(Date.now() + 60_000))).map((c) => c.to)).toEqual(['OK', 'CRITICAL']);
  });

  it('waits no longer than its deadline for a monitor that does not answer: it counts as failed, named', async () => {
    const { model, m2 } = setup({ deadlineMs: 300 });
    m2.state.delayMs = 10_000;
    const started = performance.now();
    const snap = await model.snapshot();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(snap.monitorErrors.map((e) => [e.extensions['code'], e.extensions['connector'], e.message])).toEqual([
      ['UPSTREAM_UNAVAILABLE', 'm2', 'm2 did not answer within the deadline'],
    ]);
    expect(snap.status('db')).toBe('UNKNOWN');
    expect(snap.status('web')).toBe('OK');
  });

  it('puts a service whose failure planned maintenance explains in maintenance, until the end a tool announced, and records it', async () => {
    const { model, m2 } = setup();
    await model.snapshot();
    const until = '2026-11-27T11:00:00.000Z';
    m2.state.alerts = [alert('m2', '1', { fqdn: 'db.corp.example' }, 'CRITICAL', { inMaintenance: true, maintenanceUntil: until })];
    const snap = await model.snapshot();
    expect(snap.state('infra')).toEqual({ status: 'CRITICAL', inMaintenance: true });
    expect(snap.maintenance('infra')).toEqual({ until: new Date(until) });
    expect(snap.maintenance('web')).toBeNull();
    const changes = await model.history.history('infra', new Date(0), new Date(Date.now() + 60_000));
    expect(changes.map((c) => [c.to, c.inMaintenance])).toEqual([
      ['OK', false],
      ['CRITICAL', true],
    ]);
  });

  it('re-evaluates selectors on every topology read: CIs join and leave with the CMDB', async () => {
    const { model, cmdb, m1 } = setup();
    expect(await model.componentIds('app')).toContain('pool-office');
    expect(await model.componentIds('app')).not.toContain('pool-dev');
    cmdb.state.cis = [...cmdb.state.cis, ci('pool-dev', { class: 'desktop-pool', tags: ['vdi'] })];
    m1.state.watched = [...m1.state.watched, { name: 'pool-dev' }];
    m1.state.alerts = [alert('m1', '9', { name: 'pool-dev' }, 'MAJOR')];
    expect(await model.componentIds('app')).toContain('pool-dev');
    const snap = await model.snapshot();
    expect(snap.status('app')).toBe('MAJOR');
    expect(snap.topology.graph.nodes.get('app')?.edges.find((e) => e.childId === 'pool-dev')?.relation).toBe('SELECTOR');
    cmdb.state.cis = cmdb.state.cis.filter((c) => c.id !== 'pool-dev');
    expect(await model.componentIds('app')).not.toContain('pool-dev');
    expect(await statusOf(model, 'app')).toBe('OK');
  });

  it('shares one evaluation across concurrent requests: one snapshot per monitor', async () => {
    const { model, m1, m2 } = setup();
    await Promise.all(Array.from({ length: 20 }, () => model.snapshot()));
    expect(m1.state.snapshots).toBe(1);
    expect(m2.state.snapshots).toBe(1);
  });

  it('merges several CMDBs into one topology; a CMDB that fails (past its cache) takes its CIs with it, reported', async () => {
    const snow = fakeCmdb('snow', {
      cis: [ci('snow-42', { fqdn: 'db.corp.example', class: 'database' }), ci('san01', { class: 'storage' })],
      relations: [{ parentId: 'snow-42', childId: 'san01', type: 'RUNS_ON' }],
    });
    const { model, m1 } = setup({ secondCmdb: snow });
    m1.state.watched = [...m1.state.watched, { name: 'san01' }];
    m1.state.alerts = [alert('m1', '7', { name: 'san01' }, 'MAJOR')];
    expect(await model.componentIds('infra')).toEqual(['db', 'san01']);
    expect(await statusOf(model, 'infra')).toBe('MAJOR');
    snow.state.down = true;
    // The connector's cache decides how long a failed CMDB's last answer serves (the contract suite
    // checks it); past that, no forgotten copy: the merge reports the failure and its CIs are gone.
    expect(await model.componentIds('infra')).toEqual(['db']);
    const topology = await model.directory.topology();
    expect(topology.cmdb.failures.map((f) => f.extensions['connector'])).toEqual(['snow']);
    expect(topology.cmdb.sources.map((s) => [s.connector, s.asOf !== null])).toEqual([
      ['cmdb', true],
      ['snow', false],
    ]);
  });

  it('implements the service catalog', async () => {
    const { model } = setup();
    expect((await model.services()).map((s) => [s.id, s.childServiceIds])).toEqual([
      ['app', ['infra']],
      ['infra', []],
      ['legacy', []],
    ]);
    expect(await model.componentIds('app')).toEqual(['web', 'db', 'cluster', 'node1', 'node2', 'node3', 'pool-office']);
    expect((await model.servicesForCi('db')).sort()).toEqual(['app', 'infra']);
    expect(await model.servicesForCi('node3')).toEqual(['app']);
    expect(await model.componentIds('nosuch')).toEqual([]);
  });

  it('records transitions, dated back to when the problem started, and keeps them across a restart', async () => {
    const dataDir = tmp('sg-history-');
    const first = setup({ dataDir });
    first.m2.state.alerts = [alert('m2', '1', { fqdn: 'db.corp.example' }, 'CRITICAL', { startsAt: '2026-11-27T09:00:00.000Z' })];
    await first.model.snapshot();
    expect(first.model.statusSince('app')?.toISOString()).toBe('2026-11-27T09:00:00.000Z');
    first.m2.state.alerts = [];
    await first.model.snapshot();
    const recovered = first.model.statusSince('app');
    await first.model.close();

    const store = createSqliteHistory(dataDir);
    cleanup.push(() => store.close());
    const changes = await store.history('app', new Date('2026-11-27T00:00:00Z'), new Date(Date.now() + 60_000));
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      [null, 'CRITICAL'],
      ['CRITICAL', 'OK'],
    ]);
    expect(await store.statusSince('app')).toEqual(recovered);

    // A new model on the same file resumes: the same status is not recorded again.
    const second = setup({ dataDir });
    await second.model.snapshot();
    expect(second.model.statusSince('app')).toEqual(recovered);
    expect((await second.model.history.history('app', new Date(0), new Date(Date.now() + 60_000))).length).toBe(2);
  });
});
