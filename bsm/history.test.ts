import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Status } from '../kernel/model.js';
import { createSqliteHistory, createTransitionRecorder, type NodeState, type Transition } from './history.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-hist-'));
  dirs.push(dir);
  return dir;
};
const t = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00Z`);
const tr = (id: string, hhmm: string, from: Status | null, to: Status, inMaintenance = false, fromMaintenance = false): Transition => ({
  id,
  at: t(hhmm),
  from,
  to,
  inMaintenance,
  fromMaintenance,
});
/** Node states; a status with a trailing `*` is in maintenance. */
const states = (entries: Record<string, string>) =>
  new Map(
    Object.entries(entries).map(([id, s]): [string, NodeState] => [
      id,
      { status: s.replace('*', '') as Status, inMaintenance: s.endsWith('*') },
    ]),
  );
const started = () => t('09:12');

describe('status history', () => {
  it('answers the state at an instant, since when, and the changes in a range', async () => {
    const store = createSqliteHistory(tmp());
    await store.record([
      tr('payroll', '09:00', null, 'OK'),
      tr('payroll', '09:12', 'OK', 'CRITICAL'),
      tr('payroll', '09:40', 'CRITICAL', 'OK'),
      tr('email', '09:05', null, 'WARNING'),
    ]);
    expect(await store.stateAt('payroll', t('08:59'))).toBeNull();
    expect(await store.stateAt('payroll', t('09:30'))).toEqual({ status: 'CRITICAL', inMaintenance: false });
    expect(await store.statusSince('payroll')).toEqual(t('09:40'));
    expect((await store.history('payroll', t('09:10'), t('09:40'))).map((c) => c.to)).toEqual(['CRITICAL', 'OK']);
    expect(await store.latest()).toEqual(
      new Map([
        ['payroll', { status: 'OK', inMaintenance: false, since: t('09:40') }],
        ['email', { status: 'WARNING', inMaintenance: false, since: t('09:05') }],
      ]),
    );
    await store.close();
  });

  it('records only real transitions, dates a first problem back to its start, and resumes after a restart', async () => {
    const dir = tmp();
    const store = createSqliteHistory(dir);
    const recorder = createTransitionRecorder(store);
    expect(await recorder.observe(states({ payroll: 'CRITICAL', email: 'OK' }), t('09:20'), started)).toEqual([
      tr('payroll', '09:12', null, 'CRITICAL'),
      tr('email', '09:20', null, 'OK'),
    ]);
    expect(await recorder.observe(states({ payroll: 'CRITICAL', email: 'OK' }), t('09:21'), started)).toEqual([]);
    // A later change is dated when it is seen, never back.
    expect(await recorder.observe(states({ email: 'MAJOR' }), t('09:22'), started)).toEqual([tr('email', '09:22', 'OK', 'MAJOR')]);
    expect(recorder.since('payroll')).toEqual(t('09:12'));
    await store.close();

    const reopened = createSqliteHistory(dir);
    const resumed = createTransitionRecorder(reopened);
    expect(await resumed.observe(states({ payroll: 'CRITICAL', email: 'OK' }), t('09:30'), started)).toEqual([
      tr('email', '09:30', 'MAJOR', 'OK'),
    ]);
    expect(resumed.since('payroll')).toEqual(t('09:12'));
    await reopened.close();
  });

  it('records planned maintenance as a state of its own: entering and leaving it are transitions, the status unchanged', async () => {
    const dir = tmp();
    const store = createSqliteHistory(dir);
    const recorder = createTransitionRecorder(store);
    await recorder.observe(states({ reporting: 'CRITICAL*' }), t('08:53'), started);
    expect(await recorder.observe(states({ reporting: 'CRITICAL*' }), t('09:00'), started)).toEqual([]);
    expect(await recorder.observe(states({ reporting: 'CRITICAL' }), t('09:30'), started)).toEqual([
      tr('reporting', '09:30', 'CRITICAL', 'CRITICAL', false, true),
    ]);
    expect(recorder.since('reporting')).toEqual(t('09:30'));
    expect((await store.history('reporting', t('08:00'), t('10:00'))).map((c) => [c.to, c.inMaintenance])).toEqual([
      ['CRITICAL', true],
      ['CRITICAL', false],
    ]);
    expect(await store.stateAt('reporting', t('09:10'))).toEqual({ status: 'CRITICAL', inMaintenance: true });
    await store.close();
    // After a restart the recorder knows it left maintenance: nothing to record again.
    const reopened = createSqliteHistory(dir);
    expect(await createTransitionRecorder(reopened).observe(states({ reporting: 'CRITICAL' }), t('09:40'), started)).toEqual([]);
    await reopened.close();
  });

  it('opens a history file written before maintenance was recorded: its rows were outside maintenance', async () => {
    const dir = tmp();
    const old = new Database(join(dir, 'history.sqlite'));
    old.exec(`CREATE TABLE status_transition (node_id TEXT NOT NULL, at INTEGER NOT NULL, from_status TEXT, to_status TEXT NOT NULL);
      INSERT INTO status_transition VALUES ('payroll', ${t('09:12').getTime()}, NULL, 'CRITICAL');`);
    old.close();
    const store = createSqliteHistory(dir);
    expect(await store.stateAt('payroll', t('09:30'))).toEqual({ status: 'CRITICAL', inMaintenance: false });
    await store.record([tr('payroll', '09:40', 'CRITICAL', 'CRITICAL', true)]);
    expect((await store.latest()).get('payroll')).toEqual({ status: 'CRITICAL', inMaintenance: true, since: t('09:40') });
    await store.close();
  });
});
