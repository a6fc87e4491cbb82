import type { Connector, ConnectorInstance, MonitorApi } from '../core/connector.js';
import { createCachedReader } from '../core/cache.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Alert, MonitorSnapshot } from '../../kernel/model.js';
import { createPrometheusClient, type AmAlertDto, type SilenceDto } from './client.js';
import { PrometheusConfig } from './config.js';
import {
  activeSilences,
  graphUrl,
  isAckSilence,
  labelFilters,
  silenceMatchers,
  silenceMatches,
  toAlert,
  toRule,
  toSamples,
  toSeries,
  watchedFromTargets,
  type MappingContext,
} from './mapping.js';
import { metricQueries, toMetric } from './metrics.js';
import { splitQualifiedId } from '../../kernel/model.js';

/** The monitor API plus what only Prometheus has: graph links. */
export interface PrometheusApi extends MonitorApi {
  graphUrl(expr: string): string;
}

interface AlertState {
  alerts: AmAlertDto[];
  silences: SilenceDto[];
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export const prometheusConnector = {
  type: 'prometheus',
  kind: 'monitor',
  config: PrometheusConfig,
  create(name, config, deps): ConnectorInstance<PrometheusApi> {
    const log = deps.log.child({ connector: name });
    const client = createPrometheusClient(name, config, log);
    const cachedRead = createCachedReader(deps.cache);
    const ctx: MappingContext = {
      connector: name,
      amUiUrl: trimSlash(config.alertmanager.uiUrl ?? config.alertmanager.baseUrl),
      promUiUrl: trimSlash(config.prometheus.uiUrl ?? config.prometheus.baseUrl),
      ciIdLabels: config.ciIdLabels,
      hostLabels: config.hostLabels,
      severityLabel: config.severityLabel,
      defaultSeverity: config.defaultSeverity,
    };
    const notFound = (id: string) => ERRORS.NOT_FOUND.err(`${name}: no active alert ${id}`, { extensions: { connector: name } });

    // One key per upstream read: every caller within the TTL shares one call per endpoint.
    const readAlerts = () =>
      cachedRead<AlertState>('alerts', config.cacheTtlMs, config.staleMs, async () => {
        const [alerts, silences] = await Promise.all([client.listAlerts(), client.listSilences()]);
        return { alerts, silences };
      });
    const readTargets = () => cachedRead('targets', config.targetsTtlMs, config.staleMs, () => client.targets());

    const fingerprintOf = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name ? parts.nativeId : null;
    };
    async function findAlert(id: string): Promise<{ dto: AmAlertDto; silences: SilenceDto[] } | null> {
      const fingerprint = fingerprintOf(id);
      if (!fingerprint) return null;
      const { value } = await readAlerts();
      const dto = value.alerts.find((a) => a.fingerprint === fingerprint);
      return dto ? { dto, silences: value.silences } : null;
    }

    /**
     * Reads the alert back after a write. Alertmanager computes `silencedBy` on every read, but the
     * write has happened either way: if the read fails, the caller gets the alert as the write left
     * it rather than an error that would invite a second silence.
     */
    async function readBack(dto: AmAlertDto, patch: (dto: AmAlertDto) => AmAlertDto, silences: SilenceDto[]): Promise<Alert> {
      await deps.cache.delete('alerts');
      let fresh = dto;
      let known = silences;
      try {
        const [alerts, listed] = await Promise.all([client.listAlerts(labelFilters(dto.labels)), client.listSilences()]);
        fresh = alerts.find((a) => a.fingerprint === dto.fingerprint) ?? dto;
        known = listed;
      } catch {
        log.warn('read-back after write failed; answering from the write', { connector: name });
      }
      return toAlert(patch(fresh), new Map([...activeSilences(known), ...activeSilences(silences)]), ctx);
    }

    const api: PrometheusApi = {
      async snapshot(): Promise<MonitorSnapshot> {
        const [alerts, targets] = await Promise.all([readAlerts(), readTargets()]);
        const silences = activeSilences(alerts.value.silences);
        return {
          alerts: alerts.value.alerts.map((dto) => toAlert(dto, silences, ctx)),
          watched: watchedFromTargets(targets.value, ctx),
          stale: alerts.stale || targets.stale,
        };
      },

      async alertById(id) {
        const found = await findAlert(id);
        return found ? toAlert(found.dto, activeSilences(found.silences), ctx) : null;
      },

      async acknowledge(alertId, ack) {
        const found = await findAlert(alertId);
        if (!found) throw notFound(alertId);
        const now = new Date();
        const until = ack.until ? new Date(ack.until) : new Date(now.getTime() + config.ackDefaultMs);
        if (Number.isNaN(until.getTime())) throw ERRORS.BAD_USER_INPUT.err('until is not a date', { extensions: { connector: name } });
        // Matchers from every label select exactly this alert (the fingerprint is not a matcher).
        const silence = {
          matchers: silenceMatchers(found.dto.labels),
          startsAt: now.toISOString(),
          endsAt: until.toISOString(),
          createdBy: ack.author,
          comment: ack.comment,
        };
        const id = await client.createSilence(silence);
        log.info('alert acknowledged (silence created)', { connector: name, alert: alertId, silence: id, author: ack.author });
        const created: SilenceDto = { ...silence, id, status: { state: 'active' } };
        return readBack(
          found.dto,
          (dto) =>
            dto.status.silencedBy.includes(id)
              ? dto
              : { ...dto, status: { ...dto.status, state: 'suppressed', silencedBy: [...dto.status.silencedBy, id] } },
          [...found.silences, created],
        );
      },

      async unacknowledge(alertId, author) {
        const found = await findAlert(alertId);
        if (!found) throw notFound(alertId);
        // Only acknowledgements are taken back: a maintenance silence (regex, or not naming the alert) stays.
        const silences = (await client.listSilences()).filter(
          (s) => s.status.state === 'active' && isAckSilence(s) && silenceMatches(s, found.dto.labels),
        );
        for (const s of silences) await client.expireSilence(s.id);
        log.info('alert unacknowledged (silences expired)', { connector: name, alert: alertId, silences: silences.length, author });
        const expired = new Set(silences.map((s) => s.id));
        return readBack(
          found.dto,
          (dto) => {
            const silencedBy = dto.status.silencedBy.filter((id) => !expired.has(id));
            return {
              ...dto,
              status: { ...dto.status, silencedBy, state: silencedBy.length || dto.status.inhibitedBy.length ? 'suppressed' : 'active' },
            };
          },
          found.silences.filter((s) => !expired.has(s.id)),
        );
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
        const { value } = await cachedRead('rules', config.targetsTtlMs, config.staleMs, () => client.rules());
        return value.flatMap((group) => group.rules.filter((r) => r.type === 'alerting').map((r) => toRule(group.name, r, ctx)));
      },

      graphUrl: (expr) => graphUrl(expr, ctx),
    };

    return {
      name,
      kind: 'monitor',
      forRequest: () => api,
      async healthCheck() {
        await Promise.all([client.amStatus(), client.buildInfo()]);
      },
      async dispose() {},
    };
  },
} satisfies Connector<PrometheusConfig, PrometheusApi>;
