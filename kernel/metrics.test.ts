import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from './log.js';
import { metricsTable, observe, reportServices, STATUS_VALUE, serveMetrics, type ServiceReading } from './metrics.js';
import { sample } from './test-metrics.js';

async function serve(token?: string) {
  const server = await serveMetrics({ host: '127.0.0.1', port: 0, token, log: silentLogger });
  onTestFinished(server.close);
  return server.url;
}

const reading = (service: string, fields: Partial<ServiceReading> = {}): ServiceReading => ({
  service,
  criticality: 'CRITICAL',
  status: 'OK',
  revenuePerHourAtRisk: 0,
  errorBudgetLeftSeconds: null,
  timeToBreachSeconds: null,
  ...fields,
});

describe('/metrics', () => {
  const withdraw: (() => void)[] = [];
  afterEach(() => {
    for (const w of withdraw.splice(0)) w();
  });

  it('serves the exposition at /metrics only, and only to GET', async () => {
    const url = await serve();
    observe.toolCall('metrics-test-tool', 0.01);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE servicegraph_tool_call_duration_seconds histogram');
    expect(await sample('servicegraph_tool_call_duration_seconds_count', { connector: 'metrics-test-tool', outcome: 'ok' }, text)).toBe(1);
    // Node's own process metrics come along.
    expect(text).toContain('process_cpu_user_seconds_total');
    expect((await fetch(url.replace('/metrics', '/graphql'))).status).toBe(404);
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('with a token configured, answers only a scrape that sends it', async () => {
    const url = await serve('metrics-token-0123456789');
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await fetch(url, { headers: { authorization: 'Bearer metrics-token-0123456780' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Basic bWV0cmljcw==' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('servicegraph_service_status');
  });

  it('the business view: one series per service and criticality, read at scrape time, gone once withdrawn', async () => {
    let status: ServiceReading['status'] = 'CRITICAL';
    const withdrawPayroll = reportServices(async () => [
      reading('payroll', { status, revenuePerHourAtRisk: 20_000, errorBudgetLeftSeconds: 540, timeToBreachSeconds: 540 }),
      reading('email', { criticality: 'HIGH', errorBudgetLeftSeconds: 2000 }),
    ]);
    withdraw.push(withdrawPayroll);
    expect(await sample('servicegraph_service_status', { service: 'payroll', criticality: 'CRITICAL' })).toBe(4);
    expect(await sample('servicegraph_service_status', { service: 'email', criticality: 'HIGH' })).toBe(0);
    expect(await sample('servicegraph_service_revenue_at_risk_per_hour', { service: 'payroll' })).toBe(20_000);
    expect(await sample('servicegraph_service_sla_error_budget_left_seconds', { service: 'email' })).toBe(2000);
    // Only while down: email is up, so it has no time to breach.
    expect(await sample('servicegraph_service_sla_time_to_breach_seconds', { service: 'payroll' })).toBe(540);
    expect(await sample('servicegraph_service_sla_time_to_breach_seconds', { service: 'email' })).toBeUndefined();
    status = 'UNKNOWN';
    expect(await sample('servicegraph_service_status', { service: 'payroll' })).toBe(5);
    withdrawPayroll();
    expect(await sample('servicegraph_service_status', { service: 'payroll' })).toBeUndefined();
  });

  it('encodes statuses by severity, UNKNOWN above CRITICAL so it never reads as OK', () => {
    expect(STATUS_VALUE).toEqual({ OK: 0, WARNING: 1, MINOR: 2, MAJOR: 3, CRITICAL: 4, UNKNOWN: 5 });
  });

  it('caps the operation names a client can put in the registry', async () => {
    for (let i = 0; i < 150; i++) observe.graphqlRequest(`Op${i}`, 'success', 0.001, []);
    const text = (await import('./metrics.js').then((m) => m.metricsText())).body;
    const names = new Set([...text.matchAll(/servicegraph_graphql_request_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(names.size).toBeLessThanOrEqual(101);
    expect(names).toContain('(other)');
    expect(await sample('servicegraph_graphql_request_duration_seconds_count', { operation: '(other)' }, text)).toBeGreaterThanOrEqual(50);
  });

  it('documents every servicegraph metric in a table', () => {
    const table = metricsTable();
    expect(table).toContain('| `servicegraph_service_status` | gauge | `service`, `criticality` |');
    expect(table).not.toContain('process_');
  });
});
