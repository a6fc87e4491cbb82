import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * NetBox 4.x over its REST API (`${baseUrl}/api/...`). Auth: an API `token`, sent as
 * `Authorization: Token <40 hex>` (v1, legacy) or `Authorization: Bearer nbt_<key>.<secret>`
 * (v2, NetBox 4.5+). The secret comes from the environment: `token: ${NETBOX_TOKEN}`.
 */
export const NetBoxConfig = HttpSettings.extend({
  /** NetBox's root, e.g. https://netbox.example.com (or https://host/netbox with BASE_PATH). */
  baseUrl: z.url(),
  token: z.string().min(1),
  /** Token format; by default v2 when the token starts with `nbt_`, else v1. */
  tokenVersion: z.enum(['v1', 'v2']).optional(),
  /** Objects per page (NetBox caps it at MAX_PAGE_SIZE, 1000 by default). @default 500 */
  pageSize: z.number().int().min(1).max(1000).default(500),
  /** Most objects one list reads, following `next`. @default 10000 */
  maxRecords: z.number().int().positive().default(10_000),
  /** Device role slug → our CI class; roles not listed become `device`. */
  roleClassMap: z.record(z.string(), z.string().regex(/^[a-z][a-z-]*$/)).default({}),
  /**
   * The custom field (on devices, VMs, clusters and services) that holds what the object costs per
   * month, for showback: `custom_fields.<costField>`, of type integer or decimal. Unset is unknown, not 0.
   * @default 'monthly_cost'
   */
  costField: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .default('monthly_cost'),
  /** Read services (/api/ipam/services/) as application CIs that run on their device or VM. @default true */
  includeServices: z.boolean().default(true),
  /** How long the topology is served from cache. @default 300000 (5 minutes) */
  cacheTtlMs: z.number().int().min(0).default(300_000),
  /** How long past its TTL the topology may still be served while NetBox fails. @default 86400000 (1 day) */
  staleMs: z.number().int().min(0).default(86_400_000),
});
export type NetBoxConfig = z.infer<typeof NetBoxConfig>;

export const DEFAULT_ROLE_CLASS_MAP: Record<string, string> = {
  server: 'server',
  hypervisor: 'server',
  'core-switch': 'network',
  'access-switch': 'network',
  switch: 'network',
  router: 'network',
  firewall: 'network',
  'load-balancer': 'network',
  storage: 'storage',
  san: 'storage',
};
