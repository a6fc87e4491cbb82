import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERRORS } from './errors.js';
import type { Logger } from './log.js';
import { SEVERITY_ORDER, type Status } from './model.js';
import { createSingleFlight } from './single-flight.js';

/**
 * Every metric servicegraph exports, defined once here (name, help, labels, buckets), in the
 * process's one registry: Prometheus scrapes a process, and the gateway, each subgraph, every
 * connector's HTTP client, cache and breaker and the service model of that process report into it.
 * The registry is process-wide like the request context (request-context.ts) and OpenTelemetry's
 * tracer provider, so the instrumentation lives in the shared code every connector already goes
 * through (connectors/core) and no connector can leave it out. State that belongs to an instance
 * (a breaker, a service model) is read at scrape time through a report that its owner withdraws.
 * `npm run docs:metrics` writes the README's table from this registry.
 */

const registry = new Registry();

/** Latency buckets in seconds: from a cached in-process answer to a tool at its timeout. */
const SECONDS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How a GraphQL request or fetch ended: all data, data with errors, or errors only. */
export type Outcome = 'success' | 'partial' | 'error';

const graphqlRequests = new Histogram({
  name: 'servicegraph_graphql_request_duration_seconds',
  help: 'GraphQL requests at the gateway by operation name and outcome (success, partial, error), from the first byte to the answer',
  labelNames: ['operation', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const graphqlErrors = new Counter({
  name: 'servicegraph_graphql_errors_total',
  help: 'Errors in the gateway’s answers by extensions.code (FORBIDDEN, UNAUTHENTICATED, LIMIT_EXCEEDED, UPSTREAM_UNAVAILABLE, …)',
  labelNames: ['code'] as const,
  registers: [registry],
});
const subgraphFetches = new Histogram({
  name: 'servicegraph_subgraph_fetch_duration_seconds',
  help: 'Fetches from the gateway to each subgraph (in process or over HTTP) by outcome',
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const toolCalls = new Histogram({
  name: 'servicegraph_tool_call_duration_seconds',
  help: 'Calls to a tool per connector instance by outcome (ok, error), retries included',
  labelNames: ['connector', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const toolErrors = new Counter({
  name: 'servicegraph_tool_call_errors_total',
  help: 'Failed tool calls per connector instance by error code (UPSTREAM_UNAVAILABLE, UPSTREAM_AUTH_FAILED, NOT_FOUND, UPSTREAM_REJECTED)',
  labelNames: ['connector', 'code'] as const,
  registers: [registry],
});
const cacheReads = new Counter({
  name: 'servicegraph_cache_reads_total',
  help: 'Cached reads per connector instance: hit (fresh, no call), shared (joined a call in flight, here or in another replica), miss (called the tool), stale (the tool failed, the last good answer served), error (the tool failed, nothing to serve)',
  labelNames: ['connector', 'result'] as const,
  registers: [registry],
});
const healthEvaluations = new Histogram({
  name: 'servicegraph_health_evaluation_duration_seconds',
  help: 'Health evaluations of the service model: monitor reads, CMDB topology and the rule engine',
  buckets: SECONDS,
  registers: [registry],
});

/** The instruments the code reports into: plain functions, so no caller depends on prom-client. */
export const observe = {
  graphqlRequest(operation: string, outcome: Outcome, seconds: number, errorCodes: readonly string[]): void {
    graphqlRequests.observe({ operation: operationLabel(operation), outcome }, seconds);
    for (const code of errorCodes) graphqlErrors.inc({ code });
  },
  subgraphFetch(subgraph: string, outcome: Outcome, seconds: number): void {
    subgraphFetches.observe({ subgraph, outcome }, seconds);
  },
  /** `code` is the coded error's extensions.code when the call failed. */
  toolCall(connector: string, seconds: number, code?: string): void {
    toolCalls.observe({ connector, outcome: code === undefined ? 'ok' : 'error' }, seconds);
    if (code !== undefined) toolErrors.inc({ connector, code });
  },
  cacheRead(connector: string, result: 'hit' | 'shared' | 'miss' | 'stale' | 'error'): void {
    cacheReads.inc({ connector, result });
  },
  healthEvaluation(seconds: number): void {
    healthEvaluations.observe(seconds);
  },
};

/** Seconds since `startedAt` (a performance.now() reading). */
export const secondsSince = (startedAt: number): number => (performance.now() - startedAt) / 1000;

/**
 * Operation names are the client's words: the first MAX_OPERATIONS distinct ones get series of their
 * own, later ones share `(other)`, so a client cannot grow the registry without bound.
 */
const MAX_OPERATIONS = 100;
const operations = new Set<string>();
function operationLabel(name: string): string {
  if (operations.has(name)) return name;
  if (operations.size >= MAX_OPERATIONS) return '(other)';
  operations.add(name);
  return name;
}

/** A circuit's state, as connectors/core/breaker.ts keeps it. */
export type CircuitState = 'closed' | 'half-open' | 'open';
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Breakers are read when scraped (half-open is a matter of time, not an event). Held weakly: a
 * breaker whose connector is gone stops being reported without anyone withdrawing it.
 */
const breakers = new Set<WeakRef<{ connector: string; state: () => CircuitState }>>();
new Gauge({
  name: 'servicegraph_breaker_state',
  help: 'Circuit breaker per connector instance: 0 closed, 1 half-open (one trial call let through), 2 open (failing fast); the worst of its circuits',
  labelNames: ['connector'] as const,
  registers: [registry],
  collect() {
    this.reset();
    const worst = new Map<string, number>();
    for (const ref of breakers) {
      const breaker = ref.deref();
      if (!breaker) {
        breakers.delete(ref);
        continue;
      }
      const value = CIRCUIT_VALUE[breaker.state()];
      worst.set(breaker.connector, Math.max(value, worst.get(breaker.connector) ?? 0));
    }
    for (const [connector, value] of worst) this.set({ connector }, value);
  },
});

/** Reports a breaker's state from now on; `breaker` must stay referenced by its owner. */
export function reportBreaker(breaker: { connector: string; state: () => CircuitState }): void {
  breakers.add(new WeakRef(breaker));
}

/**
 * The business view, so a Prometheus can alert on business services. Status as a number in the
 * order of severity: 0 OK, 1 WARNING, 2 MINOR, 3 MAJOR, 4 CRITICAL, and 5 UNKNOWN (above every
 * severity, so `>= 3` alerts on what may be down and never reads UNKNOWN as OK).
 */
export const STATUS_VALUE: Record<Status, number> = {
  ...(Object.fromEntries(SEVERITY_ORDER.map((s, i) => [s, i])) as Record<(typeof SEVERITY_ORDER)[number], number>),
  UNKNOWN: SEVERITY_ORDER.length,
};

/** One business service as the model sees it now. */
export interface ServiceReading {
  service: string;
  criticality: string;
  status: Status;
  revenuePerHourAtRisk: number;
  /** Null when the service has no SLA. */
  errorBudgetLeftSeconds: number | null;
  /** Null unless the service is down now and has an SLA. */
  timeToBreachSeconds: number | null;
}

const serviceSources = new Set<() => Promise<ServiceReading[]>>();
/** One reading of every source per scrape, shared by the gauges below (collected together). */
const readServices = createSingleFlight(async () => (await Promise.all([...serviceSources].map((read) => read()))).flat(), 0);

function serviceGauge(name: string, help: string, value: (reading: ServiceReading) => number | null) {
  return new Gauge({
    name,
    help,
    labelNames: ['service', 'criticality'] as const,
    registers: [registry],
    async collect() {
      const readings = serviceSources.size > 0 ? await readServices() : [];
      this.reset();
      for (const reading of readings) {
        const v = value(reading);
        if (v !== null) this.set({ service: reading.service, criticality: reading.criticality }, v);
      }
    },
  });
}
serviceGauge(
  'servicegraph_service_status',
  'Status of each business service: 0 OK, 1 WARNING, 2 MINOR, 3 MAJOR, 4 CRITICAL, 5 UNKNOWN',
  (r) => STATUS_VALUE[r.status],
);
serviceGauge(
  'servicegraph_service_revenue_at_risk_per_hour',
  'Revenue per hour at risk from each business service’s status now (all of it when down, half when degraded)',
  (r) => r.revenuePerHourAtRisk,
);
serviceGauge(
  'servicegraph_service_sla_error_budget_left_seconds',
  'SLA error budget left in the window of each business service with an SLA, in seconds (0 once breached)',
  (r) => r.errorBudgetLeftSeconds,
);
serviceGauge(
  'servicegraph_service_sla_time_to_breach_seconds',
  'How long the current outage of a business service may go on before its SLA breaks; only while it is down',
  (r) => r.timeToBreachSeconds,
);

/** Adds a source of business readings (a service model); returns how to withdraw it. */
export function reportServices(read: () => Promise<ServiceReading[]>): () => void {
  serviceSources.add(read);
  return () => serviceSources.delete(read);
}

/** The exposition of every metric, as Prometheus scrapes it. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Markdown table of servicegraph's own metrics, for the README (`npm run docs:metrics`). */
export function metricsTable(): string {
  const rows = registry.getMetricsAsArray().flatMap((m) => {
    const { name, help, labelNames } = m as unknown as { name: string; help: string; labelNames: readonly string[] };
    if (!name.startsWith('servicegraph_')) return []; // Node's process metrics are prom-client's, documented there
    const type = m instanceof Histogram ? 'histogram' : m instanceof Counter ? 'counter' : 'gauge';
    return [`| \`${name}\` | ${type} | ${labelNames.map((l) => `\`${l}\``).join(', ')} | ${help} |`];
  });
  return ['| metric | type | labels | what it measures |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
  log: Logger;
}

let processMetrics = false;

/**
 * /metrics on a listener of its own, never on the GraphQL port: the port a load balancer or ingress
 * exposes to callers does not serve it, so an anonymous caller cannot read the business series, and
 * a scrape needs neither a user token nor the policy. Bound to the configured address (loopback by
 * default), and behind a bearer token when one is configured.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  if (!processMetrics) {
    // Node's own process metrics (CPU, memory, event loop lag, GC), read at scrape time.
    collectDefaultMetrics({ register: registry });
    processMetrics = true;
  }
  const expected = options.token === undefined ? null : digest(options.token);
  const server = createServer((req, res) => {
    const answer = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
    };
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics')
      return answer(404, ERRORS.NOT_FOUND.code, 'not found: use /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, ERRORS.BAD_USER_INPUT.code, 'use GET');
    if (expected && !authorized(req, expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      return answer(401, ERRORS.UNAUTHENTICATED.code, 'a bearer token is required for /metrics');
    }
    metricsText().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        options.log.error('metrics collection failed', { reason: error instanceof Error ? error.message : String(error) });
        answer(500, ERRORS.INTERNAL_SERVER_ERROR.code, 'metrics collection failed');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so the check takes the same time however much of the token was right. */
function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}
