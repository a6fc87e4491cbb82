import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Confluence Cloud: CQL search (REST v1 `/wiki/rest/api/search`) and pages (REST v2). Auth: `email` +
 * `apiToken` (Basic) or a personal access `token` (Bearer).
 */
export const ConfluenceConfig = HttpSettings.extend({
  /** Site URL, e.g. https://acme.atlassian.net */
  baseUrl: z.url(),
  /** Path of Confluence under the site: `/wiki` on Cloud. @default '/wiki' */
  contextPath: z
    .string()
    .regex(/^(\/[^/]+)*$/)
    .default('/wiki'),
  email: z.string().min(1).optional(),
  apiToken: z.string().min(1).optional(),
  /** Personal access token (Bearer); wins over email/apiToken. */
  token: z.string().min(1).optional(),
  /** Space keys searched; all spaces the account can read when absent. */
  spaces: z.array(z.string().min(1)).optional(),
  /** Most words of a query put into the CQL (each becomes `text ~` and `title ~`). @default 8 */
  maxWords: z.number().int().min(1).max(20).default(8),
  /** How long search answers and pages are served from cache. @default 300000 */
  cacheTtlMs: z.number().int().min(0).default(300_000),
}).refine((c) => c.token !== undefined || (c.email !== undefined && c.apiToken !== undefined), {
  message: 'set token, or email and apiToken',
});
export type ConfluenceConfig = z.infer<typeof ConfluenceConfig>;
