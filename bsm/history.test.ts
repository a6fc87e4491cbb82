import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteHistory, createTransitionRecorder } from './history.js';

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

describe('status history', () => {
  it('answers status at an instant, since when, and the changes in a range', async () => {
    const store = createSqliteHistory(tmp());
    await store.record([
      { id: 'payroll', at: t('09:00'), from: null, to: 'OK' },
      { id: 'payroll', at: t('09:12'), from: 'OK', to: 'CRITICAL' },
      { id: 'payroll', at: t('09:40'), from: 'CRITICAL', to: 'OK' },
      { id: 'email', at: t('09:05'), from: null, to: 'WARNING' },
    ]);
    expect(await store.statusAt('payroll', t('08:59'))).toBeNull();
    expect(await store.statusAt('payroll', t('09:30'))).toBe('CRITICAL');
    expect(await store.statusSince('payroll')).toEqual(t('09:40'));
    expect((await store.history('payroll', t('09:10'), t('09:40'))).map((c) => c.to)).toEqual(['CRITICAL', 'OK']);
    expect(await store.latest()).toEqual(
      new Map([
        ['payroll', { status: 'OK', since: t('09:40') }],
        ['email', { status: 'WARNING', since: t('09:05') }],
      ]),
    );
    await store.close();
  });

  it('records only real transitions, dates a first problem back to its start, and resumes after a restart', async () => {
    const dir = tmp();
    const store = createSqliteHistory(dir);
    const recorder = createTransitionRecorder(store);
    const started = () => t('09:12');
    expect(
      await recorder.observe(
        new Map([
          ['payroll', 'CRITICAL'],
          ['email', 'OK'],
        ]),
        t('09:20'),
        started,
      ),
    ).toEqual([
      { id: 'payroll', at: t('09:12'), from: null, to: 'CRITICAL' },
      { id: 'email', at: t('09:20'), from: null, to: 'OK' },
    ]);
    expect(
      await recorder.observe(
        new Map([
          ['payroll', 'CRITICAL'],
          ['email', 'OK'],
        ]),
        t('09:21'),
        started,
      ),
    ).toEqual([]);
    // A later change is dated when it is seen, never back.
    expect(await recorder.observe(new Map([['email', 'MAJOR']]), t('09:22'), started)).toEqual([
      { id: 'email', at: t('09:22'), from: 'OK', to: 'MAJOR' },
    ]);
    expect(recorder.since('payroll')).toEqual(t('09:12'));
    await store.close();

    const reopened = createSqliteHistory(dir);
    const resumed = createTransitionRecorder(reopened);
    expect(
      await resumed.observe(
        new Map([
          ['payroll', 'CRITICAL'],
          ['email', 'OK'],
        ]),
        t('09:30'),
        started,
      ),
    ).toEqual([{ id: 'email', at: t('09:30'), from: 'MAJOR', to: 'OK' }]);
    expect(resumed.since('payroll')).toEqual(t('09:12'));
    await reopened.close();
  });
});
