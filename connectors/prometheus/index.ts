import { GraphQLError } from 'graphql';
import type { MonitorApi } from '../core/connector.js';
import type { Cached } from '../core/cache.js';
import { httpConnector } from '../core/http-connector.js';
import { createIdempotentWrites } from '../core/idempotent-write.js';
import { ERRORS } from '../../kernel/errors.js';
import type { MonitorSnapshot } from '../../kernel/model.js';
import {
  createPrometheusClient,
  type AmAlertDto,
  type PromAlertDto,
  type RuleGroupDto,
  type SilenceDto,
  type TargetDto,
} from './client.js';
import { PrometheusConfig } from './config.js';
import { alertmanagerDoubt, alertmanagerWarmupMs, prometheusState, targetDoubt } from './doubt.js';
import {
  ackSilencesOf,
  activeSilences,
  graphUrl,
  mergeAlerts,
  silenceMatchers,
  toAlert,
  toRule,
  toSamples,
  toSeries,
  watchedFromTargets,
  withSilences,
  type MappingContext,
} from './mapping.js';
import { metricQueries, toMetric } from './metrics.js';
import { splitQualifiedId } from '../../kernel/model.js';

/** The monitor API plus what only Prometheus has: graph links. */
export interface PrometheusApi extends MonitorApi {
  graphUrl(expr: string): string;
}

/** Alertmanager now: its alerts, every silence, and when it started by its own clock. */
interface AlertmanagerReading {
  alerts: AmAlertDto[];
  silences: SilenceDto[];
  uptime: string;
  now: number;
}

/** What changes only with Prometheus's configuration: targets (the watched CIs), rule groups, flags. */
interface PrometheusSetup {
  targets: TargetDto[];
  groups: RuleGroupDto[];
  flags: Record<string, string>;
}

/**
 * Prometheus now: when this process started, its setup, and what its rules fire, read after the
 * setup so the alerts are at least as new as the evaluations the setup reports (a rule run between
 * the two reads could otherwise vouch for a target whose alert the older list lacks).
 */
interface PrometheusReading {
  startTime: string;
  setup: PrometheusSetup;
  /** The setup came from cache because Prometheus failed to list it. */
  setupStale: boolean;
  alerts: PromAlertDto[];
}

const ALERTMANAGER = 'alertmanager';
const PROMETHEUS = 'prometheus';
const SETUP = 'setup';

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const settled = <T>(result: PromiseSettledResult<T>): T | null => (result.status === 'fulfilled' ? result.value : null);
const isAuthFailure = (error: unknown) => error instanceof GraphQLError && error.extensions['code'] === 'UPSTREAM_AUTH_FAILED';

