import { cachedWikiApi } from '../core/cached-apis.js';
import { httpConnector } from '../core/http-connector.js';
import type { Article, ArticleQuery } from '../../kernel/model.js';
import { createMediaWikiClient, type SearchHit } from './client.js';
import { MediaWikiConfig } from './config.js';
import { articleUrl, hitToArticle, parsedToArticle, rankScore, searchPlan, type MappingContext } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';

export const mediawikiConnector = httpConnector('mediawiki', 'knowledge', MediaWikiConfig, {
  client: createMediaWikiClient,
  create({ name, config, client, cachedRead }) {
    const ctx: MappingContext = { connector: name, articlePath: config.articlePath };

    async function search(query: ArticleQuery): Promise<Article[]> {
      const limit = Math.max(1, Math.min(query.limit, 50));
      const plan = searchPlan(query.text, [...(query.ciNames ?? []), ...(query.serviceNames ?? [])], config.maxSearches);
      const found = new Map<number, { hit: SearchHit; score: number }>();
      for (const [i, text] of plan.entries()) {
        // A narrower search that found something beats broader guesses: stop there.
        if (found.size > 0) break;
        const hits = await client.search(text, limit);
        hits.forEach((hit, rank) => {
          if (!found.has(hit.pageid)) found.set(hit.pageid, { hit, score: rankScore(i, rank, limit) });
        });
      }
      const ranked = [...found.values()].sort((a, b) => b.score - a.score).slice(0, limit);
      // URLs and categories for every hit in one call.
      const infos = await client.pageInfo(ranked.map((r) => r.hit.pageid));
      const byId = new Map(infos.map((p) => [p.pageid, p]));
      return ranked.map((r) => hitToArticle(r.hit, byId.get(r.hit.pageid), r.score, ctx));
    }

    async function byId(pageId: number): Promise<Article | null> {
      const page = await client.parse(pageId);
      if (!page) return null;
      const url = config.articlePath ? articleUrl(config.articlePath, page.title) : ((await client.pageInfo([pageId]))[0]?.fullurl ?? null);
      return parsedToArticle(page, url, ctx);
    }

    const api = cachedWikiApi(name, cachedRead, config.cacheTtlMs, { search, page: (pageId) => byId(Number(pageId)) });
    return {
      // Articles are public to the wiki's reader account: nothing here depends on the caller.
      forRequest: (_auth: RequestAuth) => api,
      async healthCheck() {
        await client.siteinfo();
      },
    };
  },
});
