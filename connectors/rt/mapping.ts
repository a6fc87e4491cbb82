import type { CiHint, Incident, IncidentPriority, IncidentState } from '../../kernel/model.js';
import type { TicketDto } from './client.js';

/** Pure RT REST2 DTO → model functions. */

const STATES: Record<string, IncidentState> = {
  new: 'NEW',
  open: 'IN_PROGRESS',
  stalled: 'ON_HOLD',
  resolved: 'RESOLVED',
  rejected: 'CANCELED',
  deleted: 'CANCELED',
};

/** Statuses of RT's default lifecycle that end a ticket; used for `openOnly`. */
export const INACTIVE_STATUSES = ['resolved', 'rejected', 'deleted'];

/** Unknown statuses (custom lifecycles) read as in progress: still open, never silently closed. */
export function toState(status: string | undefined): IncidentState {
  return STATES[(status ?? '').toLowerCase()] ?? 'IN_PROGRESS';
}

export function toRtStatus(state: IncidentState): string {
  switch (state) {
    case 'NEW':
      return 'new';
    case 'IN_PROGRESS':
      return 'open';
    case 'ON_HOLD':
      return 'stalled';
    case 'RESOLVED':
    case 'CLOSED':
      return 'resolved';
    case 'CANCELED':
      return 'rejected';
  }
}

/** RT 5's default PriorityAsString names (Low 0, Medium 50, High 100), for instances that send names. */
const NAMED: Record<string, number> = { low: 0, medium: 50, high: 100 };

/** RT priorities are numbers (0–100 by default): bucket them. */
export function toPriority(value: string | number | undefined): IncidentPriority {
  const raw = String(value ?? '').trim();
  const n = /^-?\d+$/.test(raw) ? Number(raw) : (NAMED[raw.toLowerCase()] ?? 50);
  if (n >= 90) return 'CRITICAL';
  if (n >= 70) return 'HIGH';
  if (n >= 30) return 'MODERATE';
  return 'LOW';
}

export function toRtPriority(priority: IncidentPriority): number {
  return { CRITICAL: 100, HIGH: 75, MODERATE: 50, LOW: 10, PLANNING: 0 }[priority];
}

/** RT sends the epoch for unset dates. */
export function toDate(value: string | undefined): string | null {
  if (!value || value.startsWith('1970-01-01')) return null;
  return value;
}

export function customFieldValue(dto: TicketDto, field: string | undefined): string | null {
  if (!field || !Array.isArray(dto.CustomFields)) return null;
  const cf = dto.CustomFields.find((f) => f.name === field);
  const first = cf?.values[0];
  return typeof first === 'string' && first !== '' ? first : null;
}

/** The `[sg:<id>]` marker that carries the correlation id in the Subject when no custom field holds it. */
export function subjectMarker(correlationId: string): string {
  return `[sg:${correlationId}]`;
}

export interface MappingContext {
  connector: string;
  uiUrl: string;
  ciField: string | undefined;
  serviceField: string | undefined;
}

export function toIncident(dto: TicketDto, ctx: MappingContext): Incident {
  const ciId = customFieldValue(dto, ctx.ciField);
  const ci: CiHint | null = ciId ? { ciId } : null;
  const owner = dto.Owner ? String(dto.Owner.id) : null;
  return {
    id: `${ctx.connector}:${dto.id}`,
    connector: ctx.connector,
    tool: 'rt',
    number: `RT #${dto.id}`,
    title: (dto.Subject ?? '').replace(/\s*\[sg:[^\]]*\]\s*$/, ''),
    // The ticket body lives in its first transaction; reading it would cost a call per ticket.
    description: null,
    state: toState(dto.Status),
    priority: toPriority(dto.Priority),
    ci,
    serviceId: customFieldValue(dto, ctx.serviceField),
    assignee: owner && owner !== 'Nobody' ? owner : null,
    openedAt: toDate(dto.Created) ?? new Date(0).toISOString(),
    responseDue: null,
    resolutionDue: toDate(dto.Due),
    url: `${ctx.uiUrl}/Ticket/Display.html?id=${encodeURIComponent(dto.id)}`,
    linkedArticleIds: [],
  };
}

/** TicketSQL string literal: RT accepts backslash escapes inside single quotes. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
