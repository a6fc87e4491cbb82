import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript, readBody } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';
import { alertFingerprint } from './mapping.js';

/**
 * A protocol-faithful fake of Alertmanager API v2 + Prometheus HTTP API v1 on one port, modelled on
 * responses recorded from Alertmanager 0.25 / Prometheus 2.42 (fixtures/): `silencedBy` computed on
 * every read, silences kept after DELETE as `expired`, 422 `{"code":602,…}` for a silence without
 * comment/createdBy (present but empty is accepted), 422 612 without matchers, 400 for an end in the past, 422 `{"code":601,…}` for a non-UUID id, 500
 * "silence not found" for an unknown one, the `{status,data}` envelope with string sample values,
 * Alertmanager's real fingerprints, and a `Date` header on every answer from the fake's clock.
 *
 * The two servers keep their own state, as the real ones do: Prometheus fires the alerts of its rules
 * (`/api/v1/alerts`, `/api/v1/rules`) once it has evaluated them, scrapes its targets
 * (`/api/v1/targets`), and reports when it started (`/api/v1/status/runtimeinfo`) and its flags;
 * Alertmanager lists what it has been sent, and when it started (`/api/v2/status`). A test drives the
 * rest explicitly, never by waiting: `restart('alertmanager')` (it forgets every alert, keeps its
 * silences), `restart('prometheus')` (nothing scraped or evaluated yet), `scrape()`, `evaluate()`
 * (rules run, firing alerts are sent to Alertmanager again), `advance(ms)` (the fake's clock).
 */

export interface FakeAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Inhibition is a rule in Alertmanager; the fake lets a test mark an alert inhibited directly. */
  inhibitedBy?: string[];
  /** Sent to Alertmanager directly by another client, not fired by a Prometheus rule. @default false */
  pushed?: boolean;
}

/** A scrape target; `health` is what a scrape finds. */
export interface FakeTarget {
  labels: Record<string, string>;
  health?: 'up' | 'down';
}

interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface FakeSilence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  updatedAt: string;
  /** Set by DELETE only. */
  expired: boolean;
}

export interface FakePrometheusOptions {
  /** Require these credentials (Basic) on every request. */
  basic?: { username: string; password: string };
  /** Require this bearer token on every request. */
  token?: string;
  alerts?: FakeAlert[];
  /** Prometheus's scrape targets. @default the recorded ones (two up, 127.0.0.1:19999 down) */
  targets?: FakeTarget[];
}

const fixture = (file: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));

/** The recorded alerts: TargetDown (ci_id label, IP instance), AlwaysFiring (ci label), DiskFull (db01:9100, pushed to Alertmanager). */
export function seedAlerts(): FakeAlert[] {
  const fromRules = (fixture('am-alerts-firing.json') as FakeAlert[]).map(({ labels, annotations, startsAt }) => ({
    labels,
    annotations,
    startsAt,
  }));
  const pushed = (fixture('am-alerts-diskfull.json') as FakeAlert[]).map(({ labels, annotations, startsAt }) => ({
    labels,
    annotations,
    startsAt,
    pushed: true,
  }));
  return [...fromRules, ...pushed];
}

interface RecordedTarget {
  labels: Record<string, string>;
  health: 'up' | 'down';
}
const seedTargets = (): FakeTarget[] =>
  (fixture('prom-targets.json') as { data: { activeTargets: RecordedTarget[] } }).data.activeTargets.map(({ labels, health }) => ({
    labels,
    health,
  }));

function matches(m: Matcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? '';
  const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
  return m.isEqual ? hit : !hit;
}

