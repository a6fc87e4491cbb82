import type { Article } from '../../kernel/model.js';

/**
 * Merging search results of several knowledge bases. Scores are not comparable across tools
 * (Confluence's CQL rank, MediaWiki's position, the builtin's TF-IDF), so each source's list is
 * normalised on its own (score / the source's best score; by position when the tool gives none),
 * the lists are interleaved by normalised score (ties: better position, then config order), and
 * the same article found twice (same URL, or same title) is kept once, at its best place.
 */
export function mergeRanked(sources: readonly Article[][], first: number): Article[] {
  const ranked = sources.flatMap((articles, source) => {
    const best = Math.max(0, ...articles.map((a) => a.score ?? 0));
    return articles.map((article, position) => ({
      article,
      position,
      source,
      score: article.score !== null && best > 0 ? article.score / best : 1 - position / Math.max(articles.length, 1),
    }));
  });
  ranked.sort((a, b) => b.score - a.score || a.position - b.position || a.source - b.source);

  const seen = new Set<string>();
  const out: Article[] = [];
  for (const { article, score } of ranked) {
    const keys = [article.url ? `url:${article.url}` : null, `title:${article.title.trim().toLowerCase()}`].filter(
      (k): k is string => k !== null,
    );
    if (keys.some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    out.push({ ...article, score: Math.round(score * 1000) / 1000 });
    if (out.length >= first) break;
  }
  return out;
}
