import { createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import type { MonitorApi } from '../connectors/core/connector.js';
import type { Logger } from '../kernel/log.js';
import { SEVERITY_ORDER, type Status } from '../kernel/model.js';
import { DAY_MS, durationText } from '../kernel/time.js';
import { conditionOf } from './condition.js';
import { type KpiDefinition, type ServiceDefinition, type ServiceDefinitions, VALUE_CLASSES } from './definitions.js';
import type { StatusChange, Transition } from './history.js';
import type { HealthSnapshot, ServiceModel } from './model.js';
import { createServiceReporter } from './service-report.js';
import { kpiValueAt, readKpi } from './views.js';

/**
 * Webhooks on three triggers: a service's status change, its SLA at risk within a horizon, and a
 * KPI out of its band. Only the lease holder records transitions and evaluates the other two
 * (bsm/model.ts `onRecorded`, `onEvaluated`), so each event is notified once across replicas.
 *
 * - Status change: from the transitions the model records; the history's compare-and-set writes
 *   each once. A first record (no status before it: a fresh install) is no change and notifies nothing.
 * - SLA at risk (`slaAtRiskWithin`): after each evaluation, a service whose SLA breaks within the
 *   horizon if its outage goes on, by the same arithmetic as `Query.slaAtRisk` (ServiceReporter);
 *   keyed by service and outage start (from the recorded history), so one outage notifies once
 *   however many evaluations see it, and a new outage (recovered, failed again) notifies again.
 * - KPI band (`kpis`): after each evaluation, a KPI that leaves its band (absolute `min`/`max`, or
 *   relative to its value `window` ago) notifies once per excursion: again only after a reading
 *   inside the band. A KPI the tool cannot answer is unknown: it neither leaves nor re-enters the band.
 *
 * Every event goes out the same way:
 * - Signed: `X-Servicegraph-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
 *   webhook's secret (from the environment, `${NAME}` in the config), as Stripe and GitHub do, so a
 *   receiver checks origin and freshness.
 * - Deduplicated: each event has an idempotency key, sent as `Idempotency-Key` on every attempt, so a
 *   receiver that got a retried delivery twice keeps one; the notifier itself never starts a key twice
 *   for a webhook.
 * - Retried with exponential backoff (backoffMs × 2^attempt) on a network error, a timeout, 429 or
 *   5xx, up to `maxAttempts`; 4xx other than 429 is final.
 * - Logged: every attempt is one JSON line in the delivery log (`<dataDir>/notifications.log`):
 *   webhook, key, attempt, HTTP status or error, never the secret or the body.
 * - `format: alertmanager` posts Alertmanager's webhook payload (version 4, one alert per event:
 *   `ServiceStatusChanged` firing unless the service is back to OK, `SlaAtRisk`, `KpiOutOfBand`), so
 *   existing receivers work unchanged; `servicegraph` posts `{ events: [...] }`.
 */

const STATUSES = ['OK', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL', 'UNKNOWN'] as const;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/**
 * "30m", "2h", "90s", "1d", as milliseconds. Four units of one grammar: a dependency (ms) would
 * accept more spellings than the README documents.
 */
const Duration = z
  .string()
  .regex(/^[1-9]\d*[smhd]$/, 'a duration such as 90s, 30m, 2h or 1d')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS]);

/** A band a KPI of a service is expected to stay in; at least one bound. */
const KpiBandSchema = z
  .strictObject({
    service: z.string().min(1),
    /** The KPI's name in the service definition. */
    kpi: z.string().min(1),
    /** Out of the band below this value. */
    min: z.number().optional(),
    /** Out of the band above this value. */
    max: z.number().optional(),
    /** Out of the band below this percentage of its value `window` ago (50: it halved). */
    dropBelowPercent: z.number().gt(0).lt(100).optional(),
    /** Out of the band above this percentage of its value `window` ago (200: it doubled). */
    riseAbovePercent: z.number().gt(100).optional(),
    /** How far back the relative bounds compare: "15m". */
    window: Duration.optional(),
  })
  .refine(
    (b) => [b.min, b.max, b.dropBelowPercent, b.riseAbovePercent].some((v) => v !== undefined),
    'give min, max, dropBelowPercent or riseAbovePercent',
  )
  .refine((b) => (b.window !== undefined) === (b.dropBelowPercent !== undefined || b.riseAbovePercent !== undefined), {
    message: 'window goes with dropBelowPercent or riseAbovePercent, and they need it',
    path: ['window'],
  })
  .refine((b) => b.min === undefined || b.max === undefined || b.min < b.max, { message: 'min must be below max', path: ['min'] });
