import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * MediaWiki Action API. Read-only: anonymous by default; `username` + `password` log in with
 * `action=clientlogin` for wikis that deny anonymous reads.
 */
export const MediaWikiConfig = HttpSettings.extend({
  /** The wiki's script path, where api.php lives, e.g. https://wiki.example.com/w */
  baseUrl: z.url(),
  /** @default 'api.php' */
  apiPath: z.string().min(1).default('api.php'),
  /**
   * Article URL template with `$1` for the title, e.g. https://wiki.example.com/wiki/$1. When set,
   * URLs are built locally; otherwise they are the wiki's `fullurl` from the one batched
   * `prop=info|categories` call a search makes anyway (for labels).
   */
  articlePath: z.string().includes('$1').optional(),
  /** Namespaces searched. @default [0] */
  namespaces: z.array(z.number().int().min(0)).min(1).default([0]),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /**
   * Most search calls one query makes. MediaWiki's database search ANDs the words, so when the whole
   * text finds nothing the connector tries single words (CI and service names, then the longest
   * words) until one finds something.
   * @default 3
   */
  maxSearches: z.number().int().min(1).max(10).default(3),
  /** How long search answers and articles are served from cache. @default 300000 */
  cacheTtlMs: z.number().int().min(0).default(300_000),
}).refine((c) => (c.username === undefined) === (c.password === undefined), {
  message: 'set both username and password, or neither',
});
export type MediaWikiConfig = z.infer<typeof MediaWikiConfig>;
