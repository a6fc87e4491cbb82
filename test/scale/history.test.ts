import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHistoryStore, createTransitionRecorder, type HistoryStore, type NodeState, type Transition } from '../../bsm/history.js';
import type { Status } from '../../kernel/model.js';
import { createPostgresPool } from '../../kernel/postgres.js';
import { silentLogger } from '../../kernel/log.js';
import { freshDatabase, noPostgres, type OnTestFinished } from './support.js';

/**
 * One suite, two stores: the status history in SQLite (the embedded default) and in PostgreSQL (N
 * replicas) keeps the same guarantees, and the lease-guarded recorder on top of either records every
 * transition exactly once across a takeover.
 */

/** Opens handles on one shared history: each handle is what one replica (or process) would open. */
type OpenShared = (onTestFinished: OnTestFinished) => Promise<() => Promise<HistoryStore>>;

const sqlite: OpenShared = async (onTestFinished) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-history-'));
  onTestFinished(async () => rmSync(dir, { recursive: true, force: true }));
  return async () => {
    const store = createHistoryStore({ dataDir: dir });
    onTestFinished(() => store.close());
    return store;
  };
};

const postgres: OpenShared = async (onTestFinished) => {
  const url = await freshDatabase(onTestFinished);
  return async () => {
    const pool = createPostgresPool({ url, poolSize: 4 }, silentLogger);
    onTestFinished(() => pool.end());
    return createHistoryStore({ dataDir: '/nonexistent', postgres: pool });
  };
};

