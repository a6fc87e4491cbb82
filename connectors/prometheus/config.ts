import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/** Credentials for Prometheus/Alertmanager when they sit behind a proxy or `--web.config.file`. */
export const PromAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ kind: z.literal('bearer'), token: z.string().min(1) }),
]);
export type PromAuth = z.infer<typeof PromAuth>;

/** One endpoint (Prometheus or Alertmanager); `auth` here wins over the connector-wide `auth`. */
const Endpoint = HttpSettings.extend({ auth: PromAuth.optional() });

const ACTIVE_SEVERITIES = ['WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] as const;

/**
 * Prometheus (queries, targets, rules) + Alertmanager (alerts, silences) as one monitor.
 * `uiUrl` of each endpoint is where deep links point (default: its `baseUrl`).
 */
export const PrometheusConfig = z.object({
  prometheus: Endpoint,
  alertmanager: Endpoint,
  /** Applies to both endpoints unless one sets its own. @default { kind: none } */
  auth: PromAuth.default({ kind: 'none' }),
  /** Labels whose value is an explicit CI id, first present wins. @default ['ci_id', 'ci'] */
  ciIdLabels: z.array(z.string().min(1)).default(['ci_id', 'ci']),
  /** Labels naming the host (port stripped; an IP → ip, a dotted name → fqdn). @default ['instance', 'host', 'hostname'] */
  hostLabels: z.array(z.string().min(1)).default(['instance', 'host', 'hostname']),
  /** Label carrying the severity. @default 'severity' */
  severityLabel: z.string().min(1).default('severity'),
  /** Severity of an alert whose severity label is missing or unknown. @default 'WARNING' */
  defaultSeverity: z.enum(ACTIVE_SEVERITIES).default('WARNING'),
  /** Silence length when an acknowledgement has no `until`. @default 7200000 (2 h) */
  ackDefaultMs: z
    .number()
    .int()
    .positive()
    .default(2 * 3_600_000),
  /** How long alerts are served from cache. @default 5000 */
  cacheTtlMs: z.number().int().min(0).default(5000),
  /** How long scrape targets (watched CIs) are served from cache. @default 60000 */
  targetsTtlMs: z.number().int().min(0).default(60_000),
  /** How long a last good answer may be served (stale) while a tool fails. @default 300000 */
  staleMs: z.number().int().min(0).default(300_000),
});
export type PrometheusConfig = z.infer<typeof PrometheusConfig>;
