import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigurationItem, Relation, Severity } from '../kernel/model.js';
import { alert, ci, connectorSet, createTestModel, fakeCmdb, fakeMonitor } from './test-fakes.js';

/**
 * Rules through the service model, with the health issue's numbers: "down since" by rule (item 1),
 * and rules the members can never satisfy where the members come from the CMDB (item 3).
 */

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const NOW = new Date('2026-11-27T09:30:00Z');
const at = (hhmm: string) => `2026-11-27T${hhmm}:00.000Z`;

/** A model over service files, CIs (each watched) with the given alerts, and CMDB relations. */
function modelOf(
  services: Record<string, string>,
  cis: ConfigurationItem[],
  failing: Record<string, [Severity, string]>,
  relations: Relation[] = [],
) {
  const estateDir = mkdtempSync(join(tmpdir(), 'sg-rules-'));
  cleanup.push(() => rmSync(estateDir, { recursive: true, force: true }));
  mkdirSync(join(estateDir, 'services'));
  for (const [id, body] of Object.entries(services))
    writeFileSync(join(estateDir, 'services', `${id}.yaml`), `id: ${id}\nname: ${id}\ncriticality: HIGH\nowner: ops\n${body}`);
  const monitor = fakeMonitor('mon', {
    watched: cis.map((c) => ({ name: c.name })),
    alerts: Object.entries(failing).map(([name, [severity, startsAt]], k) => alert('mon', `a${k}`, { name }, severity, { startsAt })),
  });
  const model = createTestModel({
    estateDir,
    connectors: connectorSet({ monitor: [monitor.instance], cmdb: [fakeCmdb('cmdb', { cis, relations }).instance] }),
    cacheMs: 0,
    now: () => NOW,
  });
  cleanup.push(() => model.close());
  return model;
}

async function firstSeen(rule: string, failing: Record<string, [Severity, string]>, members: string[]) {
  const children = members.map((m) => `{ ci: ${m} }`).join(', ');
  const model = modelOf(
    { svc: `rule: ${rule}\nchildren: [${children}]\n` },
    members.map((m) => ci(m)),
    failing,
  );
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

describe('a rule the CMDB members can never satisfy (item 3)', () => {
  it('makes that node UNKNOWN, saying why, never an outage; the rest of the estate is evaluated', async () => {
    const model = modelOf(
      {
        // Members from a selector: known only at run time. Three pools match; min 5 can never be met.
        vdi: 'rule: { kind: quorum, min: 5 }\nselectors: [{ class: desktop-pool }]\n',
        // A class rule over CMDB members: two nodes for a quorum of three.
        mail: 'children: [{ ci: mail-cluster }]\nnodeRules: [{ class: cluster, rule: { kind: quorum, min: 3 } }]\n',
        shop: 'children: [{ ci: web }]\n',
      },
      [
        ci('pool1', { class: 'desktop-pool' }),
        ci('pool2', { class: 'desktop-pool' }),
        ci('pool3', { class: 'desktop-pool' }),
        ci('mail-cluster', { class: 'cluster' }),
        ci('mx1'),
        ci('mx2'),
        ci('web'),
      ],
      { pool1: ['CRITICAL', at('09:00')], web: ['MAJOR', at('09:10')] },
      [
        { parentId: 'mail-cluster', childId: 'mx1', type: 'MEMBER_OF' },
        { parentId: 'mail-cluster', childId: 'mx2', type: 'MEMBER_OF' },
      ],
    );
    const snap = await model.snapshot();
    expect(snap.status('vdi')).toBe('UNKNOWN');
    expect(snap.evaluation.result('vdi')?.explanation.text).toBe(
      'UNKNOWN: its rule cannot be evaluated (quorum.min: 5 but only 3 members count, so it can never be OK)',
    );
    expect(snap.evaluation.rootCauses('vdi')).toEqual([]);
    expect(snap.status('mail-cluster')).toBe('UNKNOWN');
    expect(snap.evaluation.result('mail-cluster')?.explanation.text).toContain('quorum.min: 3 but only 2 members count');
    expect(snap.status('mail')).toBe('UNKNOWN');
    expect(snap.status('shop')).toBe('MAJOR');
    expect(snap.evaluation.rootCauses('shop').map((c) => c.ciId)).toEqual(['web']);
  });
});
