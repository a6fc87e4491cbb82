import { NO_METRICS, type MonitorApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { createIdempotentWrites } from '../core/idempotent-write.js';
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

export const zabbixConnector = httpConnector('zabbix', 'monitor', ZabbixConfig, {
  client: createZabbixClient,
  create({ name, config, log, client, cachedRead }) {
    const writes = createIdempotentWrites(name, log);
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
    function requireEventId(id: string): string {
      const eventId = eventIdOf(id);
      if (!eventId) throw ERRORS.NOT_FOUND.err(`${name}: no active problem ${id}`, { extensions });
      return eventId;
    }

    /** Runs event.acknowledge and insists Zabbix names the event as updated. */
    async function update(eventId: string, action: number, message: string): Promise<void> {
      const updated = await client.updateEvents([eventId], action, message);
      if (!updated.includes(eventId)) throw ERRORS.UPSTREAM_REJECTED.err(`${name} did not update event ${eventId}`, { extensions });
    }

    interface EventState {
      problem: ProblemDto;
      events: EventHostsDto[];
      alert: Alert;
    }
    /** The problem as Zabbix has it now; NOT_FOUND once it is resolved. */
    async function current(id: string, eventId: string): Promise<EventState> {
      const [problems, events, hosts] = await Promise.all([client.problems([eventId]), client.eventHosts([eventId]), readHosts()]);
      const [problem] = problems;
      const alert = toAlerts(problems, events, hosts.value, ctx)[0];
      if (!problem || !alert) throw ERRORS.NOT_FOUND.err(`${name}: ${id} was resolved meanwhile`, { extensions });
      return { problem, events, alert };
    }
    /** A write the read-back could not confirm: the problem as the update leaves it (one more entry in its history). */
    async function assumed(state: EventState, action: number, message: string): Promise<EventState> {
      const problem: ProblemDto = {
        ...state.problem,
        acknowledged: action & ACTION.unacknowledge ? '0' : '1',
        acknowledges: [...state.problem.acknowledges, { clock: Math.floor(Date.now() / 1000), action, message }],
      };
      const hosts = await readHosts();
      return { ...state, problem, alert: toAlerts([problem], state.events, hosts.value, ctx)[0] ?? state.alert };
    }
    /** The cached problems get this one as the write left it: a failure right after serves that (stale), not an error. */
    const remember = ({ problem, events }: EventState) =>
      cachedRead.update<Problems>(PROBLEMS, (cached) => ({
        problems: cached.problems.map((p) => (p.eventid === problem.eventid ? problem : p)),
        events: [...cached.events.filter((e) => !events.some((f) => f.eventid === e.eventid)), ...events],
      }));

    const api: MonitorApi = {
      async snapshot() {
        const [problems, hosts] = await Promise.all([readProblems(), readHosts()]);
        return {
          alerts: toAlerts(problems.value.problems, problems.value.events, hosts.value, ctx),
          watched: watchedHosts(hosts.value, ctx),
          stale: problems.stale || hosts.stale,
          asOf: new Date(Math.min(problems.fetchedAt, hosts.fetchedAt)).toISOString(),
        };
      },
      alertById: findAlert,

      // Zabbix acknowledgements do not expire: `until` is not sent (see README). Zabbix answers a
      // repeat with success and one more entry in the problem's history: looking first avoids it.
      async acknowledge(alertId, ack) {
        const eventId = requireEventId(alertId);
        const action = ACTION.acknowledge | ACTION.message;
        const message = ackMessage(ack.author, ack.comment);
        const done = await writes.ensure(alertId, 'acknowledgement', {
          read: () => current(alertId, eventId),
          holds: (state) => state.problem.acknowledged === '1',
          async write(state) {
            await update(eventId, action, message);
            log.info('alert acknowledged', { connector: name, alert: alertId, author: ack.author });
            return assumed(state, action, message);
          },
        });
        await remember(done);
        return done.alert;
      },

      async unacknowledge(alertId, author) {
        const eventId = requireEventId(alertId);
        const action = ACTION.unacknowledge | ACTION.message;
        const message = ackMessage(author, 'unacknowledged');
        const done = await writes.ensure(alertId, 'removal of the acknowledgement', {
          read: () => current(alertId, eventId),
          holds: (state) => state.problem.acknowledged === '0',
          async write(state) {
            await update(eventId, action, message);
            log.info('alert unacknowledged', { connector: name, alert: alertId, author });
            return assumed(state, action, message);
          },
        });
        await remember(done);
        return done.alert;
      },

      // Zabbix has no query language over its history through this API.
      ...NO_METRICS,
    };

    return {
      forRequest: () => api,
      healthCheck: () => client.ping(),
    };
  },
});
