import { ERRORS } from '../../kernel/errors.js';
import { type NewRequest, type OpenedRequest, requestItem } from '../../kernel/model.js';
import type { RtClient } from './client.js';
import type { RtConfig } from './config.js';
import { openTicketOnce } from './open-ticket.js';

/**
 * A catalogue request in RT: a ticket in the request queue (the offering's `rt` key, else the
 * config's `requestQueue`), at priority 0 (planned work), opened once per correlation id like an
 * incident. RT has no separate request type: the queue is what makes it a request, and its
 * lifecycle and owners are the queue's.
 */
export async function openRtRequest(
  client: RtClient,
  config: RtConfig,
  connector: string,
  input: NewRequest,
  uiUrl: string,
): Promise<OpenedRequest> {
  const queue = requestItem(input, connector, 'rt', config.requestQueue);
  if (!queue) {
    throw ERRORS.NOT_CONFIGURED.err(`${connector}: no request queue (set requestQueue, or the offering's request.rt)`, {
      extensions: { connector },
    });
  }
  const opened = await openTicketOnce(client, config, [queue], { ...input, queue, priority: 'PLANNING', ciId: null });
  const id = 'found' in opened ? opened.found.id : opened.created;
  return { id: `${connector}:${id}`, connector, number: `RT #${id}`, url: `${uiUrl}/Ticket/Display.html?id=${encodeURIComponent(id)}` };
}
