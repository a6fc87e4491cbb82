import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteHistory, type HistoryStore } from '../bsm/history.js';
import type { Status } from '../kernel/model.js';
import { startStack, type Stack } from './harness.js';
import { type StreamEvent, subscribe } from './sse-client.js';

const INTERVAL_MS = 1000;

const changeOf = (service: string, to?: Status) => (e: StreamEvent) =>
  e.event === 'next' &&
  e.data.data?.serviceStatusChanged.serviceId === service &&
  (to === undefined || e.data.data.serviceStatusChanged.to === to);

describe('live status over GraphQL over SSE on the demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-live-'));
  let stack: Stack;
  let url: string;
  // Another writer of the same history: what the lease holder's evaluator records, seen by every replica's tail.
  let writer: HistoryStore;

  /** Records a transition of the node away from its last recorded state (as the evaluator would). */
  async function record(id: string, to: Status): Promise<void> {
    const last = (await writer.latest()).get(id);
    const [written] = await writer.record([
      { id, at: new Date(), from: last?.status ?? null, to, inMaintenance: false, fromMaintenance: last?.inMaintenance ?? false },
    ]);
    expect(written).toBeDefined();
  }
  /** A status different from the node's last recorded one. */
  async function otherThanNow(id: string): Promise<Status> {
    return (await writer.latest()).get(id)?.status === 'WARNING' ? 'MINOR' : 'WARNING';
  }

  beforeAll(async () => {
    stack = await startStack({ dir, extra: `evaluatorIntervalMs: ${INTERVAL_MS}` });
    url = stack.url.replace(/\/graphql$/, '/graphql/stream');
    writer = createSqliteHistory(join(dir, 'data'));
  });
  afterAll(async () => {
    await writer?.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a subscriber sees a status change within about one evaluator interval, with its history position as event id', async () => {
    const sub = await subscribe(url, { token: await stack.token('operator') });
    expect(sub.res.status).toBe(200);
    const to = await otherThanNow('payroll');
    const started = performance.now();
    await record('payroll', to);
    const event = await sub.next(changeOf('payroll', to));
    const elapsed = performance.now() - started;
    await sub.close();
    expect(event.data.data?.serviceStatusChanged).toMatchObject({ serviceId: 'payroll', serviceName: expect.any(String), to });
    expect(event.id).toBe(event.data.data?.serviceStatusChanged.id);
    // One poll of the history; the margin is for a loaded machine, not for a second interval.
    expect(elapsed).toBeLessThan(INTERVAL_MS + 3000);
  });

  it('a viewer scoped to email sees email and nothing of payroll', async () => {
    const sub = await subscribe(url, { token: await stack.token('service-owner', { groups: ['messaging'] }) });
    await record('payroll', await otherThanNow('payroll'));
    const emailTo = await otherThanNow('email');
    await record('email', emailTo);
    // Written after payroll's: once it is here, payroll's would have been too.
    await sub.next(changeOf('email', emailTo));
    await sub.close();
    expect(sub.events.filter(changeOf('payroll'))).toEqual([]);
  });

  it('a client that reconnects with Last-Event-ID gets the change it missed, once', async () => {
    const token = await stack.token('operator');
    const first = await subscribe(url, { token });
    const to = await otherThanNow('payroll');
    await record('payroll', to);
    const seen = await first.next(changeOf('payroll', to));
    await first.close();
    // Missed while disconnected.
    const missedTo = await otherThanNow('payroll');
    await record('payroll', missedTo);
    const again = await subscribe(url, { token, lastEventId: seen.id as string });
    const missed = await again.next(changeOf('payroll', missedTo));
    // A later change proves the stream went on without sending the missed one twice.
    const laterTo = await otherThanNow('payroll');
    await record('payroll', laterTo);
    await again.next((e) => changeOf('payroll', laterTo)(e) && e !== missed);
    await again.close();
    const ids = again.events.filter(changeOf('payroll')).map((e) => e.id);
    expect(ids).not.toContain(seen.id);
    expect(ids.filter((id) => id === missed.id)).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an anonymous subscriber gets 401', async () => {
    const sub = await subscribe(url);
    expect(sub.res.status).toBe(401);
    expect((await sub.res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await sub.close();
  });

  it('a field above the viewer’s drill level refuses the subscription, FORBIDDEN', async () => {
    const sub = await subscribe(url, {
      token: await stack.token('executive'),
      query: 'subscription { serviceStatusChanged { serviceId to inMaintenance } }',
    });
    expect(sub.res.status).toBe(403);
    const body = await sub.res.json();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      denied: [{ field: 'ServiceStatusChange.inMaintenance', requiredLevel: 'SERVICE' }],
    });
    await sub.close();
  });

  it('queries are not served on the stream route', async () => {
    const sub = await subscribe(url, { token: await stack.token('operator'), query: '{ services { totalCount } }' });
    expect(sub.res.status).toBe(400);
    await sub.close();
  });
});
