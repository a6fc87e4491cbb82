import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConfluence } from '../connectors/confluence/fake-server.js';
import { listenOnLoopback } from '../connectors/core/fake-http.js';
import { captureLogger } from '../kernel/log.js';
import { sample } from '../kernel/test-metrics.js';
import { startStack, withConfluence, type Stack } from './harness.js';

/**
 * Observability through the whole stack, subgraphs behind HTTP (as in remote mode): the request log
 * line, /metrics (GraphQL, subgraph fetches, tool calls, cache, breaker, health evaluation and the
 * business view) and the trace, exported as OTLP/HTTP JSON to a receiver on loopback, from the
 * gateway's request through planning and the subgraph fetch (joined by its traceparent) to the tool
 * call.
 */
type Line = Record<string, unknown>;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
  status?: { code?: number };
}

/** An OTLP/HTTP traces receiver (JSON encoding) on loopback: what the exporter sent, span by span. */
async function startOtlpReceiver() {
  const spans: OtlpSpan[] = [];
  const listener = await listenOnLoopback(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const r of body.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    }),
  );
  return { ...listener, spans };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : undefined);
};

describe('observability, subgraphs over HTTP', () => {
  let stack: Stack;
  let wiki: Awaited<ReturnType<typeof startFakeConfluence>>;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let lines: Line[];
  let operator: string;

  beforeAll(async () => {
    wiki = await startFakeConfluence();
    receiver = await startOtlpReceiver();
    const captured = captureLogger('info');
    lines = captured.lines;
    stack = await startStack({
      transport: 'http',
      log: captured.log,
      env: { CONFLUENCE_TOKEN: 'confluence-api-token' },
      extra: `metrics: { enabled: true, host: 127.0.0.1, port: 0 }
tracing: { endpoint: "${receiver.url}/v1/traces", serviceName: servicegraph-test }`,
      connectors: withConfluence(wiki.url),
    });
    operator = await stack.token('operator');
  });
  afterAll(async () => {
    await stack?.close();
    await wiki?.close();
    await receiver?.close();
  });

  async function request(query: string, token?: string) {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    return { id: res.headers.get('x-request-id') ?? '', status: res.status, body };
  }
  const requestLines = (id: string) => lines.filter((l) => l['msg'] === 'graphql request' && l['requestId'] === id);

  it('logs one line per GraphQL request: operation, outcome, duration, viewer, roles, request id', async () => {
    const ok = await request('query Articles { searchArticles(text: "payroll batch") { id } }', operator);
    expect(ok.body.errors).toBeUndefined();
    expect(requestLines(ok.id)).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        requestId: ok.id,
        operation: 'Articles',
        operationType: 'query',
        outcome: 'success',
        status: 200,
        ms: expect.any(Number),
        viewer: 'test-operator',
        roles: ['operator'],
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        msg: 'graphql request',
      },
    ]);
    // Not per field, not per subgraph fetch: the one line, whatever the query touches.
    const dashboard = await request('{ services { nodes { id status alerts { id } incidents { id } } } }', operator);
    expect(requestLines(dashboard.id)).toHaveLength(1);
    expect(requestLines(dashboard.id)[0]).toMatchObject({ operation: null, operationType: 'query', outcome: 'success' });

    const executive = await request(
      'query Why { service(id: "payroll") { name rootCauses { pathText } } }',
      await stack.token('executive'),
    );
    expect(requestLines(executive.id)).toEqual([
      expect.objectContaining({
        operation: 'Why',
        outcome: 'partial',
        errors: ['FORBIDDEN'],
        viewer: 'test-executive',
        roles: ['executive'],
      }),
    ]);

    const forged = await request('query Articles { searchArticles(text: "x") { id } }', 'not-a-jwt');
    expect(forged.status).toBe(401);
    expect(requestLines(forged.id)).toEqual([
      expect.objectContaining({ operation: null, outcome: 'error', status: 401, errors: ['UNAUTHENTICATED'], viewer: null, roles: [] }),
    ]);
  });

  it('serves /metrics on its own listener: requests, subgraph fetches, tool calls, cache, breaker, health, business view', async () => {
    await request('query Articles { searchArticles(text: "disk full") { id } }', operator);
    await request('query Articles { searchArticles(text: "disk full") { id } }', operator);
    expect(stack.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(stack.metricsUrl).not.toBe(stack.url.replace('/graphql', '/metrics'));
    // Not on the GraphQL port.
    expect((await fetch(stack.url.replace('/graphql', '/metrics'))).status).toBe(404);
    const text = await (await fetch(stack.metricsUrl as string)).text();
    const at = (name: string, labels: Record<string, string>) => sample(name, labels, text);

    expect(
      await at('servicegraph_graphql_request_duration_seconds_count', { operation: 'Articles', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await at('servicegraph_graphql_request_duration_seconds_count', { operation: '(none)', outcome: 'error' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await at('servicegraph_graphql_errors_total', { code: 'FORBIDDEN' })).toBeGreaterThanOrEqual(1);
    expect(await at('servicegraph_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    expect(
      await at('servicegraph_subgraph_fetch_duration_seconds_count', { subgraph: 'knowledge', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(3);
    expect(await at('servicegraph_subgraph_fetch_duration_seconds_count', { subgraph: 'services' })).toBeGreaterThanOrEqual(1);
    // Two searches for "disk full": the second is served by the cache.
    expect(await at('servicegraph_tool_call_duration_seconds_count', { connector: 'wiki', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(await at('servicegraph_cache_reads_total', { connector: 'wiki', result: 'miss' })).toBeGreaterThanOrEqual(2);
    expect(await at('servicegraph_cache_reads_total', { connector: 'wiki', result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(await at('servicegraph_breaker_state', { connector: 'wiki' })).toBe(0);
    expect(await at('servicegraph_health_evaluation_duration_seconds_count', {})).toBeGreaterThanOrEqual(1);
    // The demo's story: payroll is down (CRITICAL), its revenue at risk, its SLA budget counting down.
    expect(await at('servicegraph_service_status', { service: 'payroll', criticality: 'CRITICAL' })).toBe(4);
    expect(await at('servicegraph_service_status', { service: 'email' })).toBe(0);
    expect(await at('servicegraph_service_revenue_at_risk_per_hour', { service: 'payroll' })).toBe(20_000);
    expect(await at('servicegraph_service_sla_error_budget_left_seconds', { service: 'payroll' })).toEqual(expect.any(Number));
    expect(await at('servicegraph_service_sla_time_to_breach_seconds', { service: 'payroll' })).toBeGreaterThan(0);
  });

  it('exports one trace per request, from the gateway through planning and the subgraph fetch to the tool call', async () => {
    const { id } = await request('query Articles { searchArticles(text: "mail queue") { id } }', operator);
    // Closing exports what is pending (the batch would otherwise wait for its timer).
    await stack.close();
    const spans = receiver.spans;
    const root = spans.find((s) => attribute(s, 'servicegraph.request_id') === id && !s.parentSpanId);
    expect(root).toMatchObject({ name: 'query Articles', kind: 2 });
    const trace = spans.filter((s) => s.traceId === root?.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const parent = (s: OtlpSpan | undefined) => (s?.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const named = (name: string) => trace.filter((s) => s.name === name);

    const gatewayRequest = named('gateway.request')[0];
    expect(parent(gatewayRequest)).toBe(root);
    expect(parent(named('gateway.plan')[0])).toBe(gatewayRequest);
    const fetch = named('gateway.fetch').find((s) => attribute(s, 'service') === 'knowledge');
    expect(fetch).toBeDefined();
    // The subgraph's span is a child of the fetch: it joined through the traceparent header.
    const subgraph = named('subgraph knowledge')[0];
    expect(subgraph).toMatchObject({ kind: 2 });
    expect(parent(subgraph)).toBe(fetch);
    expect(attribute(subgraph as OtlpSpan, 'servicegraph.request_id')).toBe(id);
    const tool = trace.find((s) => attribute(s, 'servicegraph.connector') === 'wiki');
    expect(tool).toMatchObject({ name: 'wiki GET rest/api/search', kind: 3 });
    expect(attribute(tool as OtlpSpan, 'http.response.status_code')).toBe(200);
    expect(parent(tool)).toBe(subgraph);
    // Nothing a span carries holds the search text or a credential.
    expect(JSON.stringify(trace)).not.toMatch(/mail queue|confluence-api-token|Bearer/);
  });
});

describe('observability off by default, business series by switch', () => {
  let stack: Stack;
  let wiki: Awaited<ReturnType<typeof startFakeConfluence>>;
  beforeAll(async () => {
    wiki = await startFakeConfluence();
    stack = await startStack({
      extra: 'metrics: { enabled: true, port: 0, business: false }',
      env: { CONFLUENCE_TOKEN: 'confluence-api-token' },
      connectors: `
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: kb-down, type: confluence, baseUrl: "${wiki.url}", email: bot@example.com, apiToken: "\${CONFLUENCE_TOKEN}", retryLimit: 0, breakerThreshold: 3 }`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await wiki?.close();
  });

  it('a breaker that opens shows in /metrics, with the failures by code', async () => {
    const operator = await stack.token('operator');
    wiki.setFailures(Array.from({ length: 3 }, () => ({ status: 503 })));
    for (let i = 0; i < 4; i++) await stack.gql(`{ searchArticles(text: "outage ${i}") { id } }`, { token: operator });
    const text = await (await fetch(stack.metricsUrl as string)).text();
    expect(await sample('servicegraph_breaker_state', { connector: 'kb-down' }, text)).toBe(2);
    expect(await sample('servicegraph_tool_call_errors_total', { connector: 'kb-down', code: 'UPSTREAM_UNAVAILABLE' }, text)).toBe(4);
    expect(await sample('servicegraph_cache_reads_total', { connector: 'kb-down', result: 'error' }, text)).toBe(4);
  });

  it('without metrics.business, /metrics names no service', async () => {
    const operator = await stack.token('operator');
    await stack.gql('{ services { nodes { id status } } }', { token: operator });
    const text = await (await fetch(stack.metricsUrl as string)).text();
    expect(text).toContain('servicegraph_graphql_request_duration_seconds_count');
    expect(text).not.toMatch(/service="/);
    expect(text).not.toMatch(/payroll/);
  });

  it('without metrics.enabled there is no listener', async () => {
    const plain = await startStack();
    try {
      expect(plain.metricsUrl).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
