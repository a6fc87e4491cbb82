import { z } from 'zod';
import { createHttpClient, parseAnswer, type HttpAuth, type HttpClient } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { PrometheusConfig, PromAuth } from './config.js';

/**
 * Alertmanager API v2 and Prometheus HTTP API v1: one HTTP client per server, one function per endpoint.
 * DTO schemas are loose (unknown fields pass) and only demand what the mapping reads.
 */

const Labels = z.record(z.string(), z.string());

export const AmAlertDto = z
  .object({
    fingerprint: z.string(),
    labels: Labels,
    annotations: Labels.default({}),
    startsAt: z.string(),
    endsAt: z.string().optional(),
    updatedAt: z.string().optional(),
    generatorURL: z.string().optional(),
    status: z
      .object({
        state: z.string(),
        silencedBy: z
          .array(z.string())
          .nullish()
          .transform((v) => v ?? []),
        inhibitedBy: z
          .array(z.string())
          .nullish()
          .transform((v) => v ?? []),
      })
      .loose(),
  })
  .loose();
export type AmAlertDto = z.infer<typeof AmAlertDto>;

export const MatcherDto = z
  .object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) })
  .loose();
export type MatcherDto = z.infer<typeof MatcherDto>;

export const SilenceDto = z
  .object({
    id: z.string(),
    status: z.object({ state: z.string() }).loose(),
    matchers: z.array(MatcherDto),
    createdBy: z.string(),
    comment: z.string().default(''),
    startsAt: z.string(),
    endsAt: z.string(),
    updatedAt: z.string().optional(),
  })
  .loose();
export type SilenceDto = z.infer<typeof SilenceDto>;

export interface NewSilence {
  matchers: MatcherDto[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const SilenceCreated = z.object({ silenceID: z.string() }).loose();

/** `GET /api/v2/status`: `uptime` is when this Alertmanager process started (it keeps no alerts across a restart). */
const AmStatusDto = z.object({ uptime: z.string(), versionInfo: z.object({ version: z.string() }).loose() }).loose();

/** Prometheus wraps every answer in `{status, data}`. */
const envelope = <T extends z.ZodType>(data: T) => z.object({ status: z.literal('success'), data }).loose();

/** Go's zero time, what Prometheus reports for "never" (a target not scraped yet, a group not evaluated yet). */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export const TargetDto = z
  .object({
    labels: Labels,
    /** up, down or unknown (not scraped yet). */
    health: z.string().default('unknown'),
    scrapeUrl: z.string().optional(),
    lastScrape: z.string().default(ZERO_TIME),
    lastScrapeDuration: z.number().default(0),
    /** A duration such as "15s"; older Prometheus versions leave it out. */
    scrapeInterval: z.string().optional(),
  })
  .loose();
export type TargetDto = z.infer<typeof TargetDto>;
const Targets = envelope(z.object({ activeTargets: z.array(TargetDto) }).loose());

/** An alert as Prometheus's own rule evaluation holds it (`GET /api/v1/alerts`), before or without Alertmanager. */
export const PromAlertDto = z
  .object({ labels: Labels, annotations: Labels.default({}), state: z.string(), activeAt: z.string().optional() })
  .loose();
export type PromAlertDto = z.infer<typeof PromAlertDto>;
const PromAlerts = envelope(z.object({ alerts: z.array(PromAlertDto) }).loose());

const RuntimeInfo = envelope(z.object({ startTime: z.string() }).loose());
const Flags = envelope(z.record(z.string(), z.string()));

/** `[unix seconds, "value"]`: sample values are strings so NaN and ±Inf survive JSON. */
const SamplePair = z.tuple([z.number(), z.string()]);
export const QueryResultDto = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: Labels, value: SamplePair }).loose()) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: Labels, values: z.array(SamplePair) }).loose()) }),
  z.object({ resultType: z.literal('scalar'), result: SamplePair }),
  z.object({ resultType: z.literal('string'), result: SamplePair }),
]);
export type QueryResultDto = z.infer<typeof QueryResultDto>;
const QueryAnswer = envelope(QueryResultDto);

export const RuleDto = z
  .object({
    type: z.string(),
    name: z.string(),
    query: z.string(),
    state: z.string().optional(),
    health: z.string().optional(),
    duration: z.number().optional(),
    labels: Labels.default({}),
    annotations: Labels.default({}),
    alerts: z.array(z.unknown()).default([]),
  })
  .loose();
