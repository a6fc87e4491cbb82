import type { KnowledgeApi } from '../core/connector.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Article } from '../../kernel/model.js';
import { estateDirOf } from './config.js';
import { builtinConnector } from './connector.js';
import { loadKnowledgeEstate, type ArticleDef } from './estate-files.js';
import { createArticleIndex, snippet } from './search.js';
import { splitQualifiedId } from '../../kernel/model.js';

/** Results per search when the caller asks for more: the index is small, the answer should be too. */
const MAX_LIMIT = 100;

/**
 * The builtin knowledge base: the articles of the estate's knowledge.yaml, indexed once at start
 * for word search (see search.ts for the scoring).
 */
export const builtinKnowledgeConnector = builtinConnector('builtin-knowledge', 'knowledge', {
  create(name, config, deps) {
    const articles = loadKnowledgeEstate(estateDirOf(config, deps));
    const byId = new Map(articles.map((def) => [def.id, def]));
    const search = createArticleIndex(articles);
    const errorOptions = { extensions: { connector: name } };

    const toArticle = (def: ArticleDef, score: number | null, words: string[]): Article => ({
      id: `${name}:${def.id}`,
      connector: name,
      tool: 'builtin',
      title: def.title,
      snippet: snippet(def.body, words),
      url: def.url,
      labels: [...def.labels],
      score,
    });

    const api: KnowledgeApi = {
      async search(query) {
        if (!Number.isInteger(query.limit) || query.limit < 0)
          throw ERRORS.BAD_USER_INPUT.err('limit must be a whole number ≥ 0', errorOptions);
        const context = [...(query.ciNames ?? []), ...(query.serviceNames ?? [])];
        return search(query.text, context, Math.min(query.limit, MAX_LIMIT)).map((hit) => toArticle(hit.def, hit.score, hit.words));
      },
      async articleById(id) {
        const parts = splitQualifiedId(id);
        const def = parts?.connector === name ? byId.get(parts.nativeId) : undefined;
        return def ? toArticle(def, null, []) : null;
      },
    };

    return { api };
  },
});
