/**
 * The domain model every connector maps its tool's objects into. Subgraphs only see these shapes,
 * never a tool's DTOs, so a portal query reads the same whether the CMDB is ServiceNow or NetBox.
 */

/** Health statuses in order of severity. UNKNOWN is not on the scale: it means "cannot decide". */
export const SEVERITY_ORDER = ['OK', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];
export type Status = Severity | 'UNKNOWN';

export type ConnectorKind = 'monitor' | 'cmdb' | 'helpdesk' | 'knowledge';

/** A link into the UI of the tool that knows an object. */
export interface SourceLink {
  /** Tool family, e.g. `alertmanager`, `icinga`, `servicenow`. */
  tool: string;
  /** Connector instance name from the config, e.g. `prom-web`. */
  connector: string;
  /** The tool's own id of the object. */
  id: string;
  url: string | null;
}

/**
 * How a relation between CIs is read for health: the parent depends on the child, so the child's
 * status flows up to the parent. ServiceNow's `Depends on::Used by`, `Runs on::Runs` and
 * `Members::Member of` all read parent → child this way.
 */
export type RelationType = 'DEPENDS_ON' | 'RUNS_ON' | 'MEMBER_OF';

export interface ConfigurationItem {
  /** Stable id in servicegraph's model (the builtin estate's id, or a reconciled id). */
  id: string;
  name: string;
  /** Normalised class: server, vm, cluster, application, database, network, storage, desktop-pool, … */
  class: string;
  fqdn: string | null;
  ip: string | null;
  serial: string | null;
  tags: string[];
  attributes: Record<string, string>;
  /**
   * What the CI costs per month, in the estate's revenue unit, from the CMDB's cost field; null when
   * the CMDB records none (absent is not zero: showback leaves it out, it does not count it as free).
   */
  monthlyCost: number | null;
  sourceLinks: SourceLink[];
}

/** Everything a CMDB knows right now: its CIs and the relations between them. */
export interface CmdbSnapshot {
  cis: ConfigurationItem[];
  relations: Relation[];
  /** True when served from cache because the tool failed. */
  stale: boolean;
  /** When the tool gave this answer (ISO 8601). */
  asOf: string;
}

export interface Relation {
  parentId: string;
  childId: string;
  type: RelationType;
}

/** What a tool says about which CI an object concerns; correlation turns it into a CI id. */
export interface CiHint {
  /** An explicit CI id (a `ci_id` label, host var or tag). */
  ciId?: string;
  name?: string;
  fqdn?: string;
  ip?: string;
}

export interface Alert {
  /** Tool-qualified: `<connector>:<native id>`. */
  id: string;
  connector: string;
  tool: string;
  severity: Severity;
  summary: string;
  description: string | null;
  /** ISO 8601. */
  startsAt: string;
  acknowledged: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgedUntil: string | null;
  /** The object is in a scheduled downtime / maintenance window in the tool. */
  inMaintenance: boolean;
  /**
   * When that maintenance ends (ISO 8601), as the tool says (an Alertmanager silence's end); null when
   * not in maintenance or when the tool does not say.
   */
  maintenanceUntil: string | null;
  labels: Record<string, string>;
  ci: CiHint;
  /** Deep link into the tool's UI. */
  url: string | null;
}

/** A CI a monitor watches, with where to look at it in the monitor's own UI. */
export interface WatchedCi extends CiHint {
  link?: { tool: string; url: string };
  /**
   * Set when the monitor cannot vouch that this CI is OK, though it has no alert for it: its view is
   * incomplete (the tool just restarted and may not know every alert yet, the CI's scrape target is
   * down or not scraped yet, part of the tool did not answer). The text says why, in words for an
   * explanation. Without alerts such a CI is UNKNOWN, never OK; its alerts still count. A tool is never
   * trusted for "OK" on an empty answer.
   */
  doubt?: string;
}

/** Everything a monitor knows right now: its active problems and the CIs it watches. */
export interface MonitorSnapshot {
  alerts: Alert[];
  /**
   * CIs this monitor watches: a watched CI without alerts is OK unless the entry carries a `doubt`
   * (or the snapshot is stale); an unwatched one is UNKNOWN.
   */
  watched: WatchedCi[];
  /**
   * True when part of the answer could not be read now (the tool failed) and is the last known
   * state from cache, or missing: it vouches for nothing being OK.
   */
  stale: boolean;
  /** When the tool gave this answer (ISO 8601); of an answer combined from several reads, the oldest. */
  asOf: string;
}

/** An alerting rule of a monitor: what makes it fire. */
export interface AlertRule {
  /** Tool-qualified: `<connector>:<group>/<name>`. */
  id: string;
  connector: string;
  tool: string;
  group: string;
  name: string;
  /** The rule's condition in the tool's language (PromQL for Prometheus). */
  expression: string;
  severity: Severity;
  /** inactive, pending or firing. */
  state: string;
  /** How many alerts the rule has active now. */
  activeAlerts: number;
  /** Deep link to the rule in the tool's UI. */
  url: string | null;
}

