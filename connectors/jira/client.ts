import { z } from 'zod';
import { createHttpClient, parseAnswer, type HttpAuth } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { JiraConfig } from './config.js';

/** Jira Cloud REST v3 + JSM servicedeskapi client: one got instance, one function per endpoint. */

const Named = z.object({ name: z.string() }).loose();
export const IssueDto = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        summary: z.string().nullish(),
        // ADF document in v3; a string on Data Center's v2.
        description: z.unknown().optional(),
        status: z
          .object({ name: z.string(), statusCategory: z.object({ key: z.string() }).loose().nullish() })
          .loose()
          .nullish(),
        priority: Named.nullish(),
        labels: z.array(z.string()).nullish(),
        components: z.array(Named).nullish(),
        assignee: z.object({ displayName: z.string().nullish(), accountId: z.string().nullish() }).loose().nullish(),
        created: z.string().nullish(),
        duedate: z.string().nullish(),
        resolution: Named.nullish(),
      })
      .loose()
      .default({}),
  })
  .loose();
export type IssueDto = z.infer<typeof IssueDto>;

const SearchPage = z.object({ issues: z.array(IssueDto), nextPageToken: z.string().nullish(), isLast: z.boolean().optional() }).loose();
export type SearchPage = z.infer<typeof SearchPage>;

const Created = z.object({ key: z.string() }).loose();
const RequestCreated = z.object({ issueKey: z.string() }).loose();

const SlaTime = z.object({ iso8601: z.string().optional(), epochMillis: z.number().optional() }).loose();
export const SlaDto = z
  .object({
    values: z.array(
      z
        .object({
          name: z.string(),
          ongoingCycle: z
            .object({
              breachTime: SlaTime.optional(),
              remainingTime: z.object({ millis: z.number() }).loose().optional(),
              paused: z.boolean().optional(),
            })
            .loose()
            .nullish(),
        })
        .loose(),
    ),
  })
  .loose();
export type SlaDto = z.infer<typeof SlaDto>;

const RemoteLinks = z.array(z.object({ globalId: z.string().nullish(), object: z.object({ url: z.string() }).loose() }).loose());
export type RemoteLinksDto = z.infer<typeof RemoteLinks>;

/** An Atlassian Document Format body of plain paragraphs. */
export function adf(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text.split(/\n{2,}/).map((para) => ({
      type: 'paragraph',
      content: para
        .split('\n')
        .flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...(line ? [{ type: 'text', text: line }] : [])]),
    })),
  };
}

export function createJiraClient(name: string, config: JiraConfig, log: Logger) {
  const auth: HttpAuth = config.token
    ? { kind: 'bearer', token: config.token }
    : { kind: 'basic', username: config.email ?? '', password: config.apiToken ?? '' };
  const http = createHttpClient({ connector: name, settings: config, auth, log, headers: { accept: 'application/json' } });

  const json = async <T>(schema: z.ZodType<T>, what: string, request: () => Promise<unknown>) =>
    parseAnswer(name, schema, await request(), what);

  return {
    http,
    /**
     * One page of `/rest/api/3/search/jql` (the old `/search` is gone on Cloud: 410). GET, so got may
     * retry it on 429/5xx; search is eventually consistent, so an issue created seconds ago can be missing.
     */
    searchPage(jql: string, fields: string[], maxResults: number, nextPageToken?: string): Promise<SearchPage> {
      return http.call((got) =>
        json(SearchPage, 'search answer', () =>
          got
            .get('rest/api/3/search/jql', {
              searchParams: { jql, fields: fields.join(','), maxResults, ...(nextPageToken ? { nextPageToken } : {}) },
            })
            .json(),
        ),
      );
    },
    getIssue(key: string, fields: string[]): Promise<IssueDto> {
      return http.call((got) =>
        json(IssueDto, 'issue', () =>
          got.get(`rest/api/3/issue/${encodeURIComponent(key)}`, { searchParams: { fields: fields.join(',') } }).json(),
        ),
      );
    },
    createIssue(fields: Record<string, unknown>): Promise<{ key: string }> {
      return http.call((got) => json(Created, 'create answer', () => got.post('rest/api/3/issue', { json: { fields } }).json()));
    },
    createRequest(body: Record<string, unknown>): Promise<{ issueKey: string }> {
      return http.call((got) =>
        json(RequestCreated, 'request answer', () => got.post('rest/servicedeskapi/request', { json: body }).json()),
      );
    },
    addComment(key: string, body: Record<string, unknown>): Promise<unknown> {
      return http.call((got) => got.post(`rest/api/3/issue/${encodeURIComponent(key)}/comment`, { json: body }).json());
    },
    addRemoteLink(key: string, body: Record<string, unknown>): Promise<unknown> {
      return http.call((got) => got.post(`rest/api/3/issue/${encodeURIComponent(key)}/remotelink`, { json: body }).json());
    },
    remoteLinks(key: string): Promise<RemoteLinksDto> {
      return http.call((got) =>
        json(RemoteLinks, 'remote links', () => got.get(`rest/api/3/issue/${encodeURIComponent(key)}/remotelink`).json()),
      );
    },
    sla(key: string): Promise<SlaDto> {
      return http.call((got) =>
        json(SlaDto, 'SLA answer', () => got.get(`rest/servicedeskapi/request/${encodeURIComponent(key)}/sla`).json()),
      );
    },
    myself(): Promise<unknown> {
      return http.call((got) => got.get('rest/api/3/myself').json());
    },
  };
}
export type JiraClient = ReturnType<typeof createJiraClient>;
