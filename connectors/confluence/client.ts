import { z } from 'zod';
import { createHttpClient, parseAnswer, type HttpAuth } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { ConfluenceConfig } from './config.js';

/** Confluence Cloud client: CQL search (v1) and page by id (v2). */

const Labels = z.object({ results: z.array(z.object({ name: z.string() }).loose()) }).loose();

const SearchAnswer = z
  .object({
    results: z.array(
      z
        .object({
          content: z
            .object({
              id: z.string(),
              type: z.string(),
              title: z.string().optional(),
              metadata: z.object({ labels: Labels.optional() }).loose().optional(),
            })
            .loose()
            .optional(),
          title: z.string().default(''),
          excerpt: z.string().default(''),
          url: z.string().optional(),
        })
        .loose(),
    ),
    start: z.number(),
    limit: z.number(),
    size: z.number(),
    totalSize: z.number().optional(),
    _links: z.object({ base: z.string().optional(), next: z.string().optional() }).loose().default({}),
  })
  .loose();
export type SearchAnswer = z.infer<typeof SearchAnswer>;
export type SearchResult = SearchAnswer['results'][number];

const PageAnswer = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z
      .object({ storage: z.object({ value: z.string() }).loose().optional() })
      .loose()
      .optional(),
    labels: Labels.optional(),
    _links: z.object({ webui: z.string().optional(), base: z.string().optional() }).loose().default({}),
  })
  .loose();
export type PageAnswer = z.infer<typeof PageAnswer>;

export function createConfluenceClient(name: string, config: ConfluenceConfig, log: Logger) {
  const auth: HttpAuth = config.token
    ? { kind: 'bearer', token: config.token }
    : { kind: 'basic', username: config.email ?? '', password: config.apiToken ?? '' };
  const base = `${config.baseUrl.replace(/\/+$/, '')}${config.contextPath}/`;
  const http = createHttpClient({
    connector: name,
    settings: { ...config, baseUrl: base },
    auth,
    log,
    headers: { accept: 'application/json' },
  });

  const json = async <T>(schema: z.ZodType<T>, what: string, request: () => Promise<unknown>) =>
    parseAnswer(name, schema, await request(), what);

  return {
    http,
    search(cql: string, limit: number): Promise<SearchAnswer> {
      return http.call((got) =>
        json(SearchAnswer, 'search answer', () =>
          got.get('rest/api/search', { searchParams: { cql, limit, excerpt: 'highlight', expand: 'content.metadata.labels' } }).json(),
        ),
      );
    },
    page(id: string): Promise<PageAnswer> {
      return http.call((got) =>
        json(PageAnswer, 'page', () =>
          got.get(`api/v2/pages/${encodeURIComponent(id)}`, { searchParams: { 'body-format': 'storage', 'include-labels': true } }).json(),
        ),
      );
    },
    /** The current user: needs valid credentials. */
    currentUser(): Promise<unknown> {
      return http.call((got) => got.get('rest/api/user/current').json());
    },
  };
}
