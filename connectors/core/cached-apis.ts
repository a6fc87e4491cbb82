import type { Article, ArticleQuery, CmdbSnapshot, ConfigurationItem, Relation } from '../../kernel/model.js';
import { splitQualifiedId } from '../../kernel/model.js';
import type { CachedReader } from './cache.js';
import type { CmdbApi, KnowledgeApi } from './connector.js';

/**
 * The APIs of tools read with the connector's own account, the same for every caller: what they
 * serve goes through the instance's cache, stale-if-error.
 */

/** A CMDB read whole under one key: `stale` and `asOf` say what the cache served. */
export function cachedCmdbApi(
  cachedRead: CachedReader,
  config: { cacheTtlMs: number; staleMs: number },
  fetchTopology: () => Promise<{ cis: ConfigurationItem[]; relations: Relation[] }>,
): CmdbApi {
  return {
    async snapshot(): Promise<CmdbSnapshot> {
      const { value, stale, fetchedAt } = await cachedRead('topology', config.cacheTtlMs, config.staleMs, fetchTopology);
      return { ...value, stale, asOf: new Date(fetchedAt).toISOString() };
    },
  };
}

/** How long a wiki's answer is served when the wiki fails: articles change slowly. */
const WIKI_STALE_MS = 24 * 60 * 60_000;

/** A wiki whose pages have numeric ids (`<connector>:<page id>`): its searches and pages through the cache. */
export function cachedWikiApi(
  name: string,
  cachedRead: CachedReader,
  cacheTtlMs: number,
  wiki: { search(query: ArticleQuery): Promise<Article[]>; page(pageId: string): Promise<Article | null> },
): KnowledgeApi {
  return {
    async search(query) {
      const key = `search:${JSON.stringify([query.text, query.ciNames ?? [], query.serviceNames ?? [], query.limit])}`;
      return (await cachedRead(key, cacheTtlMs, WIKI_STALE_MS, () => wiki.search(query))).value;
    },
    async articleById(id) {
      const parts = splitQualifiedId(id);
      if (!parts || parts.connector !== name || !/^\d+$/.test(parts.nativeId)) return null;
      const pageId = parts.nativeId;
      return (await cachedRead(`page:${pageId}`, cacheTtlMs, WIKI_STALE_MS, () => wiki.page(pageId))).value;
    },
  };
}
