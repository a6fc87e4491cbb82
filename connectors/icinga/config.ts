import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Icinga 2 REST API (`${baseUrl}/v1`, HTTPS only, Basic auth against an ApiUser). Icinga's own CA is
 * private: pin it with `caFile`; its certificate names the node (e.g. `icinga-ci.localdomain`), so
 * when connecting by IP or another name set `allowHostnameMismatch: true` as well.
 */
export const IcingaConfig = HttpSettings.extend({
  /** API root without /v1, e.g. https://icinga.example.com:5665 */
  baseUrl: z.url(),
  /**
   * Icinga Web 2 root for deep links, e.g. https://monitoring.example.com/icingaweb2.
   * @default https://<baseUrl host>/icingaweb2
   */
  uiUrl: z.url().optional(),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Custom variable holding the CI id (host `vars.<ciIdVar>`). @default 'ci_id' */
  ciIdVar: z.string().min(1).default('ci_id'),
  /** Only HARD problem states raise alerts (SOFT ones are still being re-checked). @default false */
  hardStatesOnly: z.boolean().default(false),
  /** Sticky acknowledgements survive changes between problem states. @default true */
  ackSticky: z.boolean().default(true),
  /** Let Icinga notify contacts about the acknowledgement. @default false */
  ackNotify: z.boolean().default(false),
  /** How long alerts are served from cache. @default 5000 */
  cacheTtlMs: z.number().int().min(0).default(5000),
  /** How long a last good answer may be served (stale) while Icinga fails. @default 300000 */
  staleMs: z.number().int().min(0).default(300_000),
});
export type IcingaConfig = z.infer<typeof IcingaConfig>;
