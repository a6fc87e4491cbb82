import type { Article } from '../../kernel/model.js';
import type { PageInfo, ParsedPage, SearchHit } from './client.js';

/** Pure MediaWiki answer → model functions. */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1]?.toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/**
 * Search snippets are escaped wikitext with `<span class='searchmatch'>` around hits; parsed pages are
 * HTML with comments (the parser report). Both become plain text.
 */
export function plainText(markup: string): string {
  const noTags = markup
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    // Block elements separate words; inline ones (the searchmatch span) sit inside them.
    .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|pre|blockquote)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return (
    decodeEntities(noTags)
      // Tags escaped inside wikitext snippets (&lt;code&gt;) are tags once decoded.
      .replace(/<\/?[a-z][^>]*>/gi, '')
      .replace(/'{2,}/g, '')
      .replace(/\[\[(?:[^|\]]*\|)?([^\]]*)\]\]/g, '$1')
      .replace(/^\s*=+\s*|\s*=+\s*$/gm, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function clip(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function articleUrl(articlePath: string, title: string): string {
  return articlePath.replace('$1', encodeURIComponent(title.replace(/ /g, '_')).replace(/%3A/gi, ':').replace(/%2F/gi, '/'));
}

export function categoryLabels(info: PageInfo | undefined): string[] {
  return (info?.categories ?? []).map((c) => c.title.replace(/^[^:]+:/, ''));
}

export interface MappingContext {
  connector: string;
  articlePath: string | undefined;
}

/** An article of the wiki from what a search hit or a parsed page says of it (`html` becomes the snippet). */
function article(
  ctx: MappingContext,
  page: { pageid: number; title: string; html: string; url: string | null; labels: string[] },
  score: number | null,
): Article {
  const { pageid, title, html, url, labels } = page;
  return {
    id: `${ctx.connector}:${pageid}`,
    connector: ctx.connector,
    tool: 'mediawiki',
    title,
    snippet: clip(plainText(html)),
    url,
    labels,
    score,
  };
}

export function hitToArticle(hit: SearchHit, info: PageInfo | undefined, score: number, ctx: MappingContext): Article {
  const url = ctx.articlePath ? articleUrl(ctx.articlePath, hit.title) : (info?.fullurl ?? null);
  return article(ctx, { pageid: hit.pageid, title: hit.title, html: hit.snippet, url, labels: categoryLabels(info) }, score);
}

export function parsedToArticle(page: ParsedPage, url: string | null, ctx: MappingContext): Article {
  const labels = page.categories.map((c) => c.category.replace(/_/g, ' '));
  return article(ctx, { pageid: page.pageid, title: page.title, html: page.text, url, labels }, null);
}

/**
 * The searches one query makes, best first: the whole text (MediaWiki ANDs words), then CI and
 * service names, then the longest single words, capped at `max` calls.
 */
export function searchPlan(text: string, names: string[], max: number): string[] {
  const words = text.split(/[^\p{L}\p{N}_.-]+/u).filter((w) => w.length >= 3);
  const whole = words.join(' ');
  const singles = [...new Set([...names.map((n) => n.trim()).filter(Boolean), ...[...words].sort((a, b) => b.length - a.length)])];
  const plan = [whole, ...singles].filter((q, i, all) => q && all.indexOf(q) === i);
  return plan.slice(0, max);
}

/**
 * Score in (0, 1]: hits of the whole-text search score in (0.5, 1], hits of the i-th fallback in
 * (0.25/i, 0.5/i], so a whole-text hit always outranks a fallback one; earlier ranks score higher.
 */
export function rankScore(searchIndex: number, rank: number, limit: number): number {
  const top = searchIndex === 0 ? 1 : 0.5 / searchIndex;
  return Math.round(top * (1 - (0.5 * rank) / Math.max(limit, rank + 1)) * 1000) / 1000;
}
