import type { GraphQLError } from 'graphql';
import type { MergedCmdb, MergedCmdbSource } from '../../bsm/merged-cmdb.js';
import type { ConnectorInstance, MonitorApi } from '../../connectors/core/connector.js';
import type { Alert, MonitorSnapshot } from '../../kernel/model.js';
import { createCmdbAccess, type CmdbAccess } from '../common/cmdb-access.js';
import type { BaseContext } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';
import { connectorError } from '../../kernel/errors.js';

/** An alert as this subgraph serves it: the tool's alert, correlated to a CI. */
export interface AlertView extends Alert {
  /** The CI the identification rules map the alert to; null when unmapped. */
  ciId: string | null;
  /** Set when the CMDB failed and the alert matched none of the CIs we have: mapping unknown. */
  ciError: GraphQLError | null;
  stale: boolean;
}

export interface MonitorHandle {
  name: string;
  api: MonitorApi;
  /** The monitor's snapshot, memoised for the request, rejected with a client error. */
  snapshot(): Promise<MonitorSnapshot>;
  /** The monitor's alerts, correlated; memoised for the request. */
  alerts(): Promise<AlertView[]>;
}

/** What the monitoring subgraph serves from. */
export interface MonitoringSubgraphDeps {
  monitors: ConnectorInstance<MonitorApi>[];
  cmdb: MergedCmdbSource;
  /** Largest `first` a list accepts. */
  maxPageSize: number;
}

export interface MonitoringContext extends BaseContext, PartialErrors {
  monitors: MonitorHandle[];
  topology: CmdbAccess;
  maxPageSize: number;
}

export function toAlertView(alert: Alert, stale: boolean, topology: MergedCmdb): AlertView {
  const ciId = topology.correlate(alert.ci);
  return { ...alert, ciId, ciError: ciId === null ? (topology.failures[0] ?? null) : null, stale };
}

export function createMonitoringContext(deps: MonitoringSubgraphDeps, base: BaseContext): MonitoringContext {
  const topology = createCmdbAccess(deps.cmdb);
  const monitors = deps.monitors.map((instance): MonitorHandle => {
    const api = instance.forRequest(base.auth);
    let snapshot: Promise<MonitorSnapshot> | undefined;
    let alerts: Promise<AlertView[]> | undefined;
    const read = () =>
      (snapshot ??= api.snapshot().catch((error: unknown) => {
        throw connectorError(instance.name, error, base.log);
      }));
    return {
      name: instance.name,
      api,
      snapshot: read,
      alerts: () =>
        (alerts ??= (async () => {
          const snapshot = await read();
          const loaded = await topology.load();
          return snapshot.alerts.map((alert) => toAlertView(alert, snapshot.stale, loaded));
        })()),
    };
  });
  return {
    ...base,
    errors: [],
    monitors,
    topology,
    maxPageSize: deps.maxPageSize,
  };
}