type KpiBand = z.output<typeof KpiBandSchema>;

export const WebhookSchema = z.strictObject({
  name: z.string().min(1),
  url: z.url(),
  /** The HMAC key; from the environment: "${WEBHOOK_SECRET}". */
  secret: z.string().min(16, 'must be at least 16 characters'),
  format: z.enum(['alertmanager', 'servicegraph']).default('alertmanager'),
  /** Only these services (status changes, SLA at risk); every service when absent. */
  services: z.array(z.string()).optional(),
  /** Only services of these value classes (status changes, SLA at risk); every class when absent. */
  valueClasses: z.array(z.enum(VALUE_CLASSES)).optional(),
  /** Only changes to or from at least this status, and SLAs at risk of services at least this bad (OK: every one). @default WARNING */
  minStatus: z.enum(STATUSES).default('WARNING'),
  /** Notify status changes. @default true */
  statusChanges: z.boolean().default(true),
  /** Notify, once per outage, a service whose SLA would breach within this horizon if its outage goes on: "30m". */
  slaAtRiskWithin: Duration.optional(),
  /** Notify, once per excursion, a KPI that leaves its band (the services and status filters do not apply: each band names its service). */
  kpis: z.array(KpiBandSchema).default([]),
  /** @default 5 */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** First retry delay; doubles each attempt. @default 1000 */
  backoffMs: z.number().int().min(1).max(600_000).default(1000),
  /** @default 5000 */
  timeoutMs: z.number().int().positive().max(60_000).default(5000),
});
export type WebhookConfig = z.output<typeof WebhookSchema>;

export const NotificationsSchema = z.strictObject({ webhooks: z.array(WebhookSchema).default([]) }).prefault({});

interface EventBase {
  /** Idempotency key: the same event always has the same key. */
  key: string;
  serviceId: string;
  serviceName: string;
  at: Date;
}

export interface StatusEvent extends EventBase {
  kind: 'status';
  from: Status;
  to: Status;
  inMaintenance: boolean;
}

export interface SlaAtRiskEvent extends EventBase {
  kind: 'slaAtRisk';
  status: Status;
  /** When the current outage began (the history's first down transition of it). */
  outageStart: Date;
  breachAt: Date;
  timeToBreachSeconds: number;
}

export interface KpiEvent extends EventBase {
  kind: 'kpi';
  kpi: string;
  unit: string | null;
  value: number;
  /** Its value `window` ago, when a relative bound is configured and the tool could say. */
  previous: number | null;
  /** Which bound it crossed, in words: "below min 10", "below 50% of 15 minutes ago". */
  crossed: string;
}

export type NotificationEvent = StatusEvent | SlaAtRiskEvent | KpiEvent;

/** The service status changes among recorded transitions (CIs and first records are no event). */
export function statusEvents(written: readonly Transition[], definitions: ServiceDefinitions): StatusEvent[] {
  return written.flatMap((t) => {
    const def = definitions.byId.get(t.id);
    if (!def || t.from === null) return [];
    return [
      {
        key: `status:${t.id}:${t.at.getTime()}:${t.to}${t.inMaintenance ? ':maintenance' : ''}`,
        kind: 'status' as const,
        serviceId: t.id,
        serviceName: def.name,
        from: t.from,
        to: t.to,
        inMaintenance: t.inMaintenance,
        at: t.at,
      },
    ];
  });
}

/**
 * When the outage the service is in now began: the first transition of the run of down states the
 * history ends with; null when the history does not end down (the outage is not recorded yet).
 */
function outageStart(changes: readonly Pick<StatusChange, 'at' | 'to' | 'inMaintenance'>[]): Date | null {
  let start: Date | null = null;
  for (const change of [...changes].reverse()) {
    if (conditionOf({ status: change.to, inMaintenance: change.inMaintenance }) !== 'down') break;
    start = change.at;
  }
  return start;
}

