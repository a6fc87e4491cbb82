import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteHistory } from '../bsm/history.js';
import { startStack, type Stack } from './harness.js';

const SECRET = 'test-webhook-secret-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver on loopback that fails its first request with 503. */
async function startReceiver() {
  const received: Received[] = [];
  let onDelivered: (r: Received) => void = () => {};
  const delivered = new Promise<Received>((resolve) => {
    onDelivered = resolve;
  });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const answered = received.length === 0 ? 503 : 200;
      const r = { headers: req.headers, body, answered };
      received.push(r);
      res.writeHead(answered).end();
      if (answered === 200) onDelivered(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, delivered, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('webhook notifications through the stack on the demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-notify-'));
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let slaReceiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    slaReceiver = await startReceiver();
    // Payroll was last recorded OK: the first evaluation sees it CRITICAL (server123), a real change.
    const history = createSqliteHistory(join(dir, 'data'));
    await history.record([
      { id: 'payroll', at: new Date(Date.now() - 3_600_000), from: null, to: 'OK', inMaintenance: false, fromMaintenance: false },
    ]);
    await history.close();
    stack = await startStack({
      dir,
      env: { SG_TEST_WEBHOOK_SECRET: SECRET },
      extra: `notifications: { webhooks: [
        { name: noc, url: "${receiver.url}", secret: "\${SG_TEST_WEBHOOK_SECRET}", services: [payroll], backoffMs: 1 },
        { name: sla, url: "${slaReceiver.url}", secret: "\${SG_TEST_WEBHOOK_SECRET}", services: [payroll], statusChanges: false, slaAtRiskWithin: 1d, backoffMs: 1 }
      ] }`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    await slaReceiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers one signed Alertmanager-format notification per change, also when the first attempt failed', async () => {
    const got = await receiver.delivered;
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 200]);
    // Both attempts carry the same idempotency key and the same body.
    const [first, second] = receiver.received;
    expect(first?.headers['idempotency-key']).toBe(second?.headers['idempotency-key']);
    expect(first?.body).toBe(second?.body);
    // The signature is HMAC-SHA256 over "<t>.<body>" with the secret from the environment.
    const header = String(got.headers['x-servicegraph-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    expect(match).not.toBeNull();
    const expected = createHmac('sha256', SECRET).update(`${match?.[1]}.${got.body}`).digest('hex');
    expect(match?.[2]).toBe(expected);
    const payload = JSON.parse(got.body);
    expect(payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'noc',
      alerts: [{ status: 'firing', labels: { alertname: 'ServiceStatusChanged', service: 'payroll', severity: 'critical' } }],
    });
    // The delivery log has both attempts (and the other webhook's), and never the secret.
    const log = readFileSync(join(dir, 'data', 'notifications.log'), 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.webhook === 'noc');
    expect(lines.map((l) => [l.attempt, l.status, l.delivered])).toEqual([
      [1, 503, false],
      [2, 200, true],
    ]);
    expect(log).not.toContain(SECRET);
    // Asking again evaluates again: no change, no new delivery.
    const { body } = await stack.gql(`{ service(id: "payroll") { status } }`, { token: await stack.token('operator') });
    expect(body.errors).toBeUndefined();
    expect(receiver.received).toHaveLength(2);
  });

  it('warns that payroll’s SLA breaches within the horizon, keyed by its outage start, also when the first attempt failed', async () => {
    const got = await slaReceiver.delivered;
    expect(slaReceiver.received.map((r) => r.answered)).toEqual([503, 200]);
    expect(got.headers['idempotency-key']).toMatch(/^slaAtRisk:payroll:\d+$/);
    expect(JSON.parse(got.body)).toMatchObject({
      receiver: 'sla',
      alerts: [{ status: 'firing', labels: { alertname: 'SlaAtRisk', service: 'payroll', severity: 'critical' } }],
    });
  });
});
