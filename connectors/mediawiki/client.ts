import { z } from 'zod';
import { ERRORS } from '../../kernel/errors.js';
import { createHttpClient, garbage, parseAnswer } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { MediaWikiConfig } from './config.js';

/** MediaWiki Action API client (formatversion=2). Errors arrive as HTTP 200 with an `error` object. */

const ApiError = z.object({ error: z.object({ code: z.string(), info: z.string().optional() }).loose() }).loose();

const SearchAnswer = z
  .object({
    query: z.object({
      searchinfo: z.object({ totalhits: z.number() }).loose().optional(),
      search: z.array(z.object({ ns: z.number(), title: z.string(), pageid: z.number(), snippet: z.string().default('') }).loose()),
    }),
    continue: z.object({ sroffset: z.number() }).loose().optional(),
  })
  .loose();
export type SearchHit = z.infer<typeof SearchAnswer>['query']['search'][number];

const InfoAnswer = z
  .object({
    query: z.object({
      pages: z.array(
        z
          .object({
            pageid: z.number().optional(),
            title: z.string().optional(),
            missing: z.boolean().optional(),
            fullurl: z.string().optional(),
            categories: z.array(z.object({ title: z.string() }).loose()).optional(),
          })
          .loose(),
      ),
    }),
  })
  .loose();
export type PageInfo = z.infer<typeof InfoAnswer>['query']['pages'][number];

const ParseAnswer = z
  .object({
    parse: z
      .object({
        title: z.string(),
        pageid: z.number(),
        text: z.string().default(''),
        categories: z.array(z.object({ category: z.string() }).loose()).default([]),
      })
      .loose(),
  })
  .loose();
export type ParsedPage = z.infer<typeof ParseAnswer>['parse'];

const TokenAnswer = z.object({ query: z.object({ tokens: z.object({ logintoken: z.string() }).loose() }) }).loose();
const LoginAnswer = z.object({ clientlogin: z.object({ status: z.string() }).loose() }).loose();

/** Codes that mean "no such page": the caller gets null, not an error. */
const MISSING = new Set(['nosuchpageid', 'missingtitle', 'invalidtitle']);
const DENIED = new Set(['readapidenied', 'permissiondenied', 'badtoken', 'notloggedin', 'assertuserfailed']);
const BUSY = new Set(['maxlag', 'ratelimited', 'readonly', 'internal_api_error_DBQueryError']);

export function createMediaWikiClient(name: string, config: MediaWikiConfig, log: Logger) {
  const http = createHttpClient({ connector: name, settings: config, auth: { kind: 'none' }, log });
  const options = { extensions: { connector: name } };
  /** Session cookies from clientlogin; MediaWiki keeps the login in a cookie session. */
  const cookies = new Map<string, string>();
  let login: Promise<void> | null = null;

  function keepCookies(setCookie: string[] | undefined) {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  async function raw(params: Record<string, string>, method: 'GET' | 'POST'): Promise<unknown> {
    return http.call(async (got) => {
      const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const request = {
        responseType: 'json' as const,
        ...(cookie ? { headers: { cookie } } : {}),
      };
      const all = { ...params, format: 'json', formatversion: '2' };
      const response =
        method === 'GET'
          ? await got.get(config.apiPath, { ...request, searchParams: all })
          : await got.post(config.apiPath, { ...request, form: all });
      keepCookies(response.headers['set-cookie']);
      return response.body;
    });
  }

  /** Maps MediaWiki's in-body errors; returns null for "no such page". */
  async function api<T>(
    schema: z.ZodType<T>,
    what: string,
    params: Record<string, string>,
    method: 'GET' | 'POST' = 'GET',
  ): Promise<T | null> {
    if (config.username && !login)
      login = clientLogin().catch((error: unknown) => {
        login = null;
        throw error;
      });
    if (login) await login;
    const body = await raw(params, method);
    const failed = ApiError.safeParse(body);
    if (failed.success) {
      const code = failed.data.error.code;
      if (MISSING.has(code)) return null;
      if (DENIED.has(code)) {
        // An expired session reads as denied: log in again on the next call.
        login = null;
        cookies.clear();
        throw ERRORS.UPSTREAM_AUTH_FAILED.err(`${name} denied access (${code})`, options);
      }
      if (BUSY.has(code)) throw ERRORS.UPSTREAM_UNAVAILABLE.err(`${name} is busy (${code})`, options);
      throw ERRORS.UPSTREAM_REJECTED.err(`${name} rejected the request (${code})`, options);
    }
    return parseAnswer(name, schema, body, what);
  }

  async function clientLogin(): Promise<void> {
    const tokens = TokenAnswer.safeParse(await raw({ action: 'query', meta: 'tokens', type: 'login' }, 'GET'));
    if (!tokens.success) throw garbage(name, 'login token answer');
    const answer = LoginAnswer.safeParse(
      await raw(
        {
          action: 'clientlogin',
          username: config.username ?? '',
          password: config.password ?? '',
          logintoken: tokens.data.query.tokens.logintoken,
          loginreturnurl: config.baseUrl,
        },
        'POST',
      ),
    );
    if (!answer.success || answer.data.clientlogin.status !== 'PASS') {
      throw ERRORS.UPSTREAM_AUTH_FAILED.err(`${name}: credentials rejected`, options);
    }
    log.debug('logged in to mediawiki', { connector: name });
  }

  return {
    http,
    async search(text: string, limit: number): Promise<SearchHit[]> {
      const answer = await api(SearchAnswer, 'search answer', {
        action: 'query',
        list: 'search',
        srsearch: text,
        // The database backend matches titles only unless asked for text.
        srwhat: 'text',
        srlimit: String(limit),
        srnamespace: config.namespaces.join('|'),
        srprop: 'snippet|timestamp',
      });
      return answer?.query.search ?? [];
    },
    /** URL and categories of many pages in one call. */
    async pageInfo(pageIds: number[]): Promise<PageInfo[]> {
      if (pageIds.length === 0) return [];
      const answer = await api(InfoAnswer, 'page info', {
        action: 'query',
        prop: 'info|categories',
        inprop: 'url',
        cllimit: 'max',
        pageids: pageIds.join('|'),
      });
      return answer?.query.pages ?? [];
    },
    async parse(pageId: number): Promise<ParsedPage | null> {
      const answer = await api(ParseAnswer, 'parse answer', { action: 'parse', pageid: String(pageId), prop: 'text|categories' });
      return answer?.parse ?? null;
    },
    async siteinfo(): Promise<void> {
      await api(z.object({ query: z.object({ general: z.object({}).loose() }).loose() }).loose(), 'siteinfo', {
        action: 'query',
        meta: 'siteinfo',
      });
    },
  };
}
