import type { Article } from '../../kernel/model.js';
import type { PageAnswer, SearchResult } from './client.js';

/** Pure Confluence answer → model functions. */

const HIGHLIGHT = /@@@(?:end)?hl@@@/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…' };
const STOP = new Set(['the', 'and', 'for', 'with', 'not', 'are', 'was', 'this', 'that', 'from', 'has', 'have', 'its', 'into']);

/** Storage format (XHTML) or a highlighted excerpt → plain text. */
export function plainText(markup: string): string {
  return markup
    .replace(HIGHLIGHT, '')
    .replace(/<ac:parameter[\s\S]*?<\/ac:parameter>/g, ' ')
    .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|pre|blockquote)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|[a-z]+);/gi, (whole, code: string) =>
      code.startsWith('#') ? String.fromCodePoint(Number(code.slice(1))) : (ENTITIES[code.toLowerCase()] ?? whole),
    )
    .replace(/\s+/g, ' ')
    .trim();
}

export function clip(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Distinct search words of a query, longest first up to `max`, lowercased. */
export function queryWords(parts: string[], max: number): string[] {
  const words = parts
    .flatMap((p) => p.split(/[^\p{L}\p{N}_.-]+/u))
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, '').toLowerCase())
    .filter((w) => w.length >= 3 && !STOP.has(w));
  return [...new Set(words)].slice(0, max);
}

/** CQL string literal. */
export function cqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function buildCql(words: string[], spaces: string[] | undefined): string {
  const terms = words.flatMap((w) => [`text ~ ${cqlString(w)}`, `title ~ ${cqlString(w)}`]).join(' OR ');
  const space = spaces?.length ? ` AND space in (${spaces.map(cqlString).join(',')})` : '';
  return `type = page AND (${terms})${space}`;
}

/**
 * Score in [0, 1]: Confluence's order (60 %) blended with how many of the words the title and
 * excerpt contain (40 %), so a page matching every word rises above one matching a single word.
 */
export function score(rank: number, count: number, result: SearchResult, words: string[]): number {
  const haystack = plainText(`${result.title} ${result.excerpt}`).toLowerCase();
  const coverage = words.length ? words.filter((w) => haystack.includes(w)).length / words.length : 0;
  const position = count > 0 ? 1 - rank / count : 0;
  return Math.round((0.6 * position + 0.4 * coverage) * 1000) / 1000;
}

export interface MappingContext {
  connector: string;
  /** Fallback for `_links.base`: site URL plus context path. */
  siteBase: string;
}

export function resultToArticle(result: SearchResult, base: string | undefined, value: number, ctx: MappingContext): Article | null {
  const content = result.content;
  if (!content) return null;
  const path = result.url ?? (content as { _links?: { webui?: string } })._links?.webui;
  return {
    id: `${ctx.connector}:${content.id}`,
    connector: ctx.connector,
    tool: 'confluence',
    title: plainText(result.title || content.title || ''),
    snippet: clip(plainText(result.excerpt)),
    url: path ? `${base ?? ctx.siteBase}${path}` : null,
    labels: content.metadata?.labels?.results.map((l) => l.name) ?? [],
    score: value,
  };
}

export function pageToArticle(page: PageAnswer, ctx: MappingContext): Article {
  const webui = page._links.webui;
  return {
    id: `${ctx.connector}:${page.id}`,
    connector: ctx.connector,
    tool: 'confluence',
    title: page.title,
    snippet: clip(plainText(page.body?.storage?.value ?? '')),
    url: webui ? `${page._links.base ?? ctx.siteBase}${webui}` : null,
    labels: page.labels?.results.map((l) => l.name) ?? [],
    score: null,
  };
}
