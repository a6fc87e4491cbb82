import { z } from 'zod';

/*
 * Its own module, apart from the HTTP client (got, the breaker, tracing), so the registry validates
 * every connector's config without loading any client: a process loads a client only when a
 * configured instance of its connector is created.
 */

/** Connection settings shared by every HTTP connector's config. */
export const HttpSettings = z.object({
  /** Base URL of the tool's API, e.g. https://acme.service-now.com */
  baseUrl: z.url(),
  /** Base URL of the tool's web UI for deep links. @default baseUrl */
  uiUrl: z.url().optional(),
  /** Per-attempt timeout. @default 5000 */
  timeoutMs: z.number().int().positive().default(5000),
  /** Retries for idempotent reads (got never retries POST). @default 2 */
  retryLimit: z.number().int().min(0).max(10).default(2),
  /** PEM CA bundle to trust (e.g. Icinga's private CA), read from this file. */
  caFile: z.string().optional(),
  /** Accept a certificate whose host name does not match (self-signed CA pinned by caFile). @default false */
  allowHostnameMismatch: z.boolean().default(false),
  /** Consecutive failures that open the circuit. @default 5 */
  breakerThreshold: z.number().int().positive().default(5),
  /** How long an open circuit fails fast. @default 30000 */
  breakerCooldownMs: z.number().int().positive().default(30_000),
});
export type HttpSettings = z.infer<typeof HttpSettings>;
