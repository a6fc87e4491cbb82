import type { Keyv } from 'keyv';
import type { z } from 'zod';
import type { RequestAuth } from '../../kernel/request.js';
import type { Logger } from '../../kernel/log.js';
import type { PostgresPool } from '../../kernel/postgres.js';
import type {
  AckRequest,
  Alert,
  AlertRule,
  Article,
  ArticleQuery,
  Comment,
  CiMetric,
  CmdbSnapshot,
  ConfigurationItem,
  ConnectorKind,
  Incident,
  IncidentFilter,
  MetricSample,
  MonitorSnapshot,
  NewIncident,
  NewRequest,
  OpenedRequest,
} from '../../kernel/model.js';

export interface ConnectorDeps {
  log: Logger;
  /** Namespaced per connector instance. Only for data not scoped to a user. */
  cache: Keyv;
  /** The estate directory (service definitions and the builtin tools' data). */
  estateDir: string;
  /** A writable directory for state (SQLite files). */
  dataDir: string;
  /** The deployment's shared database, where state lives instead of dataDir when several replicas run. */
  postgres?: PostgresPool | undefined;
}

/** A tool family (prometheus, servicenow-cmdb, …): validates its config and makes instances. */
export interface Connector<TConfig, TApi> {
  /** Config `type`, e.g. `prometheus`. */
  readonly type: string;
  readonly kind: ConnectorKind;
  readonly config: z.ZodType<TConfig>;
  /** Once, at startup. No network I/O. `name` is the instance name from the config. */
  create(name: string, config: TConfig, deps: ConnectorDeps): ConnectorInstance<TApi>;
}

export interface ConnectorInstance<TApi> {
  /** Instance name: keyv namespace, log prefix, `extensions.connector`, prefix of tool-qualified ids. */
  readonly name: string;
  readonly kind: ConnectorKind;
  /**
   * The API as one caller uses it: each subgraph asks once per request it serves (bsm asks with
   * SYSTEM_AUTH for reads no caller owns). A connector that batches one request's lookups makes
   * fresh DataLoaders here (Jira, RT, ServiceNow incidents and knowledge); one with nothing per
   * request may return one shared object every time (the monitors, the CMDBs and the builtins do),
   * its reads shared across requests through the keyv cache. Either way nothing scoped to one caller
   * may serve another. The request id is not passed: log lines take it from the request context
   * (kernel/request-context.ts).
   */
  forRequest(auth: RequestAuth): TApi;
  /** Throws when the tool is unreachable or rejects our credentials. */
  healthCheck(): Promise<void>;
  dispose(): Promise<void>;
}

export interface MonitorApi {
  /**
   * Active alerts and watched CIs (cached for seconds, stale-if-error). A watched CI the tool cannot
   * vouch for carries a `doubt` (see WatchedCi).
   */
  snapshot(): Promise<MonitorSnapshot>;
  alertById(id: string): Promise<Alert | null>;
  /**
   * Makes the alert acknowledged in the tool and answers it as the tool now has it. Idempotent (see
   * connectors/core/idempotent-write.ts): an alert already acknowledged, by anyone, is answered as it
   * is and nothing is written; a write whose answer was lost is looked up before it is reported as
   * failed. The cached snapshot is updated, not dropped.
   */
  acknowledge(alertId: string, ack: AckRequest): Promise<Alert>;
  /** Makes the alert unacknowledged, idempotently, as `acknowledge`. */
  unacknowledge(alertId: string, author: string): Promise<Alert>;
  /**
   * What the monitor measures of the CI (CPU, memory, up, …), found the tool's own way (labels,
   * host names); null when the monitor offers no metrics. How to find them is the connector's
   * knowledge: nothing above the connectors speaks a tool's query language.
   */
  metricsFor(ci: ConfigurationItem): Promise<CiMetric[] | null>;
  /** Instant query of a KPI expression the estate wrote in the tool's language (PromQL for Prometheus); null when the tool has none. */
  query(expr: string): Promise<MetricSample[] | null>;
  /** Range query, step in seconds; null when unsupported. */
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<MetricSample[][] | null>;
  /** The tool's alerting rules; null when it has no rule list to offer. */
  alertRules(): Promise<AlertRule[] | null>;
}

/**
 * The MonitorApi of a monitor with no metrics, query language or rule list to offer (Icinga checks
 * and Zabbix triggers are per-host objects, not a rule list servicegraph shows).
 */
export const NO_METRICS: Pick<MonitorApi, 'metricsFor' | 'query' | 'queryRange' | 'alertRules'> = {
  metricsFor: async () => null,
  query: async () => null,
  queryRange: async () => null,
  alertRules: async () => null,
};

export interface CmdbApi {
  /** The whole topology (cached for minutes, served stale for the connector's `staleMs` when the tool fails). */
  snapshot(): Promise<CmdbSnapshot>;
}

export interface HelpdeskApi {
  listIncidents(filter: IncidentFilter): Promise<Incident[]>;
  incidentById(id: string): Promise<Incident | null>;
  /** Never retried blindly: see NewIncident.correlationId. */
  createIncident(input: NewIncident): Promise<Incident>;
  /**
   * Opens a catalogue request the tool's own way (its README says how and which NewRequest.toolIds
   * key it reads), idempotently by the correlation id like createIncident. Throws NOT_CONFIGURED when
   * the tool has no way to know what to open (no item, request type or queue configured).
   */
  createRequest(input: NewRequest): Promise<OpenedRequest>;
  comment(incidentId: string, comment: Comment): Promise<Incident>;
  /** Records the link in the tool; false when the tool cannot store links. */
  linkArticle(incidentId: string, article: { id: string; title: string; url: string | null }): Promise<boolean>;
}

export interface KnowledgeApi {
  search(query: ArticleQuery): Promise<Article[]>;
  articleById(id: string): Promise<Article | null>;
}

export interface ApiByKind {
  monitor: MonitorApi;
  cmdb: CmdbApi;
  helpdesk: HelpdeskApi;
  knowledge: KnowledgeApi;
}

/** Every configured connector instance, by kind, in config order. */
export interface ConnectorSet {
  monitor: ConnectorInstance<ApiByKind['monitor']>[];
  cmdb: ConnectorInstance<ApiByKind['cmdb']>[];
  helpdesk: ConnectorInstance<ApiByKind['helpdesk']>[];
  knowledge: ConnectorInstance<ApiByKind['knowledge']>[];
}
