import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import type { Severity } from '../kernel/model.js';
import { createServiceModel } from './model.js';
import { alert, ci, connectorSet, fakeCmdb, fakeMonitor, testSettings } from './test-fakes.js';

/** "Down since" through the model, with the health issue's numbers: a node first seen failing is dated by its rule. */

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const NOW = new Date('2026-11-27T09:30:00Z');
const at = (hhmm: string) => `2026-11-27T${hhmm}:00.000Z`;

async function firstSeen(rule: string, failing: Record<string, [Severity, string]>, members: string[]) {
  const estateDir = mkdtempSync(join(tmpdir(), 'sg-since-'));
  cleanup.push(() => rmSync(estateDir, { recursive: true, force: true }));
  mkdirSync(join(estateDir, 'services'));
  const children = members.map((m) => `{ ci: ${m} }`).join(', ');
  writeFileSync(
    join(estateDir, 'services', 'svc.yaml'),
    `id: svc\nname: Svc\ncriticality: HIGH\nowner: ops\nrule: ${rule}\nchildren: [${children}]\n`,
  );
  const monitor = fakeMonitor('mon', {
    watched: members.map((name) => ({ name })),
    alerts: Object.entries(failing).map(([name, [severity, startsAt]], k) => alert('mon', `a${k}`, { name }, severity, { startsAt })),
  });
  const model = createServiceModel({
    estateDir,
    connectors: connectorSet({
      monitor: [monitor.instance],
      cmdb: [fakeCmdb('cmdb', { cis: members.map((m) => ci(m)), relations: [] }).instance],
    }),
    settings: testSettings,
    log: silentLogger,
    cacheMs: 0,
    now: () => NOW,
  });
  cleanup.push(() => model.close());
  const snap = await model.snapshot();
  return { status: snap.status('svc'), since: model.statusSince('svc')?.toISOString() };
}

describe('down since', () => {
  it('worstIfAll failed when its last child failed: mx3 CRITICAL since 08:43, mx4 MAJOR since 09:08 → 09:08', async () => {
    const r = await firstSeen('{ kind: worstIfAll }', { mx3: ['CRITICAL', at('08:43')], mx4: ['MAJOR', at('09:08')] }, ['mx3', 'mx4']);
    expect(r).toEqual({ status: 'CRITICAL', since: at('09:08') });
  });

  it('a quorum failed when the member that broke it failed: databases down 45 and 20 minutes ago → 20 minutes ago', async () => {
    const r = await firstSeen('{ kind: quorum, min: 2 }', { db1: ['CRITICAL', at('08:45')], db2: ['CRITICAL', at('09:10')] }, [
      'db1',
      'db2',
      'db3',
    ]);
    expect(r).toEqual({ status: 'CRITICAL', since: at('09:10') });
  });

  it('worst failed with its first child at that status, and a threshold when its limit was reached', async () => {
    const worst = await firstSeen(
      '{ kind: worst }',
      { a: ['MAJOR', at('08:00')], b: ['CRITICAL', at('09:00')], c: ['CRITICAL', at('09:20')] },
      ['a', 'b', 'c'],
    );
    expect(worst).toEqual({ status: 'CRITICAL', since: at('09:00') });
    const threshold = await firstSeen(
      '{ kind: threshold, atLeast: MAJOR, count: 2, then: CRITICAL }',
      { a: ['MAJOR', at('08:00')], b: ['CRITICAL', at('09:00')], c: ['CRITICAL', at('09:20')] },
      ['a', 'b', 'c'],
    );
    expect(threshold).toEqual({ status: 'CRITICAL', since: at('09:00') });
  });
});
