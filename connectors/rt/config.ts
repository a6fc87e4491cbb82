import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Request Tracker 5 over REST2 (`${baseUrl}/REST/2.0`). Auth: `username` + `password` (Basic) or an
 * auth `token` (RT::Authen::Token, sent as `Authorization: token <t>`).
 */
export const RtConfig = HttpSettings.extend({
  /** RT's web root including its WebPath, e.g. https://rt.example.com or https://host/rt */
  baseUrl: z.url(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** RT auth token; wins over username/password. */
  token: z.string().min(1).optional(),
  /** Queues searched; new tickets go to the first. @default ['General'] */
  queues: z.array(z.string().min(1)).min(1).default(['General']),
  /**
   * Queue catalogue requests go to, unless the offering names one (`request.rt`). Not searched as
   * incidents unless also in `queues`. Without either, a request is NOT_CONFIGURED.
   */
  requestQueue: z.string().min(1).optional(),
  /**
   * Names of ticket custom fields that carry our ids. Without `ci`/`service` a CI or service filter
   * falls back to `Subject LIKE`; without `correlationId` the key goes into the Subject as `[sg:<id>]`.
   */
  customFields: z
    .object({
      ci: z.string().min(1).optional(),
      service: z.string().min(1).optional(),
      correlationId: z.string().min(1).optional(),
    })
    .default({}),
  /** Tickets per page (RT caps per_page at 100). @default 50 */
  perPage: z.number().int().min(1).max(100).default(50),
  /** Most tickets one list reads, following pages. @default 200 */
  maxTickets: z.number().int().positive().default(200),
  /** How long a ticket list is served from cache. @default 10000 */
  cacheTtlMs: z.number().int().min(0).default(10_000),
}).refine((c) => c.token !== undefined || (c.username !== undefined && c.password !== undefined), {
  message: 'set token, or username and password',
});
export type RtConfig = z.infer<typeof RtConfig>;