/** `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"`: the filter syntax of GET /api/v2/alerts. */
function parseFilter(filter: string): Matcher | null {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!m) return null;
  const value = (m[3] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return { name: m[1] ?? '', value, isRegex: m[2]?.includes('~') ?? false, isEqual: !m[2]?.startsWith('!') };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startFakePrometheus(options: FakePrometheusOptions = {}) {
  const alerts: FakeAlert[] = options.alerts ?? seedAlerts();
  const targets = options.targets ?? seedTargets();
  const silences = new Map<string, FakeSilence>();
  const requests: string[] = [];
  const faults = createFaultScript();

  let offset = 0;
  const now = () => Date.now() + offset;
  const iso = (ms: number) => new Date(ms).toISOString();
  const ZERO_TIME = '0001-01-01T00:00:00Z';
  const born = now();
  /** Both servers have been running for an hour: everything is scraped, evaluated and sent. */
  const prometheus = { startedAt: born - 3_600_000, scrapedAt: (born - 1000) as number | null, evaluatedAt: (born - 500) as number | null };
  const alertmanager = { startedAt: born - 3_600_000, forgotten: new Set<FakeAlert>() };
  const fromRules = () => alerts.filter((a) => !a.pushed);
  const evaluated = () => prometheus.evaluatedAt !== null && prometheus.evaluatedAt >= prometheus.startedAt;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res
      .writeHead(status, { 'content-type': 'application/json', date: new Date(now()).toUTCString() })
      .end(body === undefined ? '' : JSON.stringify(body));
  };
  const success = (res: ServerResponse, data: unknown): void => send(res, 200, { status: 'success', data });

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (options.basic) return header === `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
    if (options.token) return header === `Bearer ${options.token}`;
    return true;
  };

  const activeSilence = (s: FakeSilence, at = now()) => !s.expired && Date.parse(s.startsAt) <= at && Date.parse(s.endsAt) > at;
  const silenceState = (s: FakeSilence) =>
    activeSilence(s) ? 'active' : s.expired || Date.parse(s.endsAt) <= now() ? 'expired' : 'pending';
  const silenceJson = (s: FakeSilence) => ({
    id: s.id,
    status: { state: silenceState(s) },
    updatedAt: s.updatedAt,
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: s.endsAt,
    matchers: s.matchers,
    startsAt: s.startsAt,
  });
  const alertJson = (a: FakeAlert) => {
    const silencedBy = [...silences.values()]
      .filter((s) => activeSilence(s) && s.matchers.every((m) => matches(m, a.labels)))
      .map((s) => s.id);
    const inhibitedBy = a.inhibitedBy ?? [];
    return {
      annotations: a.annotations,
      endsAt: iso(now() + 4 * 60_000),
      fingerprint: alertFingerprint(a.labels),
      receivers: [{ name: 'null' }],
      startsAt: a.startsAt,
      status: { inhibitedBy, silencedBy, state: silencedBy.length || inhibitedBy.length ? 'suppressed' : 'active' },
      updatedAt: iso(now()),
      generatorURL: 'http://prometheus.invalid/graph',
      labels: a.labels,
    };
  };
  /** Prometheus's view of one of its rule alerts (`/api/v1/alerts`, and each rule's `alerts`). */
  const promAlertJson = (a: FakeAlert) => ({
    labels: a.labels,
    annotations: a.annotations,
    state: 'firing',
    activeAt: a.startsAt,
    value: '1e+00',
  });
  const targetJson = (t: FakeTarget) => {
    const instance = t.labels['instance'] ?? '';
    const scraped = prometheus.scrapedAt !== null && prometheus.scrapedAt >= prometheus.startedAt;
    const health = scraped ? (t.health ?? 'up') : 'unknown';
    return {
      discoveredLabels: { __address__: instance, __metrics_path__: '/metrics', __scheme__: 'http', ...t.labels },
      labels: t.labels,
      scrapePool: t.labels['job'] ?? '',
      scrapeUrl: `http://${instance}/metrics`,
      globalUrl: `http://${instance}/metrics`,
      lastError: health === 'down' ? 'connection refused' : '',
      lastScrape: scraped ? iso(prometheus.scrapedAt ?? 0) : ZERO_TIME,
      lastScrapeDuration: scraped ? 0.001 : 0,
      health,
      scrapeInterval: '5s',
      scrapeTimeout: '5s',
    };
  };
  type RecordedGroup = { rules: { name: string; alerts: unknown[]; state: string; lastEvaluation: string }[]; lastEvaluation: string };
  const rulesJson = () => {
    const recorded = fixture('prom-rules.json') as { data: { groups: RecordedGroup[] } };
    const at = evaluated() ? iso(prometheus.evaluatedAt ?? 0) : ZERO_TIME;
    for (const group of recorded.data.groups) {
      group.lastEvaluation = at;
      for (const rule of group.rules) {
        rule.alerts = evaluated()
          ? fromRules()
              .filter((a) => a.labels['alertname'] === rule.name)
              .map(promAlertJson)
          : [];
        rule.state = rule.alerts.length ? 'firing' : 'inactive';
        rule.lastEvaluation = at;
      }
    }
    return recorded;
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/v2/alerts') {
      const filters = url.searchParams.getAll('filter').map(parseFilter);
      if (filters.some((f) => f === null)) return send(res, 400, { code: 400, message: 'bad matcher format' });
      const flag = (name: string) => url.searchParams.get(name) !== 'false';
      const list = alerts
        .filter((a) => !alertmanager.forgotten.has(a) && filters.every((f) => f !== null && matches(f, a.labels)))
        .map(alertJson)
        .filter((a) => (a.status.silencedBy.length ? flag('silenced') : a.status.inhibitedBy.length ? flag('inhibited') : flag('active')));
      return send(res, 200, list);
    }
    if (method === 'GET' && path === '/api/v2/silences') return send(res, 200, [...silences.values()].map(silenceJson));
    if (method === 'POST' && path === '/api/v2/silences') {
      let body: Partial<FakeSilence>;
      try {
        body = JSON.parse(await readBody(req)) as Partial<FakeSilence>;
      } catch {
        return send(res, 400, { code: 400, message: 'parsing silence body failed' });
      }
      // Alertmanager checks presence (OpenAPI `required`), not emptiness: "" is a valid comment.
      for (const field of ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'] as const) {
        if (body[field] === undefined || body[field] === null)
          return send(res, 422, { code: 602, message: `${field} in body is required` });
      }
      if (!body.matchers?.length) return send(res, 422, { code: 612, message: 'matchers in body should have at least 1 items' });
      const at = now();
      const startsAt = Math.max(Date.parse(body.startsAt ?? ''), at);
      const endsAt = Date.parse(body.endsAt ?? '');
      if (Number.isNaN(endsAt) || endsAt < at) return send(res, 400, "Failed to create silence: end time can't be in the past");
      if (endsAt < startsAt) return send(res, 400, 'Failed to create silence: start time must be before end time');
      const silence: FakeSilence = {
        id: randomUUID(),
        matchers: body.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual ?? true })),
        startsAt: iso(startsAt),
        endsAt: iso(endsAt),
        createdBy: body.createdBy ?? '',
        comment: body.comment ?? '',
        updatedAt: iso(at),
        expired: false,
      };
      silences.set(silence.id, silence);
      return send(res, 200, { silenceID: silence.id });
    }
    const one = /^\/api\/v2\/silence\/([^/]+)$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1] ?? '');
      if (!UUID.test(id)) return send(res, 422, { code: 601, message: `silenceID in path must be of type uuid: "${id}"` });
      const silence = silences.get(id);
      if (method === 'GET') return silence ? send(res, 200, silenceJson(silence)) : send(res, 404, undefined);
      if (method === 'DELETE') {
        if (!silence || silence.expired) return send(res, 500, 'silence not found');
        silence.expired = true;
        silence.endsAt = silence.updatedAt = iso(now());
        return send(res, 200, undefined);
      }
    }
    if (method === 'GET' && path === '/api/v2/status') {
      return send(res, 200, { ...(fixture('am-status.json') as object), uptime: iso(alertmanager.startedAt) });
    }

    if (method === 'GET' && path === '/api/v1/alerts') return success(res, { alerts: evaluated() ? fromRules().map(promAlertJson) : [] });
    if (method === 'GET' && path === '/api/v1/targets') return success(res, { activeTargets: targets.map(targetJson), droppedTargets: [] });
    if (method === 'GET' && path === '/api/v1/status/runtimeinfo') {
      const recorded = fixture('prom-runtimeinfo.json') as { data: object };
      return success(res, { ...recorded.data, startTime: iso(prometheus.startedAt), lastConfigTime: iso(prometheus.startedAt) });
    }
    if (method === 'GET' && path === '/api/v1/status/flags') return send(res, 200, fixture('prom-flags.json'));
    if (method === 'GET' && path === '/api/v1/status/buildinfo') return success(res, { version: '2.42.0' });
    if (method === 'GET' && path === '/api/v1/rules') return send(res, 200, rulesJson());
    if (method === 'GET' && (path === '/api/v1/query' || path === '/api/v1/query_range')) {
      const expr = url.searchParams.get('query') ?? '';
      if (!expr || (expr.match(/\(/g) ?? []).length !== (expr.match(/\)/g) ?? []).length) {
        return send(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": parse error' });
      }
      if (path === '/api/v1/query_range') {
        const start = Number(Date.parse(url.searchParams.get('start') ?? '')) / 1000;
        const step = Number(url.searchParams.get('step'));
        const up = (fixture('prom-query-up.json') as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } })
          .data.result;
        const series = expr === 'up' ? up : [];
        return success(res, {
          resultType: 'matrix',
          result: series.map((s) => ({ metric: s.metric, values: [0, 1, 2].map((i) => [start + i * step, s.value[1]]) })),
        });
      }
      if (expr === 'up') return send(res, 200, fixture('prom-query-up.json'));
      if (/^[0-9.]+\s*\/\s*0$/.test(expr)) return success(res, { resultType: 'scalar', result: [now() / 1000, '+Inf'] });
      return success(res, { resultType: 'vector', result: [] });
    }
    return send(res, 404, { code: 404, message: 'not found' });
  }

  const served = await serveFake({
    requests,
    faults,
    answer: (req, res) => (authorized(req) ? route(req, res, new URL(req.url ?? '/', 'http://fake')) : send(res, 401, 'Unauthorized')),
    internalError: (res) => send(res, 500, 'fake failed'),
  });
  const alertByFingerprint = (fingerprint: string) => alerts.find((a) => alertFingerprint(a.labels) === fingerprint);
  return {
    ...served,
    alerts,
    silences,
    fail: faults.fail,
    /** Requests whose `${method} ${path}` starts with this. */
    count: (prefix: string) => requests.filter((r) => r.startsWith(prefix)).length,
    /** Moves the fake's clock (what its answers and `Date` headers say) forward. */
    advance(ms: number) {
      offset += ms;
    },
    /** Restarts one server: Alertmanager forgets every alert (keeps its silences); Prometheus has scraped and evaluated nothing yet. */
    restart(server: 'alertmanager' | 'prometheus') {
      if (server === 'alertmanager') {
        alertmanager.startedAt = now();
        alertmanager.forgotten = new Set(alerts);
      } else {
        prometheus.startedAt = now();
        prometheus.scrapedAt = prometheus.evaluatedAt = null;
      }
    },
    /** Prometheus scrapes every target now. */
    scrape() {
      prometheus.scrapedAt = now();
    },
    /** Prometheus evaluates its rules now and sends what fires to Alertmanager again. */
    evaluate() {
      prometheus.evaluatedAt = now();
      for (const a of fromRules()) alertmanager.forgotten.delete(a);
    },
    /** What the tool carried out for this alert: silences created that select it, and those expired by DELETE. */
    recorded(fingerprint: string) {
      const alert = alertByFingerprint(fingerprint);
      const selecting = alert ? [...silences.values()].filter((s) => s.matchers.every((m) => matches(m, alert.labels))) : [];
      return { acknowledgements: selecting.length, removals: selecting.filter((s) => s.expired).length };
    },
  };
}

export type FakePrometheus = Awaited<ReturnType<typeof startFakePrometheus>>;