export type RuleDto = z.infer<typeof RuleDto>;
export const RuleGroupDto = z
  .object({
    name: z.string(),
    rules: z.array(RuleDto),
    /** Evaluation interval, in seconds. */
    interval: z.number().default(60),
    lastEvaluation: z.string().default(ZERO_TIME),
  })
  .loose();
export type RuleGroupDto = z.infer<typeof RuleGroupDto>;
const Rules = envelope(z.object({ groups: z.array(RuleGroupDto) }).loose());

/** The server's own clock from the `Date` header, so ages are measured on one clock (no skew); ours without one. */
const serverNow = (headers: Record<string, string | string[] | undefined>) => {
  const date = Date.parse(String(headers['date'] ?? ''));
  return Number.isNaN(date) ? Date.now() : date;
};

function toHttpAuth(auth: PromAuth): HttpAuth {
  return auth.kind === 'basic' ? { kind: 'basic', username: auth.username, password: auth.password } : auth;
}

/** got's prefixUrl must end with a slash for a base URL that has a path (a proxy's /alertmanager/). */
const withSlash = (url: string) => `${url.replace(/\/+$/, '')}/`;

export function createPrometheusClient(name: string, config: PrometheusConfig, log: Logger) {
  const make = (endpoint: PrometheusConfig['prometheus']): HttpClient =>
    createHttpClient({
      connector: name,
      settings: { ...endpoint, baseUrl: withSlash(endpoint.baseUrl) },
      auth: toHttpAuth(endpoint.auth ?? config.auth),
      log,
    });
  const am = make(config.alertmanager);
  const prom = make(config.prometheus);

  const parse = <T>(schema: z.ZodType<T>, body: unknown, what: string) => parseAnswer(name, schema, body, what);

  return {
    /** Active, silenced and inhibited alerts; `filter` are Alertmanager matchers such as `alertname="X"`. */
    listAlerts: (filter: string[] = []) =>
      am.call(async (http) => {
        const searchParams = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true' });
        for (const f of filter) searchParams.append('filter', f);
        return parse(z.array(AmAlertDto), await http.get('api/v2/alerts', { searchParams }).json(), 'alert list');
      }),
    listSilences: () => am.call(async (http) => parse(z.array(SilenceDto), await http.get('api/v2/silences').json(), 'silence list')),
    createSilence: (silence: NewSilence) =>
      am.call(async (http) => parse(SilenceCreated, await http.post('api/v2/silences', { json: silence }).json(), 'silence id').silenceID),
    /** Alertmanager keeps the silence, marked expired. */
    expireSilence: (id: string) =>
      am.call(async (http) => {
        await http.delete(`api/v2/silence/${encodeURIComponent(id)}`);
      }),
    /** When Alertmanager started, and its clock now. */
    amStatus: () =>
      am.call(async (http) => {
        const response = await http.get('api/v2/status', { responseType: 'json' });
        return { uptime: parse(AmStatusDto, response.body, 'status').uptime, now: serverNow(response.headers) };
      }),

    /** Prometheus's own firing and pending alerts: what its rules say now, whatever Alertmanager received. */
    alerts: () => prom.call(async (http) => parse(PromAlerts, await http.get('api/v1/alerts').json(), 'alert list').data.alerts),
    /** When this Prometheus process started. */
    startTime: () =>
      prom.call(async (http) => parse(RuntimeInfo, await http.get('api/v1/status/runtimeinfo').json(), 'runtime info').data.startTime),
    /** Command-line flags (resend delay, discovery interval), as strings such as "1m". */
    flags: () => prom.call(async (http) => parse(Flags, await http.get('api/v1/status/flags').json(), 'flag list').data),
    targets: () =>
      prom.call(
        async (http) =>
          parse(Targets, await http.get('api/v1/targets', { searchParams: { state: 'active' } }).json(), 'target list').data.activeTargets,
      ),
    query: (expr: string) =>
      prom.call(
        async (http) => parse(QueryAnswer, await http.get('api/v1/query', { searchParams: { query: expr } }).json(), 'query result').data,
      ),
    queryRange: (expr: string, start: Date, end: Date, stepSeconds: number) =>
      prom.call(async (http) => {
        const searchParams = { query: expr, start: start.toISOString(), end: end.toISOString(), step: String(stepSeconds) };
        return parse(QueryAnswer, await http.get('api/v1/query_range', { searchParams }).json(), 'query result').data;
      }),
    rules: () =>
      prom.call(
        async (http) => parse(Rules, await http.get('api/v1/rules', { searchParams: { type: 'alert' } }).json(), 'rule list').data.groups,
      ),
  };
}
