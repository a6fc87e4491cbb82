import type { MonitorApi } from '../core/connector.js';
import { createIdempotentWrites } from '../core/idempotent-write.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Alert } from '../../kernel/model.js';
import { estateDirOf } from './config.js';
import { builtinConnector } from './connector.js';
import { loadMonitorEstate, toHint, type AlertDef } from './estate-files.js';
import { createMetricQuery } from './metrics.js';
import { openAckStore, type AckRow } from './ack-store.js';
import { finiteOrNull, unitFromName, unixToIso } from '../core/metric-units.js';
import { splitQualifiedId } from '../../kernel/model.js';

/**
 * The builtin monitor: the active alerts of the estate's monitor.yaml, with acknowledgements kept in
 * its store (SQLite in the data directory, or the deployment's PostgreSQL) so they survive a restart.
 *
 * An acknowledgement row overrides what the estate says, in both directions: acknowledging stores
 * the author, and unacknowledging an alert the estate ships as acknowledged stores "not
 * acknowledged". Acknowledging what is acknowledged (or the reverse) writes nothing. Rows are keyed by the alert's native id because the estate's start times are
 * relative (`{{now-15m}}`) and change at every start.
 *
 * No keyv cache in front: the data is in memory and one indexed read, and an acknowledgement
 * must show in the very next snapshot.
 */

/** Prometheus refuses range queries with more points than this; so do we, instead of looping for ever. */
const MAX_RANGE_POINTS = 11_000;

export const builtinMonitorConnector = builtinConnector('builtin-monitor', 'monitor', {
  create(name, config, deps) {
    const estate = loadMonitorEstate(estateDirOf(config, deps), new Date());
    const defs = new Map(estate.file.alerts.map((def) => [def.id, def]));
    const watched = estate.watched.map((ciId) => ({ ciId }));
    const metrics = createMetricQuery(estate.file);
    const acks = openAckStore(name, deps);
    const errorOptions = { extensions: { connector: name } };

    function toAlert(def: AlertDef, row: AckRow | undefined, now: number): Alert {
      // An acknowledgement with an `until` in the past has expired, as a silence does.
      const live = row && (row.until === null || Date.parse(row.until) > now) ? row : undefined;
      const ack = live
        ? {
            acknowledged: live.acknowledged === 1,
            by: live.acknowledged === 1 ? live.author : null,
            at: live.acknowledged === 1 ? live.at : null,
            until: live.acknowledged === 1 ? live.until : null,
          }
        : { acknowledged: def.acknowledged, by: def.acknowledgedBy, at: def.acknowledgedAt, until: null };
      return {
        id: `${name}:${def.id}`,
        connector: name,
        tool: 'builtin',
        severity: def.severity,
        summary: def.summary,
        description: def.description,
        startsAt: def.startsAt,
        acknowledged: ack.acknowledged,
        acknowledgedBy: ack.by,
        acknowledgedAt: ack.at,
        acknowledgedUntil: ack.until,
        inMaintenance: def.inMaintenance,
        maintenanceUntil: def.inMaintenance ? def.maintenanceUntil : null,
        labels: { ...def.labels },
        ci: toHint(def.ci),
        url: null,
      };
    }

    /** As every monitor (connectors/core/idempotent-write.ts): a repeat, or a second click, writes nothing. */
    const writes = createIdempotentWrites(name, deps.log);
    const current = async (def: AlertDef) => toAlert(def, await acks.get(def.id), Date.now());

    function defOf(alertId: string): AlertDef {
      const parts = splitQualifiedId(alertId);
      const def = parts?.connector === name ? defs.get(parts.nativeId) : undefined;
      if (!def) throw ERRORS.NOT_FOUND.err(`${name}: no active alert ${alertId}`, errorOptions);
      return def;
    }

    const api: MonitorApi = {
      async snapshot() {
        const rows = new Map((await acks.all()).map((row) => [row.alert_id, row]));
        const now = Date.now();
        return {
          alerts: [...defs.values()].map((def) => toAlert(def, rows.get(def.id), now)),
          watched: watched.map((hint) => ({ ...hint })),
          stale: false,
          asOf: new Date(now).toISOString(),
        };
      },
      async alertById(id) {
        const parts = splitQualifiedId(id);
        const def = parts?.connector === name ? defs.get(parts.nativeId) : undefined;
        return def ? toAlert(def, await acks.get(def.id), Date.now()) : null;
      },
      async acknowledge(alertId, ack) {
        const def = defOf(alertId);
        if (ack.author.trim() === '') throw ERRORS.BAD_USER_INPUT.err('an acknowledgement needs an author', errorOptions);
        let until: string | null = null;
        if (ack.until !== undefined) {
          const at = Date.parse(ack.until);
          if (Number.isNaN(at)) throw ERRORS.BAD_USER_INPUT.err('until must be an ISO 8601 date-time', errorOptions);
          if (at <= Date.now()) throw ERRORS.BAD_USER_INPUT.err('until must be in the future', errorOptions);
          until = new Date(at).toISOString();
        }
        return writes.ensure(alertId, 'acknowledgement', {
          read: () => current(def),
          holds: (alert) => alert.acknowledged,
          async write() {
            await acks.put({
              alert_id: def.id,
              acknowledged: 1,
              author: ack.author,
              comment: ack.comment,
              at: new Date().toISOString(),
              until,
            });
            return current(def);
          },
        });
      },
      async unacknowledge(alertId, author) {
        const def = defOf(alertId);
        return writes.ensure(alertId, 'removal of the acknowledgement', {
          read: () => current(def),
          holds: (alert) => !alert.acknowledged,
          async write() {
            await acks.put({ alert_id: def.id, acknowledged: 0, author, comment: '', at: new Date().toISOString(), until: null });
            return current(def);
          },
        });
      },
      async metricsFor(ci) {
        // The estate's per-CI metrics are labelled with the CI id.
        return metrics.query(`{ci="${ci.id.replace(/["\\]/g, '\\$&')}"}`).map((sample) => {
          const metricName = sample.labels['__name__'] ?? 'value';
          return {
            name: metricName,
            value: finiteOrNull(sample.value),
            unit: unitFromName(metricName),
            at: unixToIso(sample.timestamp),
            url: null,
          };
        });
      },
      async query(expr) {
        return metrics.query(expr);
      },
      async queryRange(expr, start, end, stepSeconds) {
        if (!(stepSeconds > 0)) throw ERRORS.BAD_USER_INPUT.err('step must be positive', errorOptions);
        if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) {
          throw ERRORS.BAD_USER_INPUT.err('the range needs a valid start before its end', errorOptions);
        }
        if ((end.getTime() - start.getTime()) / 1000 / stepSeconds > MAX_RANGE_POINTS) {
          throw ERRORS.LIMIT_EXCEEDED.err(`a range query may return at most ${MAX_RANGE_POINTS} points per series`, errorOptions);
        }
        return metrics.queryRange(expr, start, end, stepSeconds);
      },
      // The demo's alerts are declared in the estate, not produced by rules.
      alertRules: async () => null,
    };

    return { api, store: acks };
  },
});
