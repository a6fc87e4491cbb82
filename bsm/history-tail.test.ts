import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import type { Status } from '../kernel/model.js';
import { createSqliteHistory, type HistoryStore, type Transition } from './history.js';
import { createHistoryTail, type HistoryTail } from './history-tail.js';
import type { RecordedChange } from './history.js';

const at = new Date('2026-12-01T09:00:00Z');
const change = (id: string, from: Status | null, to: Status): Transition => ({
  id,
  at,
  from,
  to,
  inMaintenance: false,
  fromMaintenance: false,
});

describe('history tail', () => {
  let store: HistoryStore;
  let tail: HistoryTail;
  afterEach(async () => {
    tail.close();
    await store.close();
  });
  // The timer never fires within a test: every read is an explicit poll().
  const open = () => {
    store = createSqliteHistory(':memory:');
    tail = createHistoryTail(store, { intervalMs: 3_600_000, log: silentLogger });
  };

  it('hands each transition written after listen to every listener once, in write order', async () => {
    open();
    await store.record([change('payroll', null, 'OK')]);
    const seen: RecordedChange[] = [];
    tail.listen((c) => seen.push(c));
    await store.record([change('payroll', 'OK', 'CRITICAL'), change('email', null, 'OK')]);
    await tail.poll();
    await tail.poll();
    expect(seen.map((c) => [c.nodeId, c.to])).toEqual([
      ['payroll', 'CRITICAL'],
      ['email', 'OK'],
    ]);
    expect(seen[0]?.seq).toBeLessThan(seen[1]?.seq as number);
  });

  it('reads what followed a position, for a client that reconnects', async () => {
    open();
    await store.record([change('payroll', null, 'OK'), change('payroll', 'OK', 'CRITICAL'), change('payroll', 'CRITICAL', 'OK')]);
    const all = await tail.after(0, 10);
    expect(all).toHaveLength(3);
    expect((await tail.after(all[0]?.seq as number, 10)).map((c) => c.to)).toEqual(['CRITICAL', 'OK']);
    expect(await store.lastSeq()).toBe(all[2]?.seq);
  });

  it('a listener after everyone left starts from the end of the store, not from where the last one stopped', async () => {
    open();
    const first: RecordedChange[] = [];
    const stop = tail.listen((c) => first.push(c));
    await tail.poll();
    stop();
    await store.record([change('payroll', null, 'OK')]);
    const second: RecordedChange[] = [];
    tail.listen((c) => second.push(c));
    await store.record([change('payroll', 'OK', 'WARNING')]);
    await tail.poll();
    expect(first).toEqual([]);
    expect(second.map((c) => c.to)).toEqual(['WARNING']);
  });
});
