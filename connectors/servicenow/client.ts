import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { createHttpClient, garbage, type HttpAuth } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { ServiceNowSettings } from './config.js';

/**
 * One Table API client (`/api/now/table/{table}`) shared by the CMDB, incident and knowledge
 * connectors. Reads always ask for `sysparm_display_value=all` and
 * `sysparm_exclude_reference_link=true`, so every field arrives as `{display_value, value}`: the
 * mapping takes sys_ids from `value` and names/labels from `display_value` without a second call.
 * Lists page with sysparm_limit/sysparm_offset until the Link header has no rel="next" (or, without
 * a Link header, a short page), up to `maxRecords`.
 */

/** A row as the Table API returns it; mapping.ts reads its fields. */
export type SnRow = Record<string, unknown>;

const ListBody = z.object({ result: z.array(z.record(z.string(), z.unknown())) });
const OneBody = z.object({ result: z.record(z.string(), z.unknown()) });

export interface TableQuery {
  /** Encoded query, e.g. `active=true^cmdb_ci.nameINa,b^ORDERBYDESCopened_at`. */
  query?: string;
  fields: string[];
  /** Most rows to read (capped by maxRecords). */
  max?: number;
}

type Settings = z.infer<typeof ServiceNowSettings>;

export function createServiceNowClient(name: string, config: Settings, log: Logger) {
  const auth: HttpAuth = config.token
    ? { kind: 'bearer', token: config.token }
    : { kind: 'basic', username: config.username ?? '', password: config.password ?? '' };
  const client = createHttpClient({
    connector: name,
    settings: config,
    auth,
    log,
    headers: { accept: 'application/json' },
    ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}),
  });
  const path = (table: string, sysId?: string) => `api/now/table/${table}${sysId ? `/${sysId}` : ''}`;
  const readParams = (fields: string[]) => ({
    sysparm_display_value: 'all',
    sysparm_exclude_reference_link: 'true',
    sysparm_fields: fields.join(','),
  });

  function parse<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw garbage(name, 'Table API body');
    return parsed.data;
  }

  return {
    name,

    async list(table: string, q: TableQuery): Promise<SnRow[]> {
      const cap = Math.min(q.max ?? config.maxRecords, config.maxRecords);
      const rows: SnRow[] = [];
      for (let offset = 0; rows.length < cap; ) {
        const limit = Math.min(config.pageSize, cap - rows.length);
        const searchParams = {
          ...readParams(q.fields),
          ...(q.query ? { sysparm_query: q.query } : {}),
          sysparm_limit: String(limit),
          sysparm_offset: String(offset),
        };
        const response = await client.call((http) => http.get(path(table), { searchParams, responseType: 'json' }));
        const page = parse(ListBody, response.body).result;
        rows.push(...page);
        const link = response.headers.link;
        const more = link !== undefined ? /rel="next"/.test(String(link)) : page.length === limit;
        if (!more || page.length === 0) return rows;
        offset += page.length;
      }
      // A caller's own `max` is a page it asked for; only the global cap hides data silently.
      if (q.max === undefined || q.max >= config.maxRecords) {
        log.warn('servicenow list truncated at maxRecords', { connector: name, table, maxRecords: cap });
      }
      return rows;
    },

    /** One row by sys_id; null when the instance has none (404). */
    async get(table: string, sysId: string, fields: string[]): Promise<SnRow | null> {
      try {
        const response = await client.call((http) =>
          http.get(path(table, sysId), { searchParams: readParams(fields), responseType: 'json' }),
        );
        return parse(OneBody, response.body).result;
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions['code'] === 'NOT_FOUND') return null;
        throw error;
      }
    },

    /** POST: never retried (got retries GET only), see createIncident for how duplicates are avoided. */
    async create(table: string, body: Record<string, string>, fields: string[]): Promise<SnRow> {
      const response = await client.call((http) =>
        http.post(path(table), { json: body, searchParams: readParams(fields), responseType: 'json' }),
      );
      return parse(OneBody, response.body).result;
    },

    async update(table: string, sysId: string, body: Record<string, string>, fields: string[]): Promise<SnRow> {
      const response = await client.call((http) =>
        http.patch(path(table, sysId), { json: body, searchParams: readParams(fields), responseType: 'json' }),
      );
      return parse(OneBody, response.body).result;
    },

    /** Cheapest authenticated read: one row of `table`, only its sys_id. */
    async ping(table: string): Promise<void> {
      await client.call((http) =>
        http.get(path(table), { searchParams: { sysparm_fields: 'sys_id', sysparm_limit: '1' }, responseType: 'json' }),
      );
    },
  };
}

export type ServiceNowClient = ReturnType<typeof createServiceNowClient>;

/**
 * Encoded-query values cannot carry `^` (the term separator) or, inside IN lists, `,`; such
 * characters in names are dropped rather than letting input rewrite the query.
 */
export function queryValue(value: string): string {
  return value.replace(/[\^\n\r]/g, ' ');
}

export function inList(values: string[]): string {
  return values.map((v) => queryValue(v).replace(/,/g, ' ')).join(',');
}
