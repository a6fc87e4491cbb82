import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Zabbix JSON-RPC API (`${baseUrl}/api_jsonrpc.php`), 6.0 LTS to 7.x. Auth: an API `token`, or
 * `username` + `password` (a session from `user.login`). How the credential travels depends on the
 * server version, detected once with `apiinfo.version`: 6.4+ in an `Authorization: Bearer` header,
 * older in the request's `auth` field.
 */
export const ZabbixConfig = HttpSettings.extend({
  /** Frontend root, e.g. https://zabbix.example.com or https://host/zabbix */
  baseUrl: z.url(),
  /** API token (Users → API tokens); wins over username/password. */
  token: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Host/problem tag holding the CI id. @default 'ci_id' */
  ciIdTag: z.string().min(1).default('ci_id'),
  /** How long problems are served from cache. @default 5000 */
  cacheTtlMs: z.number().int().min(0).default(5000),
  /** How long the host list (watched CIs, interfaces) is served from cache. @default 60000 */
  hostsTtlMs: z.number().int().min(0).default(60_000),
  /** How long a last good answer may be served (stale) while Zabbix fails. @default 300000 */
  staleMs: z.number().int().min(0).default(300_000),
}).refine((c) => c.token !== undefined || (c.username !== undefined && c.password !== undefined), {
  message: 'set token, or username and password',
});
export type ZabbixConfig = z.infer<typeof ZabbixConfig>;
