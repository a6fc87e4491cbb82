import type { Article, ConfigurationItem, Incident, IncidentPriority, IncidentState, Relation, RelationType } from '../../kernel/model.js';
import type { SnRow } from './client.js';
import { parseCost } from '../core/cost.js';

/** Pure Table API row → model functions. Rows come with sysparm_display_value=all (see client.ts). */

/** The raw value of a field (a sys_id for references, a code for choices). */
export function value(row: SnRow, field: string): string {
  const f = row[field];
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object' && 'value' in f) return String((f as { value: unknown }).value ?? '');
  return '';
}

/** The display value of a field (the referenced record's name, a choice's label). */
export function display(row: SnRow, field: string): string {
  const f = row[field];
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object' && 'display_value' in f) return String((f as { display_value: unknown }).display_value ?? '');
  return '';
}

const orNull = (s: string) => (s === '' ? null : s);

/** ServiceNow's `yyyy-MM-dd HH:mm:ss` (the `value` of a date-time field is UTC) → ISO 8601. */
export function snDateToIso(s: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(s);
  return m ? `${m[1]}T${m[2]}Z` : null;
}

/** A deep link that opens the record inside the instance's navigation frame. */
export function recordUrl(uiUrl: string, table: string, sysId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/nav_to.do?uri=${encodeURIComponent(`${table}.do?sys_id=${sysId}`)}`;
}

// ---- CMDB ----

export const CI_FIELDS = [
  'sys_id',
  'name',
  'sys_class_name',
  'fqdn',
  'ip_address',
  'serial_number',
  'os',
  'operational_status',
  'install_status',
  'location',
  'support_group',
  'short_description',
];

/** Attributes copied from a CI (display values, empty ones left out). */
const CI_ATTRIBUTES = ['sys_class_name', 'os', 'operational_status', 'install_status', 'location', 'support_group', 'short_description'];

export interface CiContext {
  connector: string;
  uiUrl: string;
  idField: 'name' | 'sys_id';
  classMap: Record<string, string>;
  /** The cost field (config `costField`) and how many months its figure covers. */
  cost: { field: string; months: number };
}

/** Unmapped classes keep a readable name: cmdb_ci_ups → `ups`. */
export function ciClass(snClass: string, classMap: Record<string, string>): string {
  return (
    classMap[snClass] ??
    (snClass
      .replace(/^cmdb_ci_?/, '')
      .replace(/_/g, '-')
      .replace(/[^a-z-]/g, '') ||
      'other')
  );
}

export function toCi(row: SnRow, ctx: CiContext): ConfigurationItem {
  const sysId = value(row, 'sys_id');
  const attributes: Record<string, string> = {};
  for (const field of CI_ATTRIBUTES) {
    const v = display(row, field);
    if (v !== '') attributes[field] = v;
  }
  return {
    id: ctx.idField === 'sys_id' ? sysId : value(row, 'name'),
    name: value(row, 'name'),
    class: ciClass(value(row, 'sys_class_name'), ctx.classMap),
    fqdn: orNull(value(row, 'fqdn')),
    ip: orNull(value(row, 'ip_address')),
    serial: orNull(value(row, 'serial_number')),
    tags: [],
    attributes,
    monthlyCost: monthly(parseCost(value(row, ctx.cost.field)), ctx.cost.months),
    sourceLinks: [{ tool: 'servicenow', connector: ctx.connector, id: sysId, url: recordUrl(ctx.uiUrl, 'cmdb_ci', sysId) }],
  };
}

const monthly = (cost: number | null, months: number) => (cost === null ? null : cost / months);

export const REL_FIELDS = ['sys_id', 'parent', 'child', 'type'];

/**
 * cmdb_rel_type names we read. Each reads parent → child the way health flows (the parent needs the
 * child): an application `Runs on::Runs` its server, a cluster `Members::Member of` has its nodes.
 */
export const RELATION_TYPES: Record<string, RelationType> = {
  'Depends on::Used by': 'DEPENDS_ON',
  'Runs on::Runs': 'RUNS_ON',
  'Members::Member of': 'MEMBER_OF',
};

export interface MappedRelations {
  relations: Relation[];
  /** Relation type name → rows ignored because we do not read that type. */
  ignoredTypes: Record<string, number>;
  /** Rows whose parent or child is not among the CIs read (another class, or retired). */
  dangling: number;
}

export function toRelations(rows: SnRow[], idBySysId: Map<string, string>): MappedRelations {
  const seen = new Set<string>();
  const out: MappedRelations = { relations: [], ignoredTypes: {}, dangling: 0 };
  for (const row of rows) {
    const typeName = display(row, 'type');
    const type = RELATION_TYPES[typeName];
    if (!type) {
      out.ignoredTypes[typeName] = (out.ignoredTypes[typeName] ?? 0) + 1;
      continue;
    }
    const parentId = idBySysId.get(value(row, 'parent'));
    const childId = idBySysId.get(value(row, 'child'));
    if (!parentId || !childId || parentId === childId) {
      out.dangling++;
      continue;
    }
    const key = `${parentId}\u0000${childId}\u0000${type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.relations.push({ parentId, childId, type });
  }
  return out;
}

// ---- Incidents ----

export const INCIDENT_FIELDS = [
  'sys_id',
  'number',
  'short_description',
  'description',
  'state',
  'priority',
  'cmdb_ci',
  'business_service',
  'assigned_to',
  'opened_at',
  'correlation_id',
];

const STATES: Record<string, IncidentState> = {
  '1': 'NEW',
  '2': 'IN_PROGRESS',
  '3': 'ON_HOLD',
  '6': 'RESOLVED',
  '7': 'CLOSED',
  '8': 'CANCELED',
};

