import type { Got, OptionsOfJSONResponseBody } from 'got';
import { z } from 'zod';
import { ERRORS } from '../../kernel/errors.js';
import { createHttpClient, parseAnswer, type HttpAuth } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { RtConfig } from './config.js';

/** RT 5 REST2 client: one got instance, one function per endpoint. Values arrive as strings. */

const Ref = z.object({ id: z.union([z.string(), z.number()]) }).loose();
const CustomFieldValue = z.object({ name: z.string(), values: z.array(z.unknown()) }).loose();

export const TicketDto = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    Subject: z.string().optional(),
    Status: z.string().optional(),
    Priority: z.union([z.string(), z.number()]).optional(),
    Owner: Ref.optional(),
    Queue: Ref.optional(),
    Created: z.string().optional(),
    Due: z.string().optional(),
    // RT 5.0 sends "" instead of [] when the ticket has no custom fields.
    CustomFields: z.union([z.array(CustomFieldValue), z.string()]).optional(),
  })
  .loose();
export type TicketDto = z.infer<typeof TicketDto>;

const TicketPage = z
  .object({
    page: z.number(),
    pages: z.number().optional(),
    per_page: z.number(),
    total: z.number().nullable().optional(),
    items: z.array(TicketDto),
  })
  .loose();
export type TicketPage = z.infer<typeof TicketPage>;

const Created = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).loose();
const Messages = z.array(z.string());

/** Fields asked for in searches: enough to map an Incident without a second call per ticket. */
export const SEARCH_FIELDS = 'Subject,Status,Priority,Owner,Queue,Created,Due,CustomFields';

export interface NewTicket {
  Queue: string;
  Subject: string;
  Content: string;
  ContentType: 'text/plain';
  Priority: number;
  CustomFields?: Record<string, string>;
}

export function createRtClient(name: string, config: RtConfig, log: Logger) {
  const auth: HttpAuth = config.token
    ? { kind: 'scheme', scheme: 'token', token: config.token }
    : { kind: 'basic', username: config.username ?? '', password: config.password ?? '' };
  const http = createHttpClient({
    connector: name,
    settings: { ...config, baseUrl: `${config.baseUrl.replace(/\/+$/, '')}/REST/2.0/` },
    auth,
    log,
  });

  /**
   * RT answers a wrong WebPath or a missing session with 302 to its login page rather than 401, so
   * redirects are not followed and any 3xx is an error, never an empty success.
   */
  async function json<T>(
    schema: z.ZodType<T>,
    what: string,
    run: (got: Got, opts: OptionsOfJSONResponseBody) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: unknown }>,
  ): Promise<T> {
    return http.call(async (got) => {
      let response: Awaited<ReturnType<typeof run>>;
      try {
        response = await run(got, { responseType: 'json', followRedirect: false });
      } catch (error) {
        // RT 5.0's login redirect ends its chunked body twice after `Connection: close`, which Node's
        // HTTP parser rejects (HPE_CLOSED_CONNECTION) before the 302 can be seen.
        if (/^HPE_/.test(String((error as { code?: unknown }).code))) {
          throw ERRORS.UPSTREAM_UNAVAILABLE.err(
            `${name} answered malformed HTTP (a wrong baseUrl/WebPath makes RT redirect to its login page)`,
          );
        }
        throw error;
      }
      if (response.statusCode >= 300 && response.statusCode < 400) {
        const location = String(response.headers['location'] ?? '');
        if (/NoAuth\/Login|login/i.test(location)) {
          throw ERRORS.UPSTREAM_AUTH_FAILED.err(`${name} redirected to its login page (check credentials and baseUrl/WebPath)`);
        }
        throw ERRORS.UPSTREAM_UNAVAILABLE.err(`${name} answered with an unexpected redirect (check baseUrl/WebPath)`);
      }
      return parseAnswer(name, schema, response.body, what);
    });
  }

  return {
    http,
    /** One page of a TicketSQL search. */
    searchTickets(query: string, page: number, perPage: number): Promise<TicketPage> {
      return json(TicketPage, 'ticket search', (got, opts) =>
        got.get('tickets', {
          ...opts,
          searchParams: { query, fields: SEARCH_FIELDS, page, per_page: perPage, orderby: 'id', order: 'DESC' },
        }),
      );
    },
    getTicket(id: string): Promise<TicketDto> {
      return json(TicketDto, 'ticket', (got, opts) => got.get(`ticket/${encodeURIComponent(id)}`, opts));
    },
    createTicket(ticket: NewTicket): Promise<{ id: string }> {
      return json(Created, 'create answer', (got, opts) => got.post('ticket', { ...opts, json: ticket }));
    },
    /** `comment` is internal (agents only); `correspond` is the reply requestors see. */
    addMessage(id: string, kind: 'comment' | 'correspond', content: string): Promise<string[]> {
      return json(Messages, 'comment answer', (got, opts) =>
        got.post(`ticket/${encodeURIComponent(id)}/${kind}`, { ...opts, json: { Content: content, ContentType: 'text/plain' } }),
      );
    },
    updateTicket(id: string, fields: Record<string, unknown>): Promise<string[]> {
      return json(Messages, 'update answer', (got, opts) => got.put(`ticket/${encodeURIComponent(id)}`, { ...opts, json: fields }));
    },
    /** GET /REST/2.0/rt: version info, needs valid credentials. */
    ping(): Promise<unknown> {
      return json(z.object({}).loose(), 'version answer', (got, opts) => got.get('rt', opts));
    },
  };
}
export type RtClient = ReturnType<typeof createRtClient>;
