import type { ArticleDef } from './estate-files.js';

/**
 * Word search over the builtin knowledge base: small enough to read, good enough for a few hundred
 * articles.
 *
 * Each query word scores up to 1 in an article: 0.6 when it is in the title, 0.3 when it is a label
 * or a related CI or service id, and up to 0.3 for the body, saturating with the count (tf / (tf + 1),
 * so a word repeated ten times does not beat a title hit). The text score is the mean over the query
 * words, so an article that has every word beats one that repeats a single word. CI and service
 * names passed as context (the incident's CI, its service) add up to a quarter: the share of them the
 * article is related to. Scores are in [0, 1].
 */

const STOPWORDS = new Set(
  'a an and are as at be by can cannot does for from has have how i in is it its my not of on or our the this to we what when why with you your'.split(
    ' ',
  ),
);

/** Light suffix stripping, so "restarting", "restarted" and "restart" meet. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Words, lower case and stemmed; a hyphenated name (mail-node2) counts whole and by its parts. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}-]+/u)) {
    const word = raw.replace(/^-+|-+$/g, '');
    if (word === '' || STOPWORDS.has(word)) continue;
    out.push(stem(word));
    if (word.includes('-')) for (const part of word.split('-')) if (part !== '' && !STOPWORDS.has(part)) out.push(stem(part));
  }
  return out;
}

/**
 * Markdown to plain text for snippets: links keep their text; headings go (the title is shown
 * anyway), as do list markers and emphasis. `_` stays: it is part of names like pg_stat_archiver.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^\s{0,3}#{1,6}\s.*$/gm, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}([-*+]|\d+\.)\s+/gm, '')
    .replace(/[*`>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const SNIPPET_CHARS = 200;

/** About 200 characters of the body, around the first query word it contains. */
export function snippet(markdown: string, words: readonly string[]): string {
  const text = plainText(markdown);
  if (text.length <= SNIPPET_CHARS) return text;
  const lower = text.toLowerCase();
  const hits = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
  const first = hits.length > 0 ? Math.min(...hits) : 0;
  const start = Math.max(0, Math.min(first - 40, text.length - SNIPPET_CHARS));
  const cut = text.slice(start, start + SNIPPET_CHARS);
  return `${start > 0 ? '…' : ''}${cut.trim()}${start + SNIPPET_CHARS < text.length ? '…' : ''}`;
}

interface IndexedArticle {
  def: ArticleDef;
  title: Set<string>;
  tags: Set<string>;
  body: Map<string, number>;
  related: Set<string>;
}

export interface SearchHit {
  def: ArticleDef;
  score: number;
  words: string[];
}

export function createArticleIndex(articles: readonly ArticleDef[]) {
  const indexed: IndexedArticle[] = articles.map((def) => {
    const body = new Map<string, number>();
    for (const word of tokenize(def.body)) body.set(word, (body.get(word) ?? 0) + 1);
    const related = [...def.cis, ...def.services].map((id) => id.toLowerCase());
    return {
      def,
      title: new Set(tokenize(def.title)),
      tags: new Set([...def.labels.flatMap(tokenize), ...related.flatMap(tokenize)]),
      body,
      related: new Set([...related, ...def.labels.map((l) => l.toLowerCase())]),
    };
  });

  return function search(text: string, context: readonly string[], limit: number): SearchHit[] {
    const words = [...new Set(tokenize(text))];
    const names = [...new Set(context.map((n) => n.toLowerCase()))];
    if (words.length === 0 && names.length === 0) return [];
    const hits: SearchHit[] = [];
    for (const article of indexed) {
      let textScore = 0;
      for (const word of words) {
        const tf = article.body.get(word) ?? 0;
        textScore += Math.min(1, (article.title.has(word) ? 0.6 : 0) + (article.tags.has(word) ? 0.3 : 0) + (0.3 * tf) / (tf + 1));
      }
      textScore = words.length > 0 ? textScore / words.length : 0;
      const contextScore = names.length > 0 ? names.filter((n) => article.related.has(n)).length / names.length : 0;
      const score = words.length === 0 ? contextScore : names.length === 0 ? textScore : 0.75 * textScore + 0.25 * contextScore;
      if (score > 0) hits.push({ def: article.def, score: Math.min(1, Math.round(score * 1000) / 1000), words });
    }
    return hits.sort((a, b) => b.score - a.score || a.def.title.localeCompare(b.def.title)).slice(0, Math.max(0, limit));
  };
}
