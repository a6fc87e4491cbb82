import { cachedWikiApi } from '../core/cached-apis.js';
import { httpConnector } from '../core/http-connector.js';
import type { Article, ArticleQuery } from '../../kernel/model.js';
import { createConfluenceClient } from './client.js';
import { ConfluenceConfig } from './config.js';
import { buildCql, pageToArticle, queryWords, resultToArticle, score, type MappingContext } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';

export const confluenceConnector = httpConnector('confluence', 'knowledge', ConfluenceConfig, {
  client: createConfluenceClient,
  create({ name, config, client, cachedRead }) {
    const ctx: MappingContext = {
      connector: name,
      siteBase: `${(config.uiUrl ?? config.baseUrl).replace(/\/+$/, '')}${config.contextPath}`,
    };

    async function search(query: ArticleQuery): Promise<Article[]> {
      const words = queryWords([query.text, ...(query.ciNames ?? []), ...(query.serviceNames ?? [])], config.maxWords);
      if (words.length === 0) return [];
      const limit = Math.max(1, Math.min(query.limit, 50));
      const answer = await client.search(buildCql(words, config.spaces), limit);
      return answer.results
        .flatMap((result, rank) => {
          const article = resultToArticle(result, answer._links.base, score(rank, answer.results.length, result, words), ctx);
          return article ? [article] : [];
        })
        .sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    }

    async function byId(id: string): Promise<Article | null> {
      try {
        return pageToArticle(await client.page(id), ctx);
      } catch (error) {
        if ((error as { extensions?: { code?: unknown } }).extensions?.code === 'NOT_FOUND') return null;
        throw error;
      }
    }

    const api = cachedWikiApi(name, cachedRead, config.cacheTtlMs, { search, page: byId });
    return {
      // Articles are read with the connector's own account: nothing here depends on the caller.
      forRequest: (_auth: RequestAuth) => api,
      async healthCheck() {
        await client.currentUser();
      },
    };
  },
});
