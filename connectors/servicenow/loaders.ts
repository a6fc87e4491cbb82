import DataLoader from 'dataloader';
import type { Article, Incident } from '../../kernel/model.js';

/**
 * Per-request DataLoaders: every incident or article asked for while resolving one GraphQL request
 * is fetched with one `numberIN…` query, and each number is fetched at most once.
 */

function byNumber<T extends { number: string }>(fetch: (numbers: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (numbers) => {
    const found = await fetch([...numbers]);
    // The instance matches numbers case-insensitively; so do we.
    const map = new Map(found.map((item) => [item.number.toUpperCase(), item]));
    return numbers.map((n) => map.get(n.toUpperCase()) ?? null);
  });
}

export function createIncidentLoaders(fetchByNumbers: (numbers: string[]) => Promise<Incident[]>) {
  return { incidentByNumber: byNumber(fetchByNumbers) };
}

export function createArticleLoaders(fetchByNumbers: (numbers: string[]) => Promise<(Article & { number: string })[]>) {
  return { articleByNumber: byNumber(fetchByNumbers) };
}