export const prometheusConnector = httpConnector('prometheus', 'monitor', PrometheusConfig, {
  client: createPrometheusClient,
  create({ name, config, log, client, cachedRead }) {
    const writes = createIdempotentWrites(name, log);
    const ctx: MappingContext = {
      connector: name,
      amUiUrl: trimSlash(config.alertmanager.uiUrl ?? config.alertmanager.baseUrl),
      promUiUrl: trimSlash(config.prometheus.uiUrl ?? config.prometheus.baseUrl),
      ciIdLabels: config.ciIdLabels,
      hostLabels: config.hostLabels,
      severityLabel: config.severityLabel,
      defaultSeverity: config.defaultSeverity,
    };
    const extensions = { connector: name };
    const notFound = (id: string) => ERRORS.NOT_FOUND.err(`${name}: no active alert ${id}`, { extensions });

    // One key per server and pace: every caller within the TTL shares one call per endpoint.
    const readAlertmanager = () =>
      cachedRead<AlertmanagerReading>(ALERTMANAGER, config.cacheTtlMs, config.staleMs, async () => {
        const [alerts, silences, status] = await Promise.all([client.listAlerts(), client.listSilences(), client.amStatus()]);
        return { alerts, silences, ...status };
      });
    const readPrometheus = () =>
      cachedRead<PrometheusReading>(PROMETHEUS, config.cacheTtlMs, config.staleMs, async () => {
        const startTime = await client.startTime();
        const setup = await readSetup(startTime);
        return { startTime, setup: setup.value, setupStale: setup.stale, alerts: await client.alerts() };
      });
    const fetchSetup = async (): Promise<PrometheusSetup> => {
      const [targets, groups, flags] = await Promise.all([client.targets(), client.rules(), client.flags()]);
      return { targets, groups, flags };
    };
    /**
     * Targets and rules change slowly, but right after a restart (or when they were read before it)
     * they change by the second: while a target is not vouched for because of the start, read them
     * again at the pace of alerts, so the CIs are UNKNOWN no longer than the restart lasts.
     */
    async function readSetup(startTime: string | null): Promise<Cached<PrometheusSetup>> {
      const setup = await cachedRead(SETUP, config.targetsTtlMs, config.staleMs, fetchSetup);
      if (startTime === null || setup.stale) return setup;
      const state = prometheusState(startTime, setup.value.groups, setup.value.flags);
      const starting = setup.value.targets.some((t) => t.health !== 'down' && targetDoubt(t, state) !== undefined);
      return starting ? cachedRead(SETUP, Math.min(config.cacheTtlMs, config.targetsTtlMs), config.staleMs, fetchSetup) : setup;
    }

    /**
     * Both servers' alerts, from whichever answers: the snapshot fails only when neither does, or
     * when either rejects our credentials (a configuration error must not pass as a partial outage).
     */
    async function readAlertSources() {
      const [am, prom] = await Promise.allSettled([readAlertmanager(), readPrometheus()]);
      for (const result of [am, prom]) if (result.status === 'rejected' && isAuthFailure(result.reason)) throw result.reason;
      if (am.status === 'rejected' && prom.status === 'rejected') throw am.reason;
      const amReading = settled(am);
      const silences = amReading?.value.silences ?? [];
      const promReading = settled(prom);
      return {
        am: amReading,
        prom: promReading,
        silences,
        alerts: mergeAlerts(amReading?.value.alerts ?? [], promReading?.value.alerts ?? [], silences),
      };
    }

    const fingerprintOf = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name ? parts.nativeId : null;
    };
    async function findAlert(id: string): Promise<{ dto: AmAlertDto; silences: SilenceDto[] } | null> {
      const fingerprint = fingerprintOf(id);
      if (!fingerprint) return null;
      const { alerts, silences } = await readAlertSources();
      const dto = alerts.find((a) => a.fingerprint === fingerprint);
      return dto ? { dto, silences } : null;
    }

    /** After a write the cached Alertmanager reading gets the silence list it left: a failure right after serves that (stale), not an error. */
    const remember = (silences: SilenceDto[]) =>
      cachedRead.update<AlertmanagerReading>(ALERTMANAGER, (reading) => ({
        ...reading,
        silences,
        alerts: reading.alerts.map((dto) => withSilences(dto, silences)),
      }));
    const answer = (dto: AmAlertDto, silences: SilenceDto[]) => toAlert(withSilences(dto, silences), activeSilences(silences), ctx);

    const api: PrometheusApi = {
      async snapshot(): Promise<MonitorSnapshot> {
        const { am, prom, silences, alerts } = await readAlertSources();
        // Without Prometheus nothing is watched: no CI can read OK from this monitor.
        const setup = prom?.value.setup;
        const state = prom && setup ? prometheusState(prom.value.startTime, setup.groups, setup.flags) : null;
        // What makes every watched CI doubtful, then what makes one target doubtful.
        const everywhere: string[] = [];
        if (!am || am.stale) everywhere.push('alertmanager did not answer');
        else {
          const young = alertmanagerDoubt(am.value.uptime, am.value.now, alertmanagerWarmupMs(state));
          if (young) everywhere.push(young);
        }
        if (!prom || prom.stale) everywhere.push('prometheus did not answer');
        else if (prom.value.setupStale) everywhere.push('prometheus did not list its targets');
        const doubtOf = (target: TargetDto) => {
          const own = state ? targetDoubt(target, state) : undefined;
          const all = own ? [...everywhere, own] : everywhere;
          return all.length ? all.join('; ') : undefined;
        };
        return {
          alerts: alerts.map((dto) => toAlert(dto, activeSilences(silences), ctx)),
          watched: watchedFromTargets(setup?.targets ?? [], ctx, doubtOf),
          stale: !am || am.stale || !prom || prom.stale || prom.value.setupStale,
          asOf: new Date(Math.min(...[am, prom].flatMap((r) => (r ? [r.fetchedAt] : [])))).toISOString(),
        };
      },

      async alertById(id) {
        const found = await findAlert(id);
        return found ? toAlert(found.dto, activeSilences(found.silences), ctx) : null;
      },

      async acknowledge(alertId, ack) {
        const found = await findAlert(alertId);
        if (!found) throw notFound(alertId);
        const { dto } = found;
        const now = new Date();
        const until = ack.until ? new Date(ack.until) : new Date(now.getTime() + config.ackDefaultMs);
        if (Number.isNaN(until.getTime())) throw ERRORS.BAD_USER_INPUT.err('until is not a date', { extensions });
        const silences = await writes.ensure(alertId, 'acknowledgement', {
          read: () => client.listSilences(),
          holds: (list) => ackSilencesOf(dto.labels, list).length > 0,
          async write(list) {
            // Matchers from every label select exactly this alert (the fingerprint is not a matcher).
            const silence = {
              matchers: silenceMatchers(dto.labels),
              startsAt: now.toISOString(),
              endsAt: until.toISOString(),
              createdBy: ack.author,
              comment: ack.comment,
            };
            const id = await client.createSilence(silence);
            log.info('alert acknowledged (silence created)', { connector: name, alert: alertId, silence: id, author: ack.author });
            return [...list, { ...silence, id, status: { state: 'active' } }];
          },
        });
        await remember(silences);
        return answer(dto, silences);
      },

      async unacknowledge(alertId, author) {
        const found = await findAlert(alertId);
        if (!found) throw notFound(alertId);
        const { dto } = found;
        // Only acknowledgements are taken back: a maintenance silence (regex, or not naming the alert) stays.
        const silences = await writes.ensure(alertId, 'removal of the acknowledgement', {
          read: () => client.listSilences(),
          holds: (list) => ackSilencesOf(dto.labels, list).length === 0,
          async write(list) {
            const acks = ackSilencesOf(dto.labels, list);
            for (const s of acks) await client.expireSilence(s.id);
            log.info('alert unacknowledged (silences expired)', { connector: name, alert: alertId, silences: acks.length, author });
            const expired = new Set(acks.map((s) => s.id));
            return list.map((s) => (expired.has(s.id) ? { ...s, status: { ...s.status, state: 'expired' } } : s));
          },
        });
        await remember(silences);
        return answer(dto, silences);
      },

      async query(expr) {
        // Dashboards repeat the same expressions: share them for cacheTtlMs (0 = always ask).
        if (config.cacheTtlMs === 0) return toSamples(await client.query(expr));
        const { value } = await cachedRead(`query:${expr}`, config.cacheTtlMs, 0, () => client.query(expr));
        return toSamples(value);
      },

      async metricsFor(ci) {
        const queries = metricQueries(ci);
        const answers = await Promise.all(queries.map(async (q) => ({ q, samples: await api.query(q.expr) })));
        return answers.flatMap(({ q, samples }) => (samples ?? []).map((s) => toMetric(q, s, graphUrl(q.expr, ctx))));
      },

      async queryRange(expr, start, end, stepSeconds) {
        return toSeries(await client.queryRange(expr, start, end, stepSeconds));
      },

      async alertRules() {
        const { value } = await readSetup(null);
        return value.groups.flatMap((group) => group.rules.filter((r) => r.type === 'alerting').map((r) => toRule(group.name, r, ctx)));
      },

      graphUrl: (expr) => graphUrl(expr, ctx),
    };

    return {
      forRequest: () => api,
      async healthCheck() {
        // The same parsed reads the snapshot makes: an answer of the wrong shape is not ready.
        await Promise.all([client.amStatus(), client.startTime()]);
      },
    };
  },
});
