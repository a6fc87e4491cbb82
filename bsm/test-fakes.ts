import type { ApiByKind, ConnectorInstance, ConnectorSet } from '../connectors/core/connector.js';
import type { IdentificationRules } from '../kernel/correlate.js';
import { type Logger, silentLogger } from '../kernel/log.js';
import { loadServiceDefinitions } from './definitions.js';
import { createServiceDirectory, type ServiceDirectory, type ServiceLookup } from './directory.js';
import { createSqliteHistory, type HistoryStore } from './history.js';
import { createMergedCmdbSource } from './merged-cmdb.js';
import { createServiceModel, type ServiceModel, type ServiceModelOptions } from './model.js';
import { DEFAULT_IDENTIFICATION_RULES } from '../kernel/correlate.js';
import { testCi } from '../connectors/core/test-support.js';
import type { Alert, CiHint, ConfigurationItem, MetricSample, Relation, Severity, WatchedCi } from '../kernel/model.js';

/**
 * In-memory connector instances for the service model's tests: the data is plain objects the test
 * changes between evaluations, and every call is counted.
 */

export const testSettings = {
  identification: DEFAULT_IDENTIFICATION_RULES,
  evaluatorIntervalMs: 60_000,
  maxPageSize: 100,
};

/** A CI with only an id (also its name); `extra` sets the rest. */
export const ci = testCi;

export function alert(connector: string, nativeId: string, hint: CiHint, severity: Severity, extra: Partial<Alert> = {}): Alert {
  return {
    id: `${connector}:${nativeId}`,
    connector,
    tool: 'fake',
    severity,
    summary: 'Host down',
    description: null,
    startsAt: '2026-11-27T09:00:00.000Z',
    acknowledged: false,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgedUntil: null,
    inMaintenance: false,
    maintenanceUntil: null,
    labels: {},
    ci: hint,
    url: null,
    ...extra,
  };
}

const instance = <K extends keyof ApiByKind>(name: string, kind: K, api: ApiByKind[K]): ConnectorInstance<ApiByKind[K]> => ({
  name,
  kind,
  forRequest: () => api,
  healthCheck: async () => {},
  dispose: async () => {},
});

const unsupported = async (): Promise<never> => {
  throw new Error('not supported by the fake');
};

export interface FakeMonitor {
  alerts: Alert[];
  watched: WatchedCi[];
  /** Throws from snapshot() while true. */
  down: boolean;
  /** Answers as a connector serving its cached copy while the tool fails. */
  stale: boolean;
  asOf: string;
  /** How long snapshot() takes, in ms. @default 5 */
  delayMs: number;
  snapshots: number;
  metrics: Record<string, number[]>;
  history: Record<string, number[]>;
}

export function fakeMonitor(name: string, data: Partial<FakeMonitor> = {}) {
  const state: FakeMonitor = {
    alerts: [],
    watched: [],
    down: false,
    stale: false,
    asOf: '2026-11-27T09:30:00.000Z',
    delayMs: 5,
    snapshots: 0,
    metrics: {},
    history: {},
    ...data,
  };
  const api: ApiByKind['monitor'] = {
    async snapshot() {
      state.snapshots++;
      await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.down) throw new Error(`${name} is unavailable`);
      return { alerts: state.alerts, watched: state.watched, stale: state.stale, asOf: state.asOf };
    },
    alertById: async (id) => state.alerts.find((a) => a.id === id) ?? null,
    acknowledge: unsupported,
    unacknowledge: unsupported,
    metricsFor: async () => null,
    async query(expr) {
      const values = state.metrics[expr];
      return values ? values.map((value): MetricSample => ({ labels: {}, timestamp: 0, value })) : [];
    },
    async queryRange(expr) {
      const values = state.history[expr];
      return values ? [values.map((value, i): MetricSample => ({ labels: {}, timestamp: i * 900, value }))] : [];
    },
    alertRules: async () => null,
  };
  return { state, instance: instance(name, 'monitor', api) };
}

export function fakeCmdb(name: string, data: { cis: ConfigurationItem[]; relations: Relation[] }) {
  const state = { ...data, down: false };
  const api: ApiByKind['cmdb'] = {
    async snapshot() {
      if (state.down) throw new Error(`${name} is unavailable`);
      return { cis: state.cis, relations: state.relations, stale: false, asOf: '2026-11-27T09:00:00.000Z' };
    },
  };
  return { state, instance: instance(name, 'cmdb', api) };
}

export function connectorSet(parts: Partial<ConnectorSet>): ConnectorSet {
  return { monitor: [], cmdb: [], helpdesk: [], knowledge: [], ...parts };
}

export type TestModel = ServiceModel & ServiceLookup & { readonly directory: ServiceDirectory; close(): Promise<void> };

/**
 * The service model over the given connectors as the composition root builds it (definitions, the
 * one merged CMDB, the directory, the model), with its history store, in one call for tests.
 */
export function createTestModel(options: {
  estateDir: string;
  connectors: ConnectorSet;
  dataDir?: string;
  history?: HistoryStore;
  settings?: { identification: IdentificationRules };
  log?: Logger;
  /** How long one merge of the CMDBs is shared. @default 3000 */
  cacheMs?: number;
  deadlineMs?: number;
  now?: () => Date;
  lease?: ServiceModelOptions['lease'];
  onEvaluated?: ServiceModelOptions['onEvaluated'];
}): TestModel {
  const log = options.log ?? silentLogger;
  const definitions = loadServiceDefinitions(options.estateDir);
  const cmdb = createMergedCmdbSource(options.connectors.cmdb, {
    identification: (options.settings ?? testSettings).identification,
    log,
    ttlMs: options.cacheMs ?? 3000,
  });
  const directory = createServiceDirectory(definitions, cmdb, log);
  const history = options.history ?? createSqliteHistory(options.dataDir ?? ':memory:');
  const model = createServiceModel({
    directory,
    monitors: options.connectors.monitor,
    history,
    log,
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.lease ? { lease: options.lease } : {}),
    ...(options.onEvaluated ? { onEvaluated: options.onEvaluated } : {}),
  });
  return {
    ...model,
    services: directory.services,
    componentIds: directory.componentIds,
    servicesForCi: directory.servicesForCi,
    close: async () => {
      if (!options.history) await history.close();
    },
  };
}