/** Which bound of the band the reading is beyond; null inside; undefined when unknown (no value, or no past value to compare). */
function bandCrossed(band: KpiBand, value: number | null, previous: number | null): string | null | undefined {
  if (value === null) return undefined;
  if (band.min !== undefined && value < band.min) return `below min ${band.min}`;
  if (band.max !== undefined && value > band.max) return `above max ${band.max}`;
  if (band.window === undefined) return null;
  if (previous === null || previous <= 0) return undefined;
  const ago = durationText(band.window / 1000);
  const percent = (value / previous) * 100;
  if (band.dropBelowPercent !== undefined && percent < band.dropBelowPercent) return `below ${band.dropBelowPercent}% of ${ago} ago`;
  if (band.riseAbovePercent !== undefined && percent > band.riseAbovePercent) return `above ${band.riseAbovePercent}% of ${ago} ago`;
  return null;
}

const rank = (s: Status) => (s === 'UNKNOWN' ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(s));

/** The webhook's service filter (services, value classes, minimum status) over the statuses an event concerns. */
function wanted(hook: WebhookConfig, def: ServiceDefinition, statuses: Status[]): boolean {
  if (hook.services && !hook.services.includes(def.id)) return false;
  if (hook.valueClasses && !hook.valueClasses.includes(def.valueClass)) return false;
  return Math.max(...statuses.map(rank)) >= rank(hook.minStatus);
}

/** What an event is as one Alertmanager alert. */
function alertOf(e: NotificationEvent) {
  switch (e.kind) {
    case 'status':
      return {
        alertname: 'ServiceStatusChanged',
        severity: e.to.toLowerCase(),
        resolved: e.to === 'OK',
        summary: `${e.serviceName} is ${e.to}${e.inMaintenance ? ' (planned maintenance)' : ''}`,
        description: `${e.serviceName} changed from ${e.from} to ${e.to} at ${e.at.toISOString()}.`,
        extra: {},
      };
    case 'slaAtRisk':
      return {
        alertname: 'SlaAtRisk',
        severity: e.status.toLowerCase(),
        resolved: false,
        summary: `${e.serviceName}: SLA breaches in ${durationText(e.timeToBreachSeconds)} if the outage goes on`,
        description: `${e.serviceName} is ${e.status} since ${e.outageStart.toISOString()}; its SLA breaches at ${e.breachAt.toISOString()}.`,
        extra: {},
      };
    case 'kpi':
      return {
        alertname: 'KpiOutOfBand',
        severity: 'warning',
        resolved: false,
        summary: `${e.serviceName}: ${e.kpi} ${e.crossed}`,
        description: `${e.kpi} of ${e.serviceName} is ${e.value}${e.unit ? ` ${e.unit}` : ''} at ${e.at.toISOString()}, ${e.crossed}.`,
        extra: { kpi: e.kpi },
      };
  }
}

