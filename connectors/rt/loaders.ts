import DataLoader from 'dataloader';
import type { Incident } from '../../kernel/model.js';
import type { RtClient } from './client.js';
import { toIncident, type MappingContext } from './mapping.js';

/** Per-request loaders: N ticket look-ups in one request cost one TicketSQL search. */
export function createRtLoaders(client: RtClient, ctx: MappingContext) {
  return {
    ticketById: new DataLoader<string, Incident | null>(
      async (ids) => {
        const query = ids.map((id) => `id = ${id}`).join(' OR ');
        const page = await client.searchTickets(query, 1, ids.length);
        const byId = new Map(page.items.map((dto) => [dto.id, toIncident(dto, ctx)]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      // RT caps per_page at 100, so one search must not ask for more.
      { maxBatchSize: 100 },
    ),
  };
}
