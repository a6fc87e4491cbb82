import type { HelpdeskApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Comment, Incident, IncidentFilter, IncidentState, NewIncident } from '../../kernel/model.js';
import { createRtClient, type RtClient } from './client.js';
import { RtConfig } from './config.js';
import { createRtLoaders } from './loaders.js';
import { INACTIVE_STATUSES, sqlString, toIncident, toRtStatus, type MappingContext } from './mapping.js';
import { anyOf, openTicketOnce } from './open-ticket.js';
import { openRtRequest } from './request.js';
import type { RequestAuth } from '../../kernel/request.js';
import { splitQualifiedId } from '../../kernel/model.js';

/** RT has no status-free write in HelpdeskApi; this connector also lets callers move a ticket. */
export interface RtApi extends HelpdeskApi {
  setState(incidentId: string, state: IncidentState): Promise<Incident>;
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
            const opened = await openTicketOnce(client, config, config.queues, { ...input, queue: config.queues[0] ?? 'General' });
            if ('found' in opened) return toIncident(opened.found, ctx);
            await afterWrite();
            return fetchTicket(opened.created);
          },
          async createRequest(input) {
            const opened = await openRtRequest(client, config, name, input, ctx.uiUrl);
            await afterWrite();
            return opened;
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
