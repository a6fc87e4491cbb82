import type { Connector, ConnectorInstance, MonitorApi } from '../core/connector.js';
import { createCachedReader } from '../core/cache.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Alert } from '../../kernel/model.js';
import { createIcingaClient, type IcingaClient } from './client.js';
import { IcingaConfig } from './config.js';
import {
  commentFilter,
  objectFilter,
  parseNativeId,
  toAlerts,
  watchedHosts,
  type IcingaObjects,
  type MappingContext,
  type ObjectRef,
} from './mapping.js';
import { splitQualifiedId } from '../../kernel/model.js';

const SNAPSHOT = 'snapshot';

/** Icinga Web 2 usually lives on the API host's web server (port 443), not on the API port. */
function defaultUiUrl(baseUrl: string): string {
  const api = new URL(baseUrl);
  return `${api.protocol}//${api.hostname}/icingaweb2`;
}

/** All hosts (watched, host problems), service problems and acknowledgement comments: three calls. */
async function readObjects(client: IcingaClient, config: IcingaConfig): Promise<IcingaObjects> {
  const problems = config.hardStatesOnly ? 'service.state != 0 && service.state_type == 1' : 'service.state != 0';
  const [hosts, services, comments] = await Promise.all([client.hosts(), client.services({ filter: problems }), client.ackComments()]);
  return { hosts, services, comments };
}

/** Reads one object (host or service) and its acknowledgement comments, whatever its state. */
async function readOne(client: IcingaClient, ref: ObjectRef): Promise<IcingaObjects> {
  const [hosts, services, comments] = await Promise.all([
    client.hosts(objectFilter({ type: 'Host', host: ref.host })),
    ref.type === 'Service' ? client.services(objectFilter(ref)) : Promise.resolve([]),
    client.ackComments(commentFilter(ref)),
  ]);
  return { hosts, services, comments };
}

export const icingaConnector = {
  type: 'icinga',
  kind: 'monitor',
  config: IcingaConfig,
  create(name, config, deps): ConnectorInstance<MonitorApi> {
    const log = deps.log.child({ connector: name });
    const client = createIcingaClient(name, config, log);
    const cachedRead = createCachedReader(deps.cache);
    const ctx: MappingContext = {
      connector: name,
      uiUrl: (config.uiUrl ?? defaultUiUrl(config.baseUrl)).replace(/\/+$/, ''),
      ciIdVar: config.ciIdVar,
    };
    const extensions = { connector: name };
    const alerts = (objects: IcingaObjects) => toAlerts(objects, ctx, config.hardStatesOnly);
    const read = () => cachedRead(SNAPSHOT, config.cacheTtlMs, config.staleMs, () => readObjects(client, config));

    const refOf = (id: string): ObjectRef | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name ? parseNativeId(parts.nativeId) : null;
    };
    async function findAlert(id: string): Promise<Alert | null> {
      if (!refOf(id)) return null;
      const { value } = await read();
      return alerts(value).find((a) => a.id === id) ?? null;
    }
    async function requireAlert(id: string): Promise<{ alert: Alert; ref: ObjectRef }> {
      const ref = refOf(id);
      const alert = ref ? await findAlert(id) : null;
      if (!ref || !alert) throw ERRORS.NOT_FOUND.err(`${name}: no active problem ${id}`, { extensions });
      return { alert, ref };
    }

    /**
     * After a write: drop the cached snapshot and read the one object back. The write has happened
     * either way, so when the read fails the caller gets the alert as the write left it rather than
     * an error inviting a repeat (which Icinga would refuse as "already acknowledged").
     */
    async function readBack(id: string, ref: ObjectRef, fallback: Alert): Promise<Alert> {
      await deps.cache.delete(SNAPSHOT);
      let objects: IcingaObjects;
      try {
        objects = await readOne(client, ref);
      } catch {
        log.warn('read-back after write failed; answering from the write', { connector: name });
        return fallback;
      }
      const found = alerts(objects).find((a) => a.id === id);
      if (!found) throw ERRORS.NOT_FOUND.err(`${name}: ${id} recovered meanwhile`, { extensions });
      return found;
    }

    const api: MonitorApi = {
      async snapshot() {
        const { value, stale } = await read();
        return { alerts: alerts(value), watched: watchedHosts(value.hosts, ctx), stale };
      },
      alertById: findAlert,

      async acknowledge(alertId, ack) {
        // Icinga sets the acknowledgement and then fails (500) on an empty comment: refuse it first.
        if (!ack.comment.trim()) throw ERRORS.BAD_USER_INPUT.err('an Icinga acknowledgement needs a comment', { extensions });
        const { alert, ref } = await requireAlert(alertId);
        let expiry: number | undefined;
        if (ack.until) {
          const until = Date.parse(ack.until);
          if (Number.isNaN(until)) throw ERRORS.BAD_USER_INPUT.err('until is not a date', { extensions });
          expiry = Math.floor(until / 1000);
        }
        await client.acknowledge(ref.type, objectFilter(ref), {
          author: ack.author,
          comment: ack.comment,
          sticky: config.ackSticky,
          notify: config.ackNotify,
          ...(expiry !== undefined ? { expiry } : {}),
        });
        log.info('alert acknowledged', { connector: name, alert: alertId, author: ack.author });
        return readBack(alertId, ref, {
          ...alert,
          acknowledged: true,
          acknowledgedBy: ack.author,
          acknowledgedAt: new Date().toISOString(),
          acknowledgedUntil: ack.until ?? null,
        });
      },

      async unacknowledge(alertId, author) {
        const { alert, ref } = await requireAlert(alertId);
        await client.removeAcknowledgement(ref.type, objectFilter(ref), author);
        log.info('alert unacknowledged', { connector: name, alert: alertId, author });
        return readBack(alertId, ref, {
          ...alert,
          acknowledged: false,
          acknowledgedBy: null,
          acknowledgedAt: null,
          acknowledgedUntil: null,
        });
      },

      // Icinga has no query language over metrics (its perfdata goes to Graphite or InfluxDB).
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
      async healthCheck() {
        await client.status();
      },
      async dispose() {},
    };
  },
} satisfies Connector<IcingaConfig, MonitorApi>;
