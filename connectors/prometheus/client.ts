import { z } from 'zod';
import { createHttpClient, garbage, type HttpAuth, type HttpClient } from '../core/http.js';
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

/** Prometheus wraps every answer in `{status, data}`. */
const envelope = <T extends z.ZodType>(data: T) => z.object({ status: z.literal('success'), data }).loose();

export const TargetDto = z.object({ labels: Labels, health: z.string().optional(), scrapeUrl: z.string().optional() }).loose();
export type TargetDto = z.infer<typeof TargetDto>;
const Targets = envelope(z.object({ activeTargets: z.array(TargetDto) }).loose());

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
const Rules = envelope(z.object({ groups: z.array(z.object({ name: z.string(), rules: z.array(RuleDto) }).loose()) }).loose());

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

  /** Parses a 2xx answer; a shape we cannot use is an outage of that tool, not a crash. */
  function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw garbage(name, what);
    return parsed.data;
  }

  return {
    /** Active, silenced and inhibited alerts; `filter` are Alertmanager matchers such as `alertname="X"`. */
    listAlerts: (filter: string[] = []) =>
      am.call(async (http) => {
        const searchParams = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true' });
        for (const f of filter) searchParams.append('filter', f);
        return parse(z.array(AmAlertDto), await http.get('api/v2/alerts', { searchParams }).json(), 'alert list');
      }),
    listSilences: () => am.call(async (http) => parse(z.array(SilenceDto), await http.get('api/v2/silences').json(), 'silence list')),
    getSilence: (id: string) =>
      am.call(async (http) => parse(SilenceDto, await http.get(`api/v2/silence/${encodeURIComponent(id)}`).json(), 'silence')),
    createSilence: (silence: NewSilence) =>
      am.call(async (http) => parse(SilenceCreated, await http.post('api/v2/silences', { json: silence }).json(), 'silence id').silenceID),
    /** Alertmanager keeps the silence, marked expired. */
    expireSilence: (id: string) =>
      am.call(async (http) => {
        await http.delete(`api/v2/silence/${encodeURIComponent(id)}`);
      }),
    amStatus: () => am.call(async (http) => http.get('api/v2/status').json()),

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
    buildInfo: () => prom.call(async (http) => http.get('api/v1/status/buildinfo').json()),
  };
}
