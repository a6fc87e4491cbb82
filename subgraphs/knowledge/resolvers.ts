import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Article, ArticleQuery } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import type { KnowledgeContext } from './context.js';
import { mergeRanked } from './merge.js';
import { connectorError } from '../../kernel/errors.js';

/** Every knowledge base searched at once; one that fails adds its error and the others still count. */
async function searchAll(ctx: KnowledgeContext, info: GraphQLResolveInfo, query: ArticleQuery): Promise<Article[]> {
  if (!query.text.trim() || query.limit === 0) return [];
  const results = await Promise.allSettled(ctx.knowledgeBases.map((kb) => kb.api.search(query)));
  const lists = results.map((result, i) => {
    if (result.status === 'fulfilled') return result.value;
    recordPartialError(ctx, connectorError(ctx.knowledgeBases[i]?.name ?? 'knowledge', result.reason, ctx.log), info);
    return [];
  });
  return mergeRanked(lists, query.limit);
}

export const knowledgeResolvers: GraphQLResolverMap<KnowledgeContext> = {
  Query: {
    searchArticles: (_: unknown, args: { text: string; first?: number | null }, ctx: KnowledgeContext, info: GraphQLResolveInfo) =>
      searchAll(ctx, info, { text: args.text, limit: checkFirst(args.first ?? 10, ctx.maxPageSize, info) }),
    article: (_: unknown, args: { id: string }, ctx: KnowledgeContext) => ctx.articleById.load(args.id),
  },
  Article: {
    __resolveReference: (ref: { id: string }, ctx: KnowledgeContext) => ctx.articleById.load(ref.id),
    source: (article: Article) => article.tool,
  },
  Incident: {
    suggestedArticles: (
      incident: { id: string; searchText?: string },
      args: { first?: number | null },
      ctx: KnowledgeContext,
      info: GraphQLResolveInfo,
    ) => searchAll(ctx, info, { text: incident.searchText ?? '', limit: checkFirst(args.first ?? 5, ctx.maxPageSize, info) }),
    linkedArticles: async (
      incident: { id: string; linkedArticleIds?: string[] },
      _: unknown,
      ctx: KnowledgeContext,
      info: GraphQLResolveInfo,
    ) => {
      const found = await ctx.articleById.loadMany(incident.linkedArticleIds ?? []);
      // A link to an article that was deleted is skipped; one in a failing knowledge base is reported.
      return found.filter((item): item is Article => {
        if (item instanceof GraphQLError) recordPartialError(ctx, item, info);
        return item !== null && !(item instanceof Error);
      });
    },
  },
  Service: {
    articles: (
      service: { id: string; name?: string },
      args: { first?: number | null },
      ctx: KnowledgeContext,
      info: GraphQLResolveInfo,
    ) => {
      const name = service.name ?? '';
      return searchAll(ctx, info, {
        text: name,
        serviceNames: name ? [name] : [],
        limit: checkFirst(args.first ?? 5, ctx.maxPageSize, info),
      });
    },
  },
};