/** Alertmanager's webhook payload (version 4) for one event. */
export function alertmanagerPayload(receiver: string, e: NotificationEvent) {
  const alert = alertOf(e);
  const status = alert.resolved ? 'resolved' : 'firing';
  const identity = { alertname: alert.alertname, service: e.serviceId, ...alert.extra };
  const labels = { ...identity, severity: alert.severity, source: 'servicegraph' };
  const annotations = { summary: alert.summary, description: alert.description };
  return {
    version: '4',
    groupKey: `{}:{alertname="${alert.alertname}",service="${e.serviceId}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { alertname: alert.alertname, service: e.serviceId },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: '',
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: e.at.toISOString(),
        endsAt: status === 'resolved' ? e.at.toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: '',
        // As Alertmanager's: the same alert (its labels but severity) has the same fingerprint.
        fingerprint: createHmac('sha256', 'fingerprint').update(JSON.stringify(identity)).digest('hex').slice(0, 16),
      },
    ],
  };
}

/** The signature header's value for a body sent at `unixSeconds`. */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface DeliveryRecord {
  webhook: string;
  key: string;
  attempt: number;
  at: string;
  /** HTTP status, or null when the request failed. */
  status: number | null;
  error?: string;
  delivered: boolean;
}

export interface NotifierOptions {
  webhooks: readonly WebhookConfig[];
  definitions: ServiceDefinitions;
  /** The monitors KPIs are read from (as the model reads them: the system's identity). */
  monitors: { name: string; api: MonitorApi }[];
  log: Logger;
  /** Where each attempt is appended as one JSON line; none when absent. */
  deliveryLog?: string;
  now?: () => Date;
  /**
   * At most one SLA and KPI check per this span of the evaluations' clock: every GraphQL request
   * evaluates too, and a KPI check asks the monitors. The root passes the evaluator interval. @default 0
   */
  checkEveryMs?: number;
  /** How the notifier waits between attempts (tests pass their own). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface Notifier {
  /** Fires the webhooks for these recorded transitions; never throws, never blocks the caller. */
  recorded(written: readonly Transition[]): void;
  /**
   * Checks the SLA-at-risk and KPI triggers against this evaluation; never throws, never blocks the
   * caller. An evaluation that comes while the last check runs, or within `checkEveryMs` of it, is
   * skipped: checks never overlap.
   */
  evaluated(snapshot: HealthSnapshot, model: ServiceModel): void;
  /** Resolves when every check and delivery started so far has finished (delivered or given up). */
  idle(): Promise<void>;
}

const retryable = (status: number) => status === 429 || status >= 500;
/** The span before an instant within which a KPI's last sample counts as its value then. */
const KPI_LOOKBACK_MS = 5 * 60_000;

/** Each band with the KPI definition it names; a band that names none stops the start (a typo would never fire). */
function resolveBands(webhooks: readonly WebhookConfig[], definitions: ServiceDefinitions) {
  return webhooks.flatMap((hook) =>
    hook.kpis.map((band, i) => {
      const def = definitions.byId.get(band.service);
      const kpi = def?.kpis.find((k) => k.name === band.kpi);
      if (!def || !kpi) throw new Error(`notifications.webhooks ${hook.name} kpis[${i}]: service ${band.service} has no KPI "${band.kpi}"`);
      return { hook, band, index: i, def, kpi, id: `${hook.name}\u0000${i}` };
    }),
  );
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { webhooks, definitions, log } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  const bands = resolveBands(webhooks, definitions);
  const atRiskHooks = webhooks.filter((h) => h.slaAtRiskWithin !== undefined);
  const started = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  /** The bands whose KPI is out of the band now: notified, not again until it is back. */
  const excursions = new Set<string>();
  let checking = false;
  let lastCheck = Number.NEGATIVE_INFINITY;

  const record = (entry: DeliveryRecord) => {
    if (!options.deliveryLog) return;
    try {
      appendFileSync(options.deliveryLog, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch (error) {
      log.warn('delivery log not written', { reason: String(error) });
    }
  };

  const track = (work: Promise<void>, what: string) => {
    const p = work.catch((e: unknown) => log.error(what, { reason: String(e) }));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const deliver = async (hook: WebhookConfig, event: NotificationEvent) => {
    const payload =
      hook.format === 'alertmanager' ? alertmanagerPayload(hook.name, event) : { events: [{ ...event, at: event.at.toISOString() }] };
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= hook.maxAttempts; attempt += 1) {
      const at = now();
      let status: number | null = null;
      let error: string | undefined;
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': event.key,
            'x-servicegraph-signature': signature(hook.secret, Math.floor(at.getTime() / 1000), body),
          },
          body,
          signal: AbortSignal.timeout(hook.timeoutMs),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (e) {
        error = e instanceof Error ? e.name : 'request failed';
      }
      const ok = status !== null && status >= 200 && status < 300;
      record({ webhook: hook.name, key: event.key, attempt, at: at.toISOString(), status, ...(error ? { error } : {}), delivered: ok });
      if (ok) return;
      if (status !== null && !retryable(status)) break;
      if (attempt < hook.maxAttempts) await sleep(hook.backoffMs * 2 ** (attempt - 1));
    }
    log.warn('webhook delivery given up', { webhook: hook.name, key: event.key });
  };

  /** Sends the event to the webhook unless this key was started for it before (a replay, a later evaluation of the same outage). */
  const send = (hook: WebhookConfig, event: NotificationEvent) => {
    const once = `${hook.name}\u0000${event.key}`;
    if (started.has(once)) return;
    started.add(once);
    track(deliver(hook, event), 'webhook delivery failed');
  };

  const checkSlaAtRisk = async (snapshot: HealthSnapshot, model: ServiceModel) => {
    if (atRiskHooks.length === 0) return;
    const status = (def: ServiceDefinition) => snapshot.status(def.id);
    // Only a service some webhook wants and that is down now can be at risk: no SLA is read for the others.
    const candidates = definitions.services.filter(
      (def) => conditionOf(snapshot.state(def.id)) === 'down' && atRiskHooks.some((h) => wanted(h, def, [status(def)])),
    );
    if (candidates.length === 0) return;
    const horizon = Math.max(...atRiskHooks.map((h) => h.slaAtRiskWithin ?? 0)) / 1000;
    const reporter = createServiceReporter(model, snapshot.state, snapshot.at);
    for (const { serviceId, report } of await reporter.slaAtRisk(
      candidates.map((d) => d.id),
      horizon,
    )) {
      const def = candidates.find((d) => d.id === serviceId);
      if (!def?.sla) continue;
      const windowStart = new Date(snapshot.at.getTime() - def.sla.windowDays * DAY_MS);
      const start = outageStart(await model.history.history(serviceId, windowStart, snapshot.at));
      if (!start || !report.breachAt || report.timeToBreachSeconds === null) continue; // not recorded yet: the next evaluation
      const event: SlaAtRiskEvent = {
        key: `slaAtRisk:${serviceId}:${start.getTime()}`,
        kind: 'slaAtRisk',
        serviceId,
        serviceName: def.name,
        at: snapshot.at,
        status: status(def),
        outageStart: start,
        breachAt: report.breachAt,
        timeToBreachSeconds: report.timeToBreachSeconds,
      };
      for (const hook of atRiskHooks) {
        if ((hook.slaAtRiskWithin ?? 0) / 1000 >= report.timeToBreachSeconds && wanted(hook, def, [event.status])) send(hook, event);
      }
    }
  };

  const checkKpis = async (at: Date) => {
    // One reading per KPI and evaluation, however many bands watch it.
    const readings = new Map<KpiDefinition, Promise<number | null>>();
    const pasts = new Map<string, Promise<number | null>>();
    const currentOf = (kpi: KpiDefinition) => {
      let p = readings.get(kpi);
      if (!p) readings.set(kpi, (p = readKpi(kpi, options.monitors, at, log).then((r) => r.value)));
      return p;
    };
    const pastOf = (kpi: KpiDefinition, windowMs: number) => {
      const key = `${kpi.expression}\u0000${kpi.monitor}\u0000${windowMs}`;
      let p = pasts.get(key);
      if (!p) pasts.set(key, (p = kpiValueAt(kpi, options.monitors, new Date(at.getTime() - windowMs), KPI_LOOKBACK_MS, log)));
      return p;
    };
    for (const { hook, band, index, def, kpi, id } of bands) {
      const value = await currentOf(kpi);
      const previous = band.window !== undefined && value !== null ? await pastOf(kpi, band.window) : null;
      const crossed = bandCrossed(band, value, previous);
      if (crossed === undefined) continue; // unknown: neither out nor back
      if (crossed === null) {
        excursions.delete(id);
        continue;
      }
      if (excursions.has(id) || value === null) continue;
      const event: KpiEvent = {
        key: `kpi:${def.id}:${kpi.name}:${index}:${at.getTime()}`,
        kind: 'kpi',
        serviceId: def.id,
        serviceName: def.name,
        at,
        kpi: kpi.name,
        unit: kpi.unit,
        value,
        previous,
        crossed,
      };
      excursions.add(id);
      send(hook, event);
    }
  };

  return {
    recorded(written) {
      const events = statusEvents(written, definitions);
      for (const hook of webhooks) {
        if (!hook.statusChanges) continue;
        for (const event of events) {
          const def = definitions.byId.get(event.serviceId);
          if (def && wanted(hook, def, [event.from, event.to])) send(hook, event);
        }
      }
    },
    evaluated(snapshot, model) {
      if (checking || (atRiskHooks.length === 0 && bands.length === 0)) return;
      if (snapshot.at.getTime() - lastCheck < (options.checkEveryMs ?? 0)) return;
      lastCheck = snapshot.at.getTime();
      checking = true;
      const check = async () => {
        try {
          await checkSlaAtRisk(snapshot, model);
          await checkKpis(snapshot.at);
        } finally {
          checking = false;
        }
      };
      track(check(), 'notification check failed');
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
