import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { connectorError } from '../../kernel/errors.js';
import type { Article, ArticleQuery } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import type { KnowledgeContext } from './context.js';
import { mergeRanked } from './merge.js';
import type { Resolvers } from './resolver-types.generated.js';

/**
 * Every knowledge base searched at once; one that fails adds its error and the others still count.
 * The articles the viewer may not see are left out before the merge cuts the list to `first`.
 */
async function searchAll(ctx: KnowledgeContext, info: GraphQLResolveInfo, query: ArticleQuery): Promise<Article[]> {
  if (!query.text.trim() || query.limit === 0) return [];
  const [results, scope] = await Promise.all([Promise.allSettled(ctx.knowledgeBases.map((kb) => kb.api.search(query))), ctx.scope.load()]);
  const lists = results.map((result, i) => {
    if (result.status === 'fulfilled') return scope.filter('Article', result.value);
    recordPartialError(ctx, connectorError(ctx.knowledgeBases[i]?.name ?? 'knowledge', result.reason, ctx.log), info);
    return [];
  });
  return mergeRanked(lists, query.limit);
}

export const knowledgeResolvers = {
  Query: {
    searchArticles: (_, args, ctx, info) => searchAll(ctx, info, { text: args.text, limit: checkFirst(args.first, ctx.maxPageSize, info) }),
    article: (_, args, ctx) => ctx.articleById.load(args.id),
  },
  Article: {
    __resolveReference: (ref, ctx) => ctx.articleById.load(ref.id),
    source: (article) => article.tool,
  },
  // The gateway passes the @requires fields; a reference without them (a direct call) finds nothing.
  Incident: {
    suggestedArticles: (incident, args, ctx, info) =>
      searchAll(ctx, info, { text: incident.searchText ?? '', limit: checkFirst(args.first, ctx.maxPageSize, info) }),
    linkedArticles: async (incident, _, ctx, info) => {
      const found = await ctx.articleById.loadMany(incident.linkedArticleIds ?? []);
      // A link to an article that was deleted is skipped; one in a failing knowledge base is reported.
      return found.filter((item): item is Article => {
        if (item instanceof GraphQLError) recordPartialError(ctx, item, info);
        return item !== null && !(item instanceof Error);
      });
    },
  },
  Service: {
    articles: (service, args, ctx, info) => {
      const name = service.name ?? '';
      return searchAll(ctx, info, { text: name, serviceNames: name ? [name] : [], limit: checkFirst(args.first, ctx.maxPageSize, info) });
    },
  },
} satisfies Resolvers;
