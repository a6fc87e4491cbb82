import { createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../kernel/log.js';
import { SEVERITY_ORDER, type Status } from '../kernel/model.js';
import type { ServiceDefinitions } from './definitions.js';
import type { Transition } from './history.js';

/**
 * Webhooks on a service's status change, fed by the transitions the model records. Only the lease
 * holder records and the history's compare-and-set writes each transition once, so each change is
 * notified once across replicas (bsm/model.ts `onRecorded`).
 *
 * - Signed: `X-Servicegraph-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
 *   webhook's secret (from the environment, `${NAME}` in the config), as Stripe and GitHub do, so a
 *   receiver checks origin and freshness.
 * - Deduplicated: each event has an idempotency key (service, instant, new status), sent as
 *   `Idempotency-Key` on every attempt, so a receiver that got a retried delivery twice keeps one;
 *   the notifier itself never sends a key twice to a webhook once delivered.
 * - Retried with exponential backoff (backoffMs × 2^attempt) on a network error, a timeout, 429 or
 *   5xx, up to `maxAttempts`; 4xx other than 429 is final.
 * - Logged: every attempt is one JSON line in the delivery log (`<dataDir>/notifications.log`):
 *   webhook, key, attempt, HTTP status or error, never the secret or the body.
 * - `format: alertmanager` posts Alertmanager's webhook payload (version 4: one alert per change,
 *   firing unless the service is back to OK, `resolved` then), so existing receivers work unchanged;
 *   `servicegraph` posts `{ events: [...] }`.
 * A first record (no status before it: a fresh install) is no change and notifies nothing.
 */

const STATUSES = ['OK', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL', 'UNKNOWN'] as const;

export const WebhookSchema = z.strictObject({
  name: z.string().min(1),
  url: z.url(),
  /** The HMAC key; from the environment: "${WEBHOOK_SECRET}". */
  secret: z.string().min(16, 'must be at least 16 characters'),
  format: z.enum(['alertmanager', 'servicegraph']).default('alertmanager'),
  /** Only these services; every service when absent. */
  services: z.array(z.string()).optional(),
  /** Only changes to or from at least this status (OK notifies every change). @default WARNING */
  minStatus: z.enum(STATUSES).default('WARNING'),
  /** @default 5 */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /** First retry delay; doubles each attempt. @default 1000 */
  backoffMs: z.number().int().min(1).max(600_000).default(1000),
  /** @default 5000 */
  timeoutMs: z.number().int().positive().max(60_000).default(5000),
});
export type WebhookConfig = z.output<typeof WebhookSchema>;

export const NotificationsSchema = z.strictObject({ webhooks: z.array(WebhookSchema).default([]) }).prefault({});

export interface StatusEvent {
  /** Idempotency key: the same change always has the same key. */
  key: string;
  kind: 'status';
  serviceId: string;
  serviceName: string;
  from: Status;
  to: Status;
  inMaintenance: boolean;
  at: Date;
}

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

const rank = (s: Status) => (s === 'UNKNOWN' ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(s));

function wanted(hook: WebhookConfig, e: StatusEvent): boolean {
  if (hook.services && !hook.services.includes(e.serviceId)) return false;
  return Math.max(rank(e.from), rank(e.to)) >= rank(hook.minStatus);
}

/** Alertmanager's webhook payload (version 4) for one event. */
export function alertmanagerPayload(receiver: string, e: StatusEvent) {
  const status = e.to === 'OK' ? 'resolved' : 'firing';
  const labels = { alertname: 'ServiceStatusChanged', service: e.serviceId, severity: e.to.toLowerCase(), source: 'servicegraph' };
  const annotations = {
    summary: `${e.serviceName} is ${e.to}${e.inMaintenance ? ' (planned maintenance)' : ''}`,
    description: `${e.serviceName} changed from ${e.from} to ${e.to} at ${e.at.toISOString()}.`,
  };
  return {
    version: '4',
    groupKey: `{}:{service="${e.serviceId}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { service: e.serviceId },
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
        fingerprint: createHmac('sha256', 'fingerprint').update(e.serviceId).digest('hex').slice(0, 16),
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
  log: Logger;
  /** Where each attempt is appended as one JSON line; none when absent. */
  deliveryLog?: string;
  now?: () => Date;
  /** How the notifier waits between attempts (tests pass their own). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface Notifier {
  /** Fires the webhooks for these recorded transitions; never throws, never blocks the caller. */
  recorded(written: readonly Transition[]): void;
  /** Resolves when every delivery started so far has finished (delivered or given up). */
  idle(): Promise<void>;
}

const retryable = (status: number) => status === 429 || status >= 500;

export function createNotifier(options: NotifierOptions): Notifier {
  const { webhooks, log } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  const delivered = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  const record = (entry: DeliveryRecord) => {
    if (!options.deliveryLog) return;
    try {
      appendFileSync(options.deliveryLog, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch (error) {
      log.warn('delivery log not written', { reason: String(error) });
    }
  };

  const deliver = async (hook: WebhookConfig, event: StatusEvent) => {
    const once = `${hook.name}\u0000${event.key}`;
    if (delivered.has(once)) return;
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
      if (ok) {
        delivered.add(once);
        return;
      }
      if (status !== null && !retryable(status)) break;
      if (attempt < hook.maxAttempts) await sleep(hook.backoffMs * 2 ** (attempt - 1));
    }
    log.warn('webhook delivery given up', { webhook: hook.name, key: event.key });
  };

  return {
    recorded(written) {
      const events = statusEvents(written, options.definitions);
      for (const hook of webhooks) {
        for (const event of events) {
          if (!wanted(hook, event)) continue;
          const p = deliver(hook, event).catch((e: unknown) =>
            log.error('webhook delivery failed', { webhook: hook.name, reason: String(e) }),
          );
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
