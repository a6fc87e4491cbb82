import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import type { ServiceDefinitions } from './definitions.js';
import type { Transition } from './history.js';
import { createNotifier, WebhookSchema } from './notifications.js';

const definitions = { byId: new Map([['payroll', { name: 'Payroll' }]]), services: [], nodeRules: [] } as unknown as ServiceDefinitions;
const change = (to: Transition['to'], from: Transition['from'] = 'OK', id = 'payroll'): Transition => ({
  id,
  at: new Date('2026-12-02T10:00:00Z'),
  from,
  to,
  inMaintenance: false,
  fromMaintenance: false,
});

async function receiver(statuses: number[]) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(String(req.headers['idempotency-key']));
    res.writeHead(statuses.shift() ?? 200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('notifier', () => {
  it('backs off between retries, gives up on a 4xx, never sends a delivered key twice, and filters', async ({ onTestFinished }) => {
    const r = await receiver([503, 429, 200, 400]);
    onTestFinished(r.close);
    const waits: number[] = [];
    const hook = WebhookSchema.parse({ name: 'noc', url: r.url, secret: 'x'.repeat(16), backoffMs: 100 });
    const n = createNotifier({ webhooks: [hook], definitions, log: silentLogger, sleep: async (ms) => void waits.push(ms) });
    n.recorded([change('CRITICAL'), change('CRITICAL', null), change('CRITICAL', 'OK', 'server123')]);
    await n.idle();
    // One event (a first record and a CI are no change): 503, 429, then delivered; backoff doubles.
    expect(r.hits).toHaveLength(3);
    expect(new Set(r.hits).size).toBe(1);
    expect(waits).toEqual([100, 200]);
    n.recorded([change('CRITICAL')]); // the same change again (a replayed batch): not sent again
    await n.idle();
    expect(r.hits).toHaveLength(3);
    n.recorded([{ ...change('OK', 'CRITICAL'), at: new Date('2026-12-02T11:00:00Z') }]); // 400: final, no retry
    await n.idle();
    expect(r.hits).toHaveLength(4);
    expect(waits).toEqual([100, 200]);
  });
});
