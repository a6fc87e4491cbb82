import { NO_METRICS, type MonitorApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { createIdempotentWrites } from '../core/idempotent-write.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Alert } from '../../kernel/model.js';
import { createIcingaClient, type IcingaClient } from './client.js';
import { IcingaConfig } from './config.js';
import {
  afterAcknowledgement,
  commentFilter,
  objectFilter,
  parseNativeId,
  toAlerts,
  watchedHosts,
  withObject,
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

export const icingaConnector = httpConnector('icinga', 'monitor', IcingaConfig, {
  client: createIcingaClient,
  create({ name, config, log, client, cachedRead }) {
    const ctx: MappingContext = {
      connector: name,
      uiUrl: (config.uiUrl ?? defaultUiUrl(config.baseUrl)).replace(/\/+$/, ''),
      ciIdVar: config.ciIdVar,
    };
    const writes = createIdempotentWrites(name, log);
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
    function requireRef(id: string): ObjectRef {
      const ref = refOf(id);
      if (!ref) throw ERRORS.NOT_FOUND.err(`${name}: no active problem ${id}`, { extensions });
      return ref;
    }

    /** The one object's problem as Icinga has it now; NOT_FOUND once it is no longer a problem. */
    async function current(id: string, ref: ObjectRef): Promise<{ objects: IcingaObjects; alert: Alert }> {
      const objects = await readOne(client, ref);
      const alert = alerts(objects).find((a) => a.id === id);
      if (!alert) throw ERRORS.NOT_FOUND.err(`${name}: ${id} is no longer a problem`, { extensions });
      return { objects, alert };
    }
    /** A write the read-back could not confirm: the object as the write leaves it. */
    function assumed(ref: ObjectRef, before: { objects: IcingaObjects; alert: Alert }, ack: Parameters<typeof afterAcknowledgement>[2]) {
      const objects = afterAcknowledgement(before.objects, ref, ack);
      return { objects, alert: alerts(objects).find((a) => a.id === before.alert.id) ?? before.alert };
    }
    /** The cached snapshot gets the object as the write left it: a failure right after serves that (stale), not an error. */
    const remember = (ref: ObjectRef, objects: IcingaObjects) =>
      cachedRead.update<IcingaObjects>(SNAPSHOT, (all) => withObject(all, ref, objects));

    const api: MonitorApi = {
      async snapshot() {
        const { value, stale, fetchedAt } = await read();
        return { alerts: alerts(value), watched: watchedHosts(value.hosts, ctx), stale, asOf: new Date(fetchedAt).toISOString() };
      },
      alertById: findAlert,

      async acknowledge(alertId, ack) {
        // Icinga sets the acknowledgement and then fails (500) on an empty comment: refuse it first.
        if (!ack.comment.trim()) throw ERRORS.BAD_USER_INPUT.err('an Icinga acknowledgement needs a comment', { extensions });
        const ref = requireRef(alertId);
        let expiry: number | undefined;
        if (ack.until) {
          const until = Date.parse(ack.until);
          if (Number.isNaN(until)) throw ERRORS.BAD_USER_INPUT.err('until is not a date', { extensions });
          expiry = Math.floor(until / 1000);
        }
        const request = { author: ack.author, comment: ack.comment, sticky: config.ackSticky, ...(expiry !== undefined ? { expiry } : {}) };
        // Icinga refuses a repeat (409 "already acknowledged"): looking first makes it a no-op instead.
        const done = await writes.ensure(alertId, 'acknowledgement', {
          read: () => current(alertId, ref),
          holds: (state) => state.alert.acknowledged,
          async write(state) {
            await client.acknowledge(ref.type, objectFilter(ref), { ...request, notify: config.ackNotify });
            log.info('alert acknowledged', { connector: name, alert: alertId, author: ack.author });
            return assumed(ref, state, request);
          },
        });
        await remember(ref, done.objects);
        return done.alert;
      },

      async unacknowledge(alertId, author) {
        const ref = requireRef(alertId);
        const done = await writes.ensure(alertId, 'removal of the acknowledgement', {
          read: () => current(alertId, ref),
          holds: (state) => !state.alert.acknowledged,
          async write(state) {
            await client.removeAcknowledgement(ref.type, objectFilter(ref), author);
            log.info('alert unacknowledged', { connector: name, alert: alertId, author });
            return assumed(ref, state, null);
          },
        });
        await remember(ref, done.objects);
        return done.alert;
      },

      // Icinga has no query language over metrics (its perfdata goes to Graphite or InfluxDB).
      ...NO_METRICS,
    };

    return {
      forRequest: () => api,
      async healthCheck() {
        // Parsed, as every read: an answer of the wrong shape is not ready.
        await client.status();
      },
    };
  },
});
