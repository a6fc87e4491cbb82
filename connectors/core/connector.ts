import type { Keyv } from 'keyv';
import type { z } from 'zod';
import type { Logger } from './log.js';
import type {
  AckRequest,
  Alert,
  AlertRule,
  Article,
  ArticleQuery,
  Comment,
  ConfigurationItem,
  ConnectorKind,
  Incident,
  IncidentFilter,
  MetricSample,
  MonitorSnapshot,
  NewIncident,
  Relation,
} from './model.js';

/** Who is asking, as the gateway vouched for it. Connectors use it for authorship and audit, never for trust. */
export interface RequestAuth {
  sub: string;
  roles: string[];
  groups: string[];
  requestId: string;
}

/** servicegraph itself, for reads no caller owns (topology, health): tools see their service account either way. */
export const SYSTEM_AUTH: RequestAuth = { sub: 'servicegraph', roles: [], groups: [], requestId: 'system' };

export interface ConnectorDeps {
  log: Logger;
  /** Namespaced per connector instance. Only for data not scoped to a user. */
  cache: Keyv;
  /** The estate directory (service definitions and the builtin tools' data). */
  estateDir: string;
  /** A writable directory for state (SQLite files). */
  dataDir: string;
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
  /** Once per GraphQL request: fresh DataLoaders. */
  forRequest(auth: RequestAuth): TApi;
  /** Throws when the tool is unreachable or rejects our credentials. */
  healthCheck(): Promise<void>;
  dispose(): Promise<void>;
}

export interface MonitorApi {
  /** Active alerts and watched CIs (cached for seconds, stale-if-error). */
  snapshot(): Promise<MonitorSnapshot>;
  alertById(id: string): Promise<Alert | null>;
  acknowledge(alertId: string, ack: AckRequest): Promise<Alert>;
  unacknowledge(alertId: string, author: string): Promise<Alert>;
  /** Instant query (PromQL for Prometheus); null when the tool has no query language. */
  query(expr: string): Promise<MetricSample[] | null>;
  /** Range query, step in seconds; null when unsupported. */
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<MetricSample[][] | null>;
  /** The tool's alerting rules; null when it has no rule list to offer. */
  alertRules(): Promise<AlertRule[] | null>;
}

export interface CmdbApi {
  /** The whole topology (cached for minutes, stale-if-error). */
  listCis(): Promise<ConfigurationItem[]>;
  listRelations(): Promise<Relation[]>;
  ciById(id: string): Promise<ConfigurationItem | null>;
}

export interface HelpdeskApi {
  listIncidents(filter: IncidentFilter): Promise<Incident[]>;
  incidentById(id: string): Promise<Incident | null>;
  /** Never retried blindly: see NewIncident.correlationId. */
  createIncident(input: NewIncident): Promise<Incident>;
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

/** Splits `<connector>:<native id>`; the native id may itself contain colons. */
export function splitQualifiedId(id: string): { connector: string; nativeId: string } | null {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return null;
  return { connector: id.slice(0, at), nativeId: id.slice(at + 1) };
}
