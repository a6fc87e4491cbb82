import type { KnowledgeApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import type { Article, ArticleQuery } from '../../kernel/model.js';
import { createServiceNowClient, inList, queryValue } from './client.js';
import { ServiceNowKnowledgeConfig } from './config.js';
import { createArticleLoaders } from './loaders.js';
import { KB_FIELDS, score, toArticle, value } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';
import { splitQualifiedId } from '../../kernel/model.js';

/**
 * ServiceNow Knowledge: published kb_knowledge articles. Article ids are `<connector>:<KB number>`.
 *
 * Search uses `LIKE` conditions (`short_descriptionLIKE<w>^ORtextLIKE<w>^ORmetaLIKE<w>` for every
 * word, all in one OR group) rather than `123TEXTQUERY321=<words>`: LIKE works on every instance
 * without a text index, behaves the same on every release, and can be faked faithfully; the text
 * search's own relevance (ir_query_score) is not returned by the Table API anyway. We read up to
 * `searchCandidates` of the most viewed matching articles and score them here (see mapping.score).
 */

const PUBLISHED = 'workflow_state=published^active=true';

/** Words and names to look for: each word of the text (2+ characters), then CI and service names whole. */
export function searchTerms(query: ArticleQuery): string[] {
  const words = query.text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_.-]+/u)
    .filter((w) => w.length >= 2);
  const names = [...(query.ciNames ?? []), ...(query.serviceNames ?? [])].map((n) => n.toLowerCase().trim()).filter(Boolean);
  return [...new Set([...words.slice(0, 8), ...names])].map(queryValue);
}

export function searchQuery(terms: string[]): string {
  const any = terms.map((t, i) => `${i === 0 ? '' : '^OR'}short_descriptionLIKE${t}^ORtextLIKE${t}^ORmetaLIKE${t}`).join('');
  return `${PUBLISHED}^${any}^ORDERBYDESCsys_view_count`;
}

export const servicenowKnowledgeConnector = httpConnector('servicenow-knowledge', 'knowledge', ServiceNowKnowledgeConfig, {
  client: createServiceNowClient,
  create({ name, config, client, cachedRead }) {
    const ctx = { connector: name, uiUrl: config.uiUrl ?? config.baseUrl };

    const fetchByNumbers = async (numbers: string[]) =>
      (await client.list('kb_knowledge', { query: `${PUBLISHED}^numberIN${inList(numbers)}`, fields: KB_FIELDS })).map((row) => ({
        ...toArticle(row, ctx, [], null),
        number: value(row, 'number'),
      }));

    async function search(query: ArticleQuery): Promise<Article[]> {
      const terms = searchTerms(query);
      if (terms.length === 0 || query.limit <= 0) return [];
      const q = searchQuery(terms);
      const read = () => client.list('kb_knowledge', { query: q, fields: KB_FIELDS, max: config.searchCandidates });
      const { value: rows } = await cachedRead(`search:${q}`, config.cacheTtlMs, config.staleMs, read);
      return rows
        .map((row) => ({ row, relevance: score(row, terms) }))
        .filter((r) => r.relevance > 0)
        .sort((a, b) => b.relevance - a.relevance)
        .slice(0, query.limit)
        .map(({ row, relevance }) => toArticle(row, ctx, terms, relevance));
    }

    return {
      // Published articles are read with the connector's own account and are the same for every caller.
      forRequest(_auth: RequestAuth): KnowledgeApi {
        const loaders = createArticleLoaders(fetchByNumbers);
        return {
          search,
          async articleById(id) {
            const parts = splitQualifiedId(id);
            if (!parts || parts.connector !== name) return null;
            const found = await loaders.articleByNumber.load(parts.nativeId);
            if (!found) return null;
            const { number: _number, ...article } = found;
            return article;
          },
        };
      },
      healthCheck: () => client.ping('kb_knowledge'),
    };
  },
});