const t = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00Z`);
const tr = (
  id: string,
  hhmm: string,
  from: Status | null,
  to: Status,
  maintenance: { inMaintenance?: boolean; fromMaintenance?: boolean } = {},
): Transition => ({
  id,
  at: t(hhmm),
  from,
  to,
  inMaintenance: maintenance.inMaintenance ?? false,
  fromMaintenance: maintenance.fromMaintenance ?? false,
});
/** Node states, none in maintenance. */
const statuses = (entries: Record<string, Status>) =>
  new Map(Object.entries(entries).map(([id, status]): [string, NodeState] => [id, { status, inMaintenance: false }]));
const up = (status: Status) => ({ status, inMaintenance: false });
const never = () => null;

function defineHistorySuite(name: string, openShared: OpenShared, skip: boolean) {
  describe.skipIf(skip)(`status history: ${name}`, () => {
    it("reads every node's transitions after a position, in write order, as another handle wrote them (live status tails this)", async ({
      onTestFinished,
    }) => {
      const open = await openShared(onTestFinished);
      const [writer, reader] = [await open(), await open()];
      expect(await reader.lastSeq()).toBe(0);
      await writer.record([tr('payroll', '09:00', null, 'OK'), tr('email', '09:05', null, 'WARNING')]);
      const start = await reader.lastSeq();
      await writer.record([tr('payroll', '09:12', 'OK', 'CRITICAL'), tr('email', '09:10', 'WARNING', 'OK')]);
      const after = await reader.changesAfter(start, 10);
      expect(after.map((c) => [c.nodeId, c.from, c.to])).toEqual([
        ['payroll', 'OK', 'CRITICAL'],
        ['email', 'WARNING', 'OK'],
      ]);
      expect(after[0]?.seq).toBeGreaterThan(start);
      expect(after[1]?.seq).toBeGreaterThan(after[0]?.seq as number);
      expect(await reader.changesAfter(start, 1)).toHaveLength(1);
      expect(await reader.changesAfter(after[1]?.seq as number, 10)).toEqual([]);
    });
    it('answers status at an instant, since when, and the changes in a range', async ({ onTestFinished }) => {
      const store = await (await openShared(onTestFinished))();
      await store.record([
        tr('payroll', '09:00', null, 'OK'),
        tr('payroll', '09:12', 'OK', 'CRITICAL'),
        tr('payroll', '09:40', 'CRITICAL', 'OK'),
        tr('email', '09:05', null, 'WARNING'),
      ]);
      expect(await store.stateAt('payroll', t('08:59'))).toBeNull();
      expect(await store.stateAt('payroll', t('09:30'))).toEqual(up('CRITICAL'));
      expect(await store.statusSince('payroll')).toEqual(t('09:40'));
      expect(await store.statusSince('nothing')).toBeNull();
      expect((await store.history('payroll', t('09:10'), t('09:40'))).map((c) => c.to)).toEqual(['CRITICAL', 'OK']);
      expect(await store.history('payroll', t('09:00'), t('10:00'), 2)).toEqual([
        { at: t('09:00'), from: null, to: 'OK', inMaintenance: false },
        { at: t('09:12'), from: 'OK', to: 'CRITICAL', inMaintenance: false },
      ]);
      expect(await store.latest()).toEqual(
        new Map([
          ['payroll', { ...up('OK'), since: t('09:40') }],
          ['email', { ...up('WARNING'), since: t('09:05') }],
        ]),
      );
    });

    it('is compare-and-set: a transition whose "from" is not the last recorded status is skipped, so a replay writes nothing', async ({
      onTestFinished,
    }) => {
      const store = await (await openShared(onTestFinished))();
      const batch = [tr('db', '09:00', null, 'OK'), tr('db', '09:10', 'OK', 'MAJOR')];
      expect(await store.record(batch)).toEqual(batch);
      expect(await store.record(batch)).toEqual([]);
      // Stale: written by someone who had not seen MAJOR.
      expect(await store.record([tr('db', '09:11', 'OK', 'CRITICAL'), tr('db', '09:12', 'MAJOR', 'OK')])).toEqual([
        tr('db', '09:12', 'MAJOR', 'OK'),
      ]);
      expect((await store.history('db', t('00:00'), t('23:59'))).map((c) => `${c.from}→${c.to}`)).toEqual([
        'null→OK',
        'OK→MAJOR',
        'MAJOR→OK',
      ]);
    });

    it('never dates a transition before the status it ends began (replica clocks differ)', async ({ onTestFinished }) => {
      const store = await (await openShared(onTestFinished))();
      await store.record([tr('app', '09:30', null, 'CRITICAL')]);
      expect(await store.record([tr('app', '09:29', 'CRITICAL', 'OK')])).toEqual([tr('app', '09:30', 'CRITICAL', 'OK')]);
      expect(await store.stateAt('app', t('09:30'))).toEqual(up('OK'));
    });

    it('keeps planned maintenance as part of the state: entering and leaving it are transitions, compare-and-set too', async ({
      onTestFinished,
    }) => {
      const store = await (await openShared(onTestFinished))();
      await store.record([tr('reporting', '08:00', null, 'OK'), tr('reporting', '08:53', 'OK', 'CRITICAL', { inMaintenance: true })]);
      const leave = tr('reporting', '09:30', 'CRITICAL', 'CRITICAL', { fromMaintenance: true });
      // Written by someone who had not seen the maintenance start: stale, skipped.
      expect(await store.record([tr('reporting', '09:20', 'CRITICAL', 'OK')])).toEqual([]);
      expect(await store.record([leave])).toEqual([leave]);
      expect(await store.record([leave])).toEqual([]);
      expect(await store.stateAt('reporting', t('09:00'))).toEqual({ status: 'CRITICAL', inMaintenance: true });
      expect((await store.latest()).get('reporting')).toEqual({ status: 'CRITICAL', inMaintenance: false, since: t('09:30') });
      expect((await store.history('reporting', t('00:00'), t('23:59'))).map((c) => [c.to, c.inMaintenance])).toEqual([
        ['OK', false],
        ['CRITICAL', true],
        ['CRITICAL', false],
      ]);
    });

    it('two writers racing on one transition write it once', async ({ onTestFinished }) => {
      const open = await openShared(onTestFinished);
      const [a, b] = [await open(), await open()];
      await a.record([tr('node', '09:00', null, 'OK')]);
      const racing = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).record([tr('node', '09:05', 'OK', 'CRITICAL'), tr('other', '09:05', null, 'OK')]),
        ),
      );
      expect(racing.flat()).toHaveLength(2);
      expect(await a.history('node', t('00:00'), t('23:59'))).toHaveLength(2);
      expect(await b.history('other', t('00:00'), t('23:59'))).toHaveLength(1);
    });

    it('with a lease only the holder writes; the others follow what it recorded', async ({ onTestFinished }) => {
      const open = await openShared(onTestFinished);
      let holder: 'a' | 'b' = 'a';
      const a = createTransitionRecorder(await open(), { lease: { held: () => holder === 'a' } });
      const b = createTransitionRecorder(await open(), { lease: { held: () => holder === 'b' } });
      const problem = () => t('09:12');
      expect(await b.observe(statuses({ payroll: 'CRITICAL' }), t('09:20'), problem)).toEqual([]);
      expect(await a.observe(statuses({ payroll: 'CRITICAL' }), t('09:20'), problem)).toEqual([tr('payroll', '09:12', null, 'CRITICAL')]);
      expect(b.since('payroll')).toBeNull();
      await b.observe(statuses({ payroll: 'CRITICAL' }), t('09:21'), problem);
      expect(b.since('payroll')).toEqual(t('09:12'));
      holder = 'b';
      expect(await b.observe(statuses({ payroll: 'OK' }), t('09:40'), problem)).toEqual([tr('payroll', '09:40', 'CRITICAL', 'OK')]);
    });

    it('across a takeover no transition is lost or written twice', async ({ onTestFinished }) => {
      const open = await openShared(onTestFinished);
      const store = await open();
      let holder: 'old' | 'new' = 'old';
      // The old holder has not noticed it lost the lease: it goes on writing from its memory.
      let oldThinksItHolds = true;
      const old = createTransitionRecorder(await open(), { lease: { held: () => oldThinksItHolds } });
      const next = createTransitionRecorder(await open(), { lease: { held: () => holder === 'new' } });
      await old.observe(statuses({ web: 'OK', db: 'OK', cache: 'OK' }), t('09:00'), never);
      // The old holder dies while recording web→CRITICAL: it never reached the store. db→MAJOR did.
      await old.observe(statuses({ web: 'OK', db: 'MAJOR', cache: 'OK' }), t('09:05'), never);
      holder = 'new';
      // The new holder sees web CRITICAL and db MAJOR: it records web (lost otherwise) and not db (already there).
      expect(await next.observe(statuses({ web: 'CRITICAL', db: 'MAJOR', cache: 'OK' }), t('09:06'), never)).toEqual([
        tr('web', '09:06', 'OK', 'CRITICAL'),
      ]);
      // A late write of the old holder, from memory that no longer matches the store, changes nothing.
      expect(await old.observe(statuses({ web: 'CRITICAL', db: 'MAJOR', cache: 'OK' }), t('09:07'), never)).toEqual([]);
      oldThinksItHolds = false;
      expect(await next.observe(statuses({ web: 'OK', db: 'MAJOR', cache: 'OK' }), t('09:10'), never)).toEqual([
        tr('web', '09:10', 'CRITICAL', 'OK'),
      ]);
      const chain = async (id: string) => (await store.history(id, t('00:00'), t('23:59'))).map((c) => `${c.from}→${c.to}`);
      expect(await chain('web')).toEqual(['null→OK', 'OK→CRITICAL', 'CRITICAL→OK']);
      expect(await chain('db')).toEqual(['null→OK', 'OK→MAJOR']);
      expect(await chain('cache')).toEqual(['null→OK']);
    });
  });
}

defineHistorySuite('sqlite', sqlite, false);
defineHistorySuite('postgres', postgres, noPostgres);
