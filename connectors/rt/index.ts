import type { HelpdeskApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Comment, Incident, IncidentFilter, IncidentState, NewIncident } from '../../kernel/model.js';
import { createRtClient, type RtClient } from './client.js';
import { RtConfig } from './config.js';
import { createRtLoaders } from './loaders.js';
import { INACTIVE_STATUSES, sqlString, subjectMarker, toIncident, toRtPriority, toRtStatus, type MappingContext } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';
import { splitQualifiedId } from '../../kernel/model.js';

/** RT has no status-free write in HelpdeskApi; this connector also lets callers move a ticket. */
export interface RtApi extends HelpdeskApi {
  setState(incidentId: string, state: IncidentState): Promise<Incident>;
}

/** Correlation ids become part of TicketSQL and a Subject: keep them to a safe alphabet. */
function safeKey(correlationId: string): string {
  const key = correlationId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  if (!key) throw ERRORS.BAD_USER_INPUT.err('correlationId is empty');
  return key;
}

function anyOf(field: string, values: string[], op: '=' | 'LIKE'): string {
  return `(${values.map((v) => `${field} ${op} ${sqlString(v)}`).join(' OR ')})`;
}

export function buildTicketSql(config: RtConfig, filter: IncidentFilter): string {
  const parts = [anyOf('Queue', config.queues, '=')];
  const { ci, service } = config.customFields;
  if (filter.openOnly) parts.push(INACTIVE_STATUSES.map((s) => `Status != ${sqlString(s)}`).join(' AND '));
  // Without a custom field the host or service name in the Subject is the only correlation RT has.
  if (filter.ciIds?.length) parts.push(anyOf(ci ? `CF.{${ci}}` : 'Subject', filter.ciIds, ci ? '=' : 'LIKE'));
  if (filter.serviceIds?.length) {
    parts.push(anyOf(service ? `CF.{${service}}` : 'Subject', filter.serviceIds, service ? '=' : 'LIKE'));
  }
  if (filter.text?.trim()) parts.push(`Subject LIKE ${sqlString(filter.text.trim())}`);
  return parts.join(' AND ');
}

async function searchAll(client: RtClient, config: RtConfig, query: string, ctx: MappingContext): Promise<Incident[]> {
  const out: Incident[] = [];
  for (let page = 1; out.length < config.maxTickets; page++) {
    const answer = await client.searchTickets(query, page, config.perPage);
    out.push(...answer.items.map((dto) => toIncident(dto, ctx)));
    const last = answer.pages !== undefined ? page >= answer.pages : answer.items.length < config.perPage;
    if (last || answer.items.length === 0) break;
  }
  return out.slice(0, config.maxTickets);
}

export const rtConnector = httpConnector('rt', 'helpdesk', RtConfig, {
  client: createRtClient,
  create({ name, config, deps, client, cachedRead }) {
    const ctx: MappingContext = {
      connector: name,
      uiUrl: (config.uiUrl ?? config.baseUrl).replace(/\/+$/, ''),
      ciField: config.customFields.ci,
      serviceField: config.customFields.service,
    };
    const nativeId = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name && /^\d+$/.test(parts.nativeId) ? parts.nativeId : null;
    };
    const requireId = (id: string): string => {
      const native = nativeId(id);
      if (!native) throw ERRORS.NOT_FOUND.err(`${name}: no ticket ${id}`, { extensions: { connector: name } });
      return native;
    };
    // A write makes every cached list wrong; the namespace is this instance's alone.
    const afterWrite = () => deps.cache.clear();
    const fetchTicket = async (id: string) => toIncident(await client.getTicket(id), ctx);

    return {
      // Tickets are read with the connector's own account; the caller is only named in what it writes.
      forRequest(_auth: RequestAuth): RtApi {
        const loaders = createRtLoaders(client, ctx);
        return {
          async listIncidents(filter) {
            const query = buildTicketSql(config, filter);
            const { value } = await cachedRead(`list:${query}`, config.cacheTtlMs, 5 * 60_000, () => searchAll(client, config, query, ctx));
            return value;
          },
          async incidentById(id) {
            const native = nativeId(id);
            return native ? loaders.ticketById.load(native) : null;
          },
          async createIncident(input: NewIncident) {
            const key = safeKey(input.correlationId);
            const { correlationId: cfKey, ci, service } = config.customFields;
            // Look before creating: a create whose answer was lost (timeout) already made the ticket.
            const existing = `${anyOf('Queue', config.queues, '=')} AND ${
              cfKey ? `CF.{${cfKey}} = ${sqlString(key)}` : `Subject LIKE ${sqlString(subjectMarker(key))}`
            }`;
            const found = await client.searchTickets(existing, 1, 1);
            if (found.items[0]) return toIncident(found.items[0], ctx);

            const customFields: Record<string, string> = {};
            if (cfKey) customFields[cfKey] = key;
            if (ci && input.ciId) customFields[ci] = input.ciId;
            if (service && input.serviceId) customFields[service] = input.serviceId;
            const content = [
              input.description,
              '',
              `Reported by ${input.caller} via servicegraph.`,
              ...(input.ciId && !ci ? [`CI: ${input.ciId}`] : []),
              ...(input.serviceId && !service ? [`Service: ${input.serviceId}`] : []),
            ].join('\n');
            const created = await client.createTicket({
              Queue: config.queues[0] ?? 'General',
              Subject: cfKey ? input.title : `${input.title} ${subjectMarker(key)}`,
              Content: content,
              ContentType: 'text/plain',
              Priority: toRtPriority(input.priority),
              ...(Object.keys(customFields).length ? { CustomFields: customFields } : {}),
            });
            await afterWrite();
            return fetchTicket(created.id);
          },
          async comment(incidentId: string, comment: Comment) {
            const id = requireId(incidentId);
            const text = `${comment.text}\n\n-- ${comment.author} (via servicegraph)`;
            await client.addMessage(id, comment.internal ? 'comment' : 'correspond', text);
            await afterWrite();
            return fetchTicket(id);
          },
          async linkArticle(incidentId, article) {
            // RT has no table for links to external articles: record the link as an internal comment.
            const id = requireId(incidentId);
            const text = `Knowledge article: ${article.title}${article.url ? `\n${article.url}` : ''}\n(${article.id})`;
            await client.addMessage(id, 'comment', text);
            await afterWrite();
            return true;
          },
          async setState(incidentId, state) {
            const id = requireId(incidentId);
            await client.updateTicket(id, { Status: toRtStatus(state) });
            await afterWrite();
            return fetchTicket(id);
          },
        };
      },
      async healthCheck() {
        await client.ping();
      },
    };
  },
});