/** A measurement of a CI as a monitor reports it (CPU, memory, up, …). */
export interface CiMetric {
  name: string;
  /** null when the monitor has no number for it now (no data, NaN, ±Inf). */
  value: number | null;
  unit: string | null;
  /** ISO 8601. */
  at: string | null;
  /** Deep link to the graph in the monitor's UI. */
  url: string | null;
}

export interface MetricSample {
  labels: Record<string, string>;
  /** Unix seconds. */
  timestamp: number;
  value: number;
}

export interface AckRequest {
  author: string;
  comment: string;
  /** ISO 8601; the tool's default when absent. */
  until?: string;
}

export type IncidentState = 'NEW' | 'IN_PROGRESS' | 'ON_HOLD' | 'RESOLVED' | 'CLOSED' | 'CANCELED';
export type IncidentPriority = 'CRITICAL' | 'HIGH' | 'MODERATE' | 'LOW' | 'PLANNING';

export interface Incident {
  /** Tool-qualified: `<connector>:<native id>`. */
  id: string;
  connector: string;
  tool: string;
  /** Human number: INC0010001, JSM-12, RT #4. */
  number: string;
  title: string;
  description: string | null;
  state: IncidentState;
  priority: IncidentPriority;
  ci: CiHint | null;
  serviceId: string | null;
  assignee: string | null;
  /** ISO 8601. */
  openedAt: string;
  responseDue: string | null;
  resolutionDue: string | null;
  url: string | null;
  /** Article ids (tool-qualified) linked to this incident in the help desk. */
  linkedArticleIds: string[];
}

export interface NewIncident {
  title: string;
  description: string;
  priority: IncidentPriority;
  ciId: string | null;
  serviceId: string | null;
  /** Who asked (the viewer's id). */
  caller: string;
  /**
   * Idempotency key chosen by the gateway: a create repeated with the same key must not open a
   * second ticket (connectors store it in the tool, e.g. a correlation field, and look it up first).
   */
  correlationId: string;
}

/**
 * A catalogue request to open in a help desk: a request in the tool's own sense (a ServiceNow
 * sc_request, a JSM request of a request type, an RT ticket in the request queue), not an incident.
 */
export interface NewRequest {
  /** The offering requested (`<service id>.<offering id>`). */
  offeringId: string;
  title: string;
  description: string;
  serviceId: string;
  /** Who asked (the viewer's id). */
  caller: string;
  /** Idempotency key, as NewIncident.correlationId: a repeated create returns the request it opened. */
  correlationId: string;
  /**
   * The offering's ids in the tools, from its `request:` block in the estate (e.g. `servicenow: <catalog
   * item sys_id>`, `jsm: <requestTypeId>`, `rt: <queue>`). A connector reads the key named after its
   * instance, else its tool's key, else its connector's configured default (README of each connector).
   */
  toolIds: Readonly<Record<string, string>>;
}

/** A request as the help desk opened it. */
export interface OpenedRequest {
  /** Tool-qualified: `<connector>:<native id>`. */
  id: string;
  connector: string;
  /** What people quote: REQ0010001, the JSM issue key, RT #12. */
  number: string;
  url: string | null;
}

/** The tool's id for the requested offering (see NewRequest.toolIds), or `fallback`. */
export function requestItem(request: NewRequest, instance: string, tool: string, fallback: string | undefined): string | undefined {
  return request.toolIds[instance] ?? request.toolIds[tool] ?? fallback;
}

export interface IncidentFilter {
  ciIds?: string[];
  serviceIds?: string[];
  openOnly?: boolean;
  text?: string;
}

export interface Comment {
  author: string;
  text: string;
  /** Work note (agents only) rather than a comment the caller sees. */
  internal: boolean;
}

export interface Article {
  /** Tool-qualified: `<connector>:<native id>`. */
  id: string;
  connector: string;
  tool: string;
  title: string;
  snippet: string;
  url: string | null;
  labels: string[];
  /** Relevance in [0, 1] when the article came from a search. */
  score: number | null;
}

export interface ArticleQuery {
  text: string;
  ciNames?: string[];
  serviceNames?: string[];
  limit: number;
}

/** Splits `<connector>:<native id>`; the native id may itself contain colons. */
export function splitQualifiedId(id: string): { connector: string; nativeId: string } | null {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return null;
  return { connector: id.slice(0, at), nativeId: id.slice(at + 1) };
}

/**
 * What every subgraph needs to know about business services to enforce scope: which services exist,
 * who owns and consumes them, and which CIs belong to which service. Implemented by the service model
 * (bsm/model.ts); monitoring and helpdesk use it to check that an alert or incident serves a
 * service in the viewer's scope.
 */
export interface ServiceInfo {
  id: string;
  name: string;
  owner: string;
  consumers: string[];
  tags: string[];
  /** How much the business depends on it; the help desk derives a reported problem's priority from it. */
  criticality?: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  /** Direct child services. */
  childServiceIds: string[];
}