const PRIORITIES: Record<string, IncidentPriority> = { '1': 'CRITICAL', '2': 'HIGH', '3': 'MODERATE', '4': 'LOW', '5': 'PLANNING' };

/**
 * Priority → impact and urgency: the instance derives priority from these two through its priority
 * lookup (a data policy usually makes priority itself read-only), so we write the pair that the
 * default lookup turns into the wanted priority.
 */
export const IMPACT_URGENCY: Record<IncidentPriority, { impact: string; urgency: string }> = {
  CRITICAL: { impact: '1', urgency: '1' },
  HIGH: { impact: '1', urgency: '2' },
  MODERATE: { impact: '2', urgency: '2' },
  LOW: { impact: '2', urgency: '3' },
  PLANNING: { impact: '3', urgency: '3' },
};

export const SLA_FIELDS = ['task', 'sla.target', 'planned_end_time', 'stage'];

export interface TicketSla {
  responseDue: string | null;
  resolutionDue: string | null;
}

/**
 * task_sla rows → due times per task sys_id. Cancelled and completed SLAs no longer bind; of several
 * running SLAs of one target the earliest breach time (planned_end_time) wins.
 */
export function slaByTask(rows: SnRow[]): Map<string, TicketSla> {
  const out = new Map<string, TicketSla>();
  for (const row of rows) {
    const stage = value(row, 'stage');
    if (stage === 'cancelled' || stage === 'completed') continue;
    const due = snDateToIso(value(row, 'planned_end_time'));
    if (!due) continue;
    const task = value(row, 'task');
    const sla = out.get(task) ?? { responseDue: null, resolutionDue: null };
    const key = value(row, 'sla.target') === 'response' ? 'responseDue' : 'resolutionDue';
    const current = sla[key];
    if (current === null || due < current) sla[key] = due;
    out.set(task, sla);
  }
  return out;
}

export interface IncidentContext {
  connector: string;
  uiUrl: string;
  serviceMap: Record<string, string>;
}

/** business_service display value → our service id. */
export function serviceIdOf(name: string, serviceMap: Record<string, string>): string | null {
  if (name === '') return null;
  return serviceMap[name] ?? name.trim().toLowerCase().replace(/\s+/g, '-');
}

export function toIncident(row: SnRow, ctx: IncidentContext, sla: TicketSla | undefined, linkedArticleIds: string[]): Incident {
  const sysId = value(row, 'sys_id');
  const ciName = display(row, 'cmdb_ci');
  const openedAt = snDateToIso(value(row, 'opened_at'));
  return {
    id: `${ctx.connector}:${value(row, 'number')}`,
    connector: ctx.connector,
    tool: 'servicenow',
    number: value(row, 'number'),
    title: value(row, 'short_description'),
    description: orNull(value(row, 'description')),
    // Custom states (an instance may add some) read as "being worked on" rather than as new or done.
    state: STATES[value(row, 'state')] ?? 'IN_PROGRESS',
    priority: PRIORITIES[value(row, 'priority')] ?? 'MODERATE',
    ci: ciName === '' ? null : { name: ciName },
    serviceId: serviceIdOf(display(row, 'business_service'), ctx.serviceMap),
    assignee: orNull(display(row, 'assigned_to')),
    openedAt: openedAt ?? new Date(0).toISOString(),
    responseDue: sla?.responseDue ?? null,
    resolutionDue: sla?.resolutionDue ?? null,
    url: recordUrl(ctx.uiUrl, 'incident', sysId),
    linkedArticleIds,
  };
}

// ---- Knowledge ----

export const KB_FIELDS = ['sys_id', 'number', 'short_description', 'text', 'meta', 'kb_category', 'sys_updated_on'];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Article HTML → plain text for snippets and scoring. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A snippet of at most `max` characters, starting near the first term found. */
export function snippet(text: string, terms: string[], max = 240): string {
  const lower = text.toLowerCase();
  const hits = terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0);
  const first = hits.length ? Math.min(...hits) : 0;
  const start = first > max / 2 ? text.lastIndexOf(' ', first - 40) + 1 : 0;
  const cut = text.slice(start, start + max);
  return `${start > 0 ? '… ' : ''}${cut}${start + max < text.length ? ' …' : ''}`;
}

/** Relevance in [0, 1]: each term counts fully when in the title, half when only in the body or keywords. */
export function score(row: SnRow, terms: string[]): number {
  if (terms.length === 0) return 0;
  const title = value(row, 'short_description').toLowerCase();
  const body = `${stripHtml(value(row, 'text'))} ${value(row, 'meta')}`.toLowerCase();
  const points = terms.reduce((sum, t) => {
    const term = t.toLowerCase();
    return sum + (title.includes(term) ? 1 : body.includes(term) ? 0.5 : 0);
  }, 0);
  return Math.round((points / terms.length) * 1000) / 1000;
}

export interface ArticleContext {
  connector: string;
  uiUrl: string;
}

export function toArticle(row: SnRow, ctx: ArticleContext, terms: string[], relevance: number | null): Article {
  const number = value(row, 'number');
  const labels = [display(row, 'kb_category'), ...value(row, 'meta').split(/[\s,]+/)].filter((l) => l !== '');
  return {
    id: `${ctx.connector}:${number}`,
    connector: ctx.connector,
    tool: 'servicenow',
    title: value(row, 'short_description'),
    snippet: snippet(stripHtml(value(row, 'text')), terms),
    url: `${ctx.uiUrl.replace(/\/$/, '')}/kb_view.do?sysparm_article=${encodeURIComponent(number)}`,
    labels: [...new Set(labels)],
    score: relevance,
  };
}
