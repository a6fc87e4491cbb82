import type { NewIncident } from '../../kernel/model.js';
import { ERRORS } from '../../kernel/errors.js';
import type { RtClient, TicketDto } from './client.js';
import type { RtConfig } from './config.js';
import { sqlString, subjectMarker, toRtPriority } from './mapping.js';

/** What to open in RT: an incident in the first of `queues`, or a catalogue request in the request queue. */
export type TicketToOpen = NewIncident & { queue: string };

/** Correlation ids become part of TicketSQL and a Subject: keep them to a safe alphabet. */
function safeKey(correlationId: string): string {
  const key = correlationId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  if (!key) throw ERRORS.BAD_USER_INPUT.err('correlationId is empty');
  return key;
}

export function anyOf(field: string, values: string[], op: '=' | 'LIKE'): string {
  return `(${values.map((v) => `${field} ${op} ${sqlString(v)}`).join(' OR ')})`;
}

/**
 * Opens the ticket once per correlation id. Look before creating: a create whose answer was lost
 * (timeout) already made the ticket, and the retry finds it here by the correlation id (custom field,
 * or the Subject marker) in the queues it may be in. Writes are never retried by the HTTP client.
 */
export async function openTicketOnce(
  client: RtClient,
  config: RtConfig,
  searchQueues: string[],
  t: TicketToOpen,
): Promise<{ found: TicketDto } | { created: string }> {
  const key = safeKey(t.correlationId);
  const { correlationId: cfKey, ci, service } = config.customFields;
  const existing = `${anyOf('Queue', searchQueues, '=')} AND ${
    cfKey ? `CF.{${cfKey}} = ${sqlString(key)}` : `Subject LIKE ${sqlString(subjectMarker(key))}`
  }`;
  const [found] = (await client.searchTickets(existing, 1, 1)).items;
  if (found) return { found };

  const customFields: Record<string, string> = {};
  if (cfKey) customFields[cfKey] = key;
  if (ci && t.ciId) customFields[ci] = t.ciId;
  if (service && t.serviceId) customFields[service] = t.serviceId;
  const content = [
    t.description,
    '',
    `Reported by ${t.caller} via servicegraph.`,
    ...(t.ciId && !ci ? [`CI: ${t.ciId}`] : []),
    ...(t.serviceId && !service ? [`Service: ${t.serviceId}`] : []),
  ].join('\n');
  const created = await client.createTicket({
    Queue: t.queue,
    Subject: cfKey ? t.title : `${t.title} ${subjectMarker(key)}`,
    Content: content,
    ContentType: 'text/plain',
    Priority: toRtPriority(t.priority),
    ...(Object.keys(customFields).length ? { CustomFields: customFields } : {}),
  });
  return { created: created.id };
}
