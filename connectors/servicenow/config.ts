import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Settings every ServiceNow connector shares (one Table API client each). Auth: `username` +
 * `password` (Basic) or an OAuth access `token` (Bearer). Secrets come from the environment through
 * the config loader: `password: ${SNOW_PASSWORD}` or `token: ${SNOW_TOKEN}`.
 */
export const ServiceNowSettings = HttpSettings.extend({
  /** The instance, e.g. https://acme.service-now.com (the API lives under /api/now/table). */
  baseUrl: z.url(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** OAuth 2 access token; wins over username/password. */
  token: z.string().min(1).optional(),
  /** Rows per Table API page. @default 1000 */
  pageSize: z.number().int().min(1).max(10_000).default(1000),
  /** Most rows one list reads, following pages. @default 10000 */
  maxRecords: z.number().int().positive().default(10_000),
  /** How long an answer is served from cache before the instance is asked again. */
  cacheTtlMs: z.number().int().min(0).optional(),
  /** How long past its TTL a cached answer may still be served while the instance fails. @default 86400000 (1 day) */
  staleMs: z.number().int().min(0).default(86_400_000),
});

const hasAuth = (c: { token?: string | undefined; username?: string | undefined; password?: string | undefined }) =>
  c.token !== undefined || (c.username !== undefined && c.password !== undefined);
const authMessage = { message: 'set token, or username and password' };

/** ServiceNow class (sys_class_name) → our normalised CI class. */
export const DEFAULT_CLASS_MAP: Record<string, string> = {
  cmdb_ci_server: 'server',
  cmdb_ci_linux_server: 'server',
  cmdb_ci_win_server: 'server',
  cmdb_ci_unix_server: 'server',
  cmdb_ci_vm_instance: 'vm',
  cmdb_ci_vmware_instance: 'vm',
  cmdb_ci_cluster: 'cluster',
  cmdb_ci_appl: 'application',
  cmdb_ci_app_server: 'application',
  cmdb_ci_db_instance: 'database',
  cmdb_ci_db_ora_instance: 'database',
  cmdb_ci_db_mssql_instance: 'database',
  cmdb_ci_db_mysql_instance: 'database',
  cmdb_ci_db_postgresql_instance: 'database',
  cmdb_ci_ip_switch: 'network',
  cmdb_ci_ip_router: 'network',
  cmdb_ci_ip_firewall: 'network',
  cmdb_ci_netgear: 'network',
  cmdb_ci_storage_device: 'storage',
  cmdb_ci_storage_server: 'storage',
  cmdb_ci_computer: 'desktop',
};

export const ServiceNowCmdbConfig = ServiceNowSettings.extend({
  /** sys_class_name values read from cmdb_ci. @default every class in the default class map */
  classes: z
    .array(z.string().regex(/^[a-z0-9_]+$/))
    .min(1)
    .default(Object.keys(DEFAULT_CLASS_MAP)),
  /** Extra or overriding sys_class_name → class entries (merged over the defaults). */
  classMap: z.record(z.string(), z.string().regex(/^[a-z][a-z-]*$/)).default({}),
  /** Which CI field becomes our CI id: `name` lines up with monitors' host names. @default 'name' */
  idField: z.enum(['name', 'sys_id']).default('name'),
  /**
   * The cmdb_ci field that holds what a CI costs, for showback: the base table's currency field
   * `cost`, or a custom one such as `u_monthly_cost`. Its raw value is read (no currency conversion:
   * keep it in the estate's revenue unit; `cost_cc` is not read). An empty field is unknown, not 0.
   * @default 'cost'
   */
  costField: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .default('cost'),
  /** Whether the cost field holds a monthly or a yearly figure (yearly is divided by 12). @default 'month' */
  costPeriod: z.enum(['month', 'year']).default('month'),
  /** @default 300000 (5 minutes) */
  cacheTtlMs: z.number().int().min(0).default(300_000),
}).refine(hasAuth, authMessage);
export type ServiceNowCmdbConfig = z.infer<typeof ServiceNowCmdbConfig>;

export const ServiceNowIncidentConfig = ServiceNowSettings.extend({
  /** business_service display value → our service id; unmapped names are lowercased, spaces → '-'. */
  serviceMap: z.record(z.string(), z.string()).default({}),
  /**
   * Instance name of the servicenow-knowledge connector on the same instance: linked articles
   * (m2m_kb_task) are reported as `<knowledgeConnector>:<KB number>`. Without it no linked ids are reported.
   */
  knowledgeConnector: z.string().min(1).optional(),
  /**
   * sys_id of the catalogue item (sc_cat_item) a catalogue request orders, unless the offering names
   * one (`request.servicenow`); without either a request is an sc_request without items.
   */
  catalogItem: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  /** Most incidents one list returns. @default 200 */
  maxIncidents: z.number().int().positive().default(200),
  /** @default 15000 */
  cacheTtlMs: z.number().int().min(0).default(15_000),
}).refine(hasAuth, authMessage);
export type ServiceNowIncidentConfig = z.infer<typeof ServiceNowIncidentConfig>;

export const ServiceNowKnowledgeConfig = ServiceNowSettings.extend({
  /** Published articles read per search before scoring. @default 50 */
  searchCandidates: z.number().int().min(1).max(1000).default(50),
  /** @default 600000 (10 minutes) */
  cacheTtlMs: z.number().int().min(0).default(600_000),
}).refine(hasAuth, authMessage);
export type ServiceNowKnowledgeConfig = z.infer<typeof ServiceNowKnowledgeConfig>;
