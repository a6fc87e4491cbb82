import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, ERRORS } from '../../kernel/errors.js';
import { createHttpClient, parseAnswer } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { IcingaConfig } from './config.js';

/**
 * Icinga 2 REST API v1: one HTTP client, one function per endpoint. Object queries are POSTs with
 * `X-HTTP-Method-Override: GET` (filters and joins do not fit a query string); they are reads, so
 * unlike actions they may be retried.
 */

const Vars = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) => v ?? {});
const CheckResult = z
  .object({ output: z.string().default(''), execution_end: z.number().optional() })
  .loose()
  .nullish();

/** What hosts and services have alike: Icinga checks both the same way ("checkable" objects). */
const CheckableAttrs = z.object({
  display_name: z.string().optional(),
  state: z.number(),
  state_type: z.number().default(1),
  acknowledgement: z.number().default(0),
  acknowledgement_expiry: z.number().default(0),
  downtime_depth: z.number().default(0),
  last_state_change: z.number().optional(),
  last_check_result: CheckResult,
});

export const HostDto = z
  .object({
    name: z.string(),
    attrs: CheckableAttrs.extend({ address: z.string().default(''), address6: z.string().default(''), vars: Vars }).loose(),
  })
  .loose();
export type HostDto = z.infer<typeof HostDto>;

export const ServiceDto = z
  .object({
    name: z.string(),
    attrs: CheckableAttrs.extend({ name: z.string(), host_name: z.string() }).loose(),
    joins: z
      .object({
        host: z
          .object({ name: z.string(), address: z.string().default(''), vars: Vars, downtime_depth: z.number().default(0) })
          .loose()
          .optional(),
      })
      .loose()
      .default({}),
  })
  .loose();
export type ServiceDto = z.infer<typeof ServiceDto>;

export const CommentDto = z
  .object({
    attrs: z
      .object({
        author: z.string(),
        text: z.string().default(''),
        entry_type: z.number(),
        entry_time: z.number().default(0),
        expire_time: z.number().default(0),
        host_name: z.string(),
        service_name: z.string().default(''),
      })
      .loose(),
  })
  .loose();
export type CommentDto = z.infer<typeof CommentDto>;

const Results = <T extends z.ZodType>(item: T) => z.object({ results: z.array(item) }).loose();
/** `GET /v1/status/IcingaApplication`: the application's own status (its version proves it is Icinga answering). */
const ApplicationStatus = z
  .object({
    results: z
      .array(
        z
          .object({ status: z.object({ icingaapplication: z.object({ app: z.object({ version: z.string() }).loose() }).loose() }).loose() })
          .loose(),
      )
      .min(1),
  })
  .loose();

/** Icinga 2.13 sends `"code":200`; its docs print `200.0`: both are numbers. */
const ActionResult = z.object({ code: z.number(), status: z.string().default('') }).loose();

export const HOST_ATTRS = [
  'display_name',
  'address',
  'address6',
  'state',
  'state_type',
  'acknowledgement',
  'acknowledgement_expiry',
  'downtime_depth',
  'last_state_change',
  'last_check_result',
  'vars',
];
export const SERVICE_ATTRS = [
  'name',
  'display_name',
  'host_name',
  'state',
  'state_type',
  'acknowledgement',
  'acknowledgement_expiry',
  'downtime_depth',
  'last_state_change',
  'last_check_result',
];
export const SERVICE_JOINS = ['host.name', 'host.address', 'host.vars', 'host.downtime_depth'];
const COMMENT_ATTRS = ['author', 'text', 'entry_type', 'entry_time', 'expire_time', 'host_name', 'service_name'];

/** Icinga filter expression with its variables (values never spliced into the expression). */
export interface Filter {
  filter: string;
  filter_vars?: Record<string, unknown>;
}

export type ObjectType = 'Host' | 'Service';

export function createIcingaClient(name: string, config: IcingaConfig, log: Logger) {
  let ca: string | undefined;
  if (config.caFile) {
    try {
      ca = readFileSync(config.caFile, 'utf8');
    } catch {
      throw new ConfigError(`connector ${name}`, [`caFile ${config.caFile} cannot be read`]);
    }
  }
  const http = createHttpClient({
    connector: name,
    settings: { ...config, baseUrl: `${config.baseUrl.replace(/\/+$/, '')}/v1/` },
    auth: { kind: 'basic', username: config.username, password: config.password },
    log,
    ...(ca ? { ca } : {}),
    // Icinga rejects non-GET requests without it, and answers errors as HTML for browsers otherwise.
    headers: { accept: 'application/json' },
  });

  const query = <T>(path: string, schema: z.ZodType<T>, body: Record<string, unknown>, what: string) =>
    http.call(async (got) => {
      const answer = await got
        .post(path, {
          json: body,
          headers: { 'x-http-method-override': 'GET' },
          // A query changes nothing, so it is retried like a GET.
          retry: { methods: ['POST'] },
        })
        .json();
      return parseAnswer(name, Results(schema), answer, what).results;
    });

  /**
   * Runs an action and insists every object reports success: Icinga answers a refused action with
   * 409 (object OK, already acknowledged) or 400 per object, which must never read as done.
   */
  const action = (path: string, body: Record<string, unknown>) =>
    http.call(async (got) => {
      const answer = parseAnswer(name, Results(ActionResult), await got.post(path, { json: body }).json(), 'action result');
      if (answer.results.length === 0) throw ERRORS.NOT_FOUND.err(`${name}: no such object`);
      const refused = answer.results.find((r) => r.code < 200 || r.code >= 300);
      if (refused) throw ERRORS.UPSTREAM_REJECTED.err(`${name} refused the action (code ${refused.code})`);
    });

  return {
    hosts: (filter?: Filter) => query('objects/hosts', HostDto, { attrs: HOST_ATTRS, ...filter }, 'host list'),
    services: (filter: Filter) =>
      query('objects/services', ServiceDto, { attrs: SERVICE_ATTRS, joins: SERVICE_JOINS, ...filter }, 'service list'),
    /** Acknowledgement comments (entry_type 4) carry who acknowledged and when. */
    ackComments: (filter?: Filter) =>
      query(
        'objects/comments',
        CommentDto,
        {
          attrs: COMMENT_ATTRS,
          filter: `comment.entry_type == 4${filter ? ` && (${filter.filter})` : ''}`,
          ...(filter?.filter_vars ? { filter_vars: filter.filter_vars } : {}),
        },
        'comment list',
      ),
    acknowledge: (
      type: ObjectType,
      filter: Filter,
      ack: { author: string; comment: string; expiry?: number; sticky: boolean; notify: boolean },
    ) => action('actions/acknowledge-problem', { type, ...filter, ...ack }),
    removeAcknowledgement: (type: ObjectType, filter: Filter, author: string) =>
      action('actions/remove-acknowledgement', { type, ...filter, author }),
    status: () =>
      http.call(async (got) => parseAnswer(name, ApplicationStatus, await got.get('status/IcingaApplication').json(), 'status')),
  };
}

export type IcingaClient = ReturnType<typeof createIcingaClient>;
