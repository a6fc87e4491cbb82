import type { Connector, ConnectorInstance, MonitorApi } from '../core/connector.js';
import { createCachedReader } from '../core/cache.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Alert } from '../../kernel/model.js';
import { ACTION, createZabbixClient, type EventHostsDto, type ProblemDto } from './client.js';
import { ZabbixConfig } from './config.js';
import { ackMessage, toAlerts, watchedHosts, type MappingContext } from './mapping.js';
import { splitQualifiedId } from '../../kernel/model.js';

interface Problems {
  problems: ProblemDto[];
  events: EventHostsDto[];
}

const PROBLEMS = 'problems';

export const zabbixConnector = {
  type: 'zabbix',
  kind: 'monitor',
  config: ZabbixConfig,
  create(name, config, deps): ConnectorInstance<MonitorApi> {
    const log = deps.log.child({ connector: name });
    const client = createZabbixClient(name, config, log);
    const cachedRead = createCachedReader(deps.cache);
    const ctx: MappingContext = { connector: name, uiUrl: (config.uiUrl ?? config.baseUrl).replace(/\/+$/, ''), ciIdTag: config.ciIdTag };
    const extensions = { connector: name };

    // problem.get, then one event.get for the hosts of all problems; hosts change rarely and are cached longer.
    const readProblems = () =>
      cachedRead<Problems>(PROBLEMS, config.cacheTtlMs, config.staleMs, async () => {
        const problems = await client.problems();
        return { problems, events: await client.eventHosts(problems.map((p) => p.eventid)) };
      });
    const readHosts = () => cachedRead('hosts', config.hostsTtlMs, config.staleMs, () => client.hosts());

    const eventIdOf = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name && /^\d+$/.test(parts.nativeId) ? parts.nativeId : null;
    };
    async function findAlert(id: string): Promise<Alert | null> {
      const eventId = eventIdOf(id);
      if (!eventId) return null;
      const [{ value }, hosts] = await Promise.all([readProblems(), readHosts()]);
      const problem = value.problems.find((p) => p.eventid === eventId);
      return problem ? (toAlerts([problem], value.events, hosts.value, ctx)[0] ?? null) : null;
    }
    async function requireAlert(id: string): Promise<{ alert: Alert; eventId: string }> {
      const eventId = eventIdOf(id);
      const alert = eventId ? await findAlert(id) : null;
      if (!eventId || !alert) throw ERRORS.NOT_FOUND.err(`${name}: no active problem ${id}`, { extensions });
      return { alert, eventId };
    }

    /** Runs event.acknowledge and insists Zabbix names the event as updated. */
    async function update(eventId: string, action: number, message: string): Promise<void> {
      const updated = await client.updateEvents([eventId], action, message);
      if (!updated.includes(eventId)) throw ERRORS.UPSTREAM_REJECTED.err(`${name} did not update event ${eventId}`, { extensions });
    }

    /**
     * After a write: drop the cached problems and read this one back. The write has happened either
     * way, so when the read fails the caller gets the alert as the write left it.
     */
    async function readBack(id: string, eventId: string, fallback: Alert): Promise<Alert> {
      await deps.cache.delete(PROBLEMS);
      let found: Alert | undefined;
      try {
        const [problems, events, hosts] = await Promise.all([client.problems([eventId]), client.eventHosts([eventId]), readHosts()]);
        found = toAlerts(problems, events, hosts.value, ctx)[0];
      } catch {
        log.warn('read-back after write failed; answering from the write', { connector: name });
        return fallback;
      }
      if (!found) throw ERRORS.NOT_FOUND.err(`${name}: ${id} was resolved meanwhile`, { extensions });
      return found;
    }

    const api: MonitorApi = {
      async snapshot() {
        const [problems, hosts] = await Promise.all([readProblems(), readHosts()]);
        return {
          alerts: toAlerts(problems.value.problems, problems.value.events, hosts.value, ctx),
          watched: watchedHosts(hosts.value, ctx),
          stale: problems.stale || hosts.stale,
        };
      },
      alertById: findAlert,

      // Zabbix acknowledgements do not expire: `until` is not sent (see README).
      async acknowledge(alertId, ack) {
        const { alert, eventId } = await requireAlert(alertId);
        await update(eventId, ACTION.acknowledge | ACTION.message, ackMessage(ack.author, ack.comment));
        log.info('alert acknowledged', { connector: name, alert: alertId, author: ack.author });
        return readBack(alertId, eventId, {
          ...alert,
          acknowledged: true,
          acknowledgedBy: ack.author,
          acknowledgedAt: new Date().toISOString(),
        });
      },

      async unacknowledge(alertId, author) {
        const { alert, eventId } = await requireAlert(alertId);
        await update(eventId, ACTION.unacknowledge | ACTION.message, ackMessage(author, 'unacknowledged'));
        log.info('alert unacknowledged', { connector: name, alert: alertId, author });
        return readBack(alertId, eventId, { ...alert, acknowledged: false, acknowledgedBy: null, acknowledgedAt: null });
      },

      // Zabbix has no query language over its history through this API.
      metricsFor: async () => null,
      query: async () => null,
      queryRange: async () => null,
      // Icinga checks and Zabbix triggers are per-host objects, not a rule list servicegraph shows.
      alertRules: async () => null,
    };

    return {
      name,
      kind: 'monitor',
      forRequest: () => api,
      healthCheck: () => client.ping(),
      async dispose() {},
    };
  },
} satisfies Connector<ZabbixConfig, MonitorApi>;
