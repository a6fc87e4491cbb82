import type { CiHint, Incident, IncidentPriority, IncidentState } from '../../kernel/model.js';
import type { JiraConfig } from './config.js';
import type { IssueDto, RemoteLinksDto, SlaDto } from './client.js';

/** Pure Jira/JSM DTO → model functions. */

const PRIORITIES: Record<string, IncidentPriority> = {
  highest: 'CRITICAL',
  blocker: 'CRITICAL',
  critical: 'CRITICAL',
  high: 'HIGH',
  major: 'HIGH',
  medium: 'MODERATE',
  low: 'LOW',
  minor: 'LOW',
  lowest: 'PLANNING',
  trivial: 'PLANNING',
};

const PRIORITY_NAMES: Record<IncidentPriority, string> = {
  CRITICAL: 'Highest',
  HIGH: 'High',
  MODERATE: 'Medium',
  LOW: 'Low',
  PLANNING: 'Lowest',
};

/** Status names of JSM's ITSM workflows whose category alone would mislead (they are "in progress" or "done"). */
const STATUS_NAMES: Record<string, IncidentState> = {
  'waiting for customer': 'ON_HOLD',
  'waiting for approval': 'ON_HOLD',
  pending: 'ON_HOLD',
  'on hold': 'ON_HOLD',
  closed: 'CLOSED',
  canceled: 'CANCELED',
  cancelled: 'CANCELED',
  declined: 'CANCELED',
  "won't do": 'CANCELED',
};

const CANCEL_RESOLUTIONS = new Set(["won't do", "won't fix", 'declined', 'duplicate', 'cancelled', 'canceled']);

export interface MappingContext {
  connector: string;
  uiUrl: string;
  config: Pick<JiraConfig, 'ciField' | 'serviceField' | 'priorities' | 'statuses'>;
}

export const CI_LABEL = 'ci:';
export const SERVICE_LABEL = 'service:';
export const ARTICLE_LINK_PREFIX = 'servicegraph:article:';

export function toState(fields: IssueDto['fields'], statuses: Record<string, IncidentState>): IncidentState {
  const name = fields.status?.name ?? '';
  const configured = statuses[name];
  if (configured) return configured;
  const byName = STATUS_NAMES[name.toLowerCase()];
  if (byName) return byName;
  switch (fields.status?.statusCategory?.key) {
    case 'new':
      return 'NEW';
    case 'done':
      return CANCEL_RESOLUTIONS.has((fields.resolution?.name ?? '').toLowerCase()) ? 'CANCELED' : 'RESOLVED';
    default:
      // 'indeterminate' and anything unknown: open, never silently closed.
      return 'IN_PROGRESS';
  }
}

export function toPriority(name: string | undefined, configured: Record<string, IncidentPriority>): IncidentPriority {
  if (!name) return 'MODERATE';
  return configured[name] ?? PRIORITIES[name.toLowerCase()] ?? 'MODERATE';
}

export function toPriorityName(priority: IncidentPriority, configured: Record<string, IncidentPriority>): string {
  const custom = Object.entries(configured).find(([, p]) => p === priority);
  return custom ? custom[0] : PRIORITY_NAMES[priority];
}

/** Plain text of an ADF document (or a Data Center string). */
export function adfText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (!node || typeof node !== 'object') return '';
  const n = node as { type?: string; text?: string; content?: unknown[] };
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  const inner = (n.content ?? []).map(adfText);
  return n.type === 'doc' ? inner.join('\n\n') : inner.join('');
}

/** A custom field's value as text: plain strings, select options `{value}`, or the first of a list. */
export function fieldText(value: unknown): string | null {
  if (typeof value === 'string') return value || null;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length ? fieldText(value[0]) : null;
  if (value && typeof value === 'object') {
    const v = value as { value?: unknown; name?: unknown };
    return fieldText(v.value ?? v.name);
  }
  return null;
}

function fromLabel(labels: string[], prefix: string): string | null {
  const label = labels.find((l) => l.startsWith(prefix));
  return label ? label.slice(prefix.length) : null;
}

/** Jira writes offsets without a colon (`+0000`); the model wants ISO 8601 in UTC. */
export function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Due times of the running JSM SLA cycles; a completed or paused cycle has none. */
export function slaDue(sla: SlaDto | undefined, now: number = Date.now()): { responseDue: string | null; resolutionDue: string | null } {
  const due = (match: RegExp): string | null => {
    const cycle = sla?.values.find((v) => match.test(v.name))?.ongoingCycle;
    if (!cycle || cycle.paused) return null;
    if (cycle.breachTime?.iso8601) return isoDate(cycle.breachTime.iso8601);
    if (cycle.breachTime?.epochMillis !== undefined) return new Date(cycle.breachTime.epochMillis).toISOString();
    if (cycle.remainingTime) return new Date(now + cycle.remainingTime.millis).toISOString();
    return null;
  };
  return { responseDue: due(/response/i), resolutionDue: due(/resolution/i) };
}

export function linkedArticles(links: RemoteLinksDto | undefined): string[] {
  return (links ?? []).flatMap((l) => (l.globalId?.startsWith(ARTICLE_LINK_PREFIX) ? [l.globalId.slice(ARTICLE_LINK_PREFIX.length)] : []));
}

export function toIncident(dto: IssueDto, ctx: MappingContext, extra: { sla?: SlaDto; links?: RemoteLinksDto } = {}): Incident {
  const f = dto.fields;
  const labels = f.labels ?? [];
  const raw = f as Record<string, unknown>;
  const { ciField, serviceField } = ctx.config;
  const ciId = ciField === 'label' ? fromLabel(labels, CI_LABEL) : fieldText(raw[ciField]);
  const serviceId =
    serviceField === 'label'
      ? fromLabel(labels, SERVICE_LABEL)
      : serviceField === 'component'
        ? (f.components?.[0]?.name ?? null)
        : fieldText(raw[serviceField]);
  const ci: CiHint | null = ciId ? { ciId } : null;
  const sla = slaDue(extra.sla);
  return {
    id: `${ctx.connector}:${dto.key}`,
    connector: ctx.connector,
    tool: 'jira',
    number: dto.key,
    title: f.summary ?? '',
    description: f.description === undefined || f.description === null ? null : adfText(f.description) || null,
    state: toState(f, ctx.config.statuses),
    priority: toPriority(f.priority?.name, ctx.config.priorities),
    ci,
    serviceId,
    assignee: f.assignee?.displayName ?? f.assignee?.accountId ?? null,
    openedAt: isoDate(f.created) ?? new Date(0).toISOString(),
    responseDue: sla.responseDue,
    // Without a JSM SLA the due date is the best "resolve by" Jira has.
    resolutionDue: sla.resolutionDue ?? isoDate(f.duedate ? `${f.duedate}T23:59:59Z` : null),
    url: `${ctx.uiUrl}/browse/${encodeURIComponent(dto.key)}`,
    linkedArticleIds: linkedArticles(extra.links),
  };
}

/** A JQL string literal. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `customfield_10050` → `cf[10050]`, the JQL name of a custom field. */
export function jqlField(field: string): string {
  const id = /^customfield_(\d+)$/.exec(field)?.[1];
  return id ? `cf[${id}]` : field;
}
