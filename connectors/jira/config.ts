import { z } from 'zod';
import { HttpSettings } from '../core/http-settings.js';

/**
 * Jira Cloud (REST v3) and Jira Service Management. Auth: `email` + `apiToken` (Cloud, Basic) or a
 * personal access `token` (Data Center, Bearer).
 */
export const JiraConfig = HttpSettings.extend({
  /** Site URL, e.g. https://acme.atlassian.net */
  baseUrl: z.url(),
  email: z.string().min(1).optional(),
  apiToken: z.string().min(1).optional(),
  /** Personal access token (Bearer); wins over email/apiToken. */
  token: z.string().min(1).optional(),
  /** Project new issues go to (when no service desk is configured) and the default search scope. */
  projectKey: z.string().min(1),
  /** Issue type of created issues. @default 'Task' */
  issueType: z.string().min(1).default('Task'),
  /** Extra JQL every search is limited by, e.g. `issuetype = Incident`. */
  jql: z.string().min(1).optional(),
  /**
   * Create through JSM (`/rest/servicedeskapi/request`) and read request SLAs. The request type must
   * show the Labels field, since the correlation label is set at creation.
   */
  serviceDesk: z
    .object({
      id: z.string().min(1),
      requestTypeId: z.string().min(1),
      /** Request type of catalogue requests, unless the offering names one (`request.jsm`). */
      catalogRequestTypeId: z.string().min(1).optional(),
    })
    .optional(),
  /** Where the CI id lives: `label` (a `ci:<id>` label) or a custom field id such as `customfield_10050`. @default 'label' */
  ciField: z.union([z.literal('label'), z.string().regex(/^customfield_\d+$/)]).default('label'),
  /** Where the service id lives: `label` (`service:<id>`), `component` (component name) or a custom field id. @default 'label' */
  serviceField: z.union([z.literal('label'), z.literal('component'), z.string().regex(/^customfield_\d+$/)]).default('label'),
  /** Priority names → ours, on top of Jira's defaults (Highest … Lowest). */
  priorities: z.record(z.string(), z.enum(['CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'PLANNING'])).default({}),
  /** Status names → ours, winning over the status category (e.g. `Waiting for support: ON_HOLD`). */
  statuses: z.record(z.string(), z.enum(['NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELED'])).default({}),
  /** Issues per search page (Jira caps at 100 with fields). @default 50 */
  pageSize: z.number().int().min(1).max(100).default(50),
  /** Most issues one list reads, following nextPageToken. @default 200 */
  maxIssues: z.number().int().positive().default(200),
  /** Most SLA look-ups (one call each, 4 at a time) per list; the rest show no SLA. 0 disables. @default 20 */
  maxSlaLookups: z.number().int().min(0).default(20),
  /** How long an issue list is served from cache. @default 10000 */
  cacheTtlMs: z.number().int().min(0).default(10_000),
}).refine((c) => c.token !== undefined || (c.email !== undefined && c.apiToken !== undefined), {
  message: 'set token, or email and apiToken',
});
export type JiraConfig = z.infer<typeof JiraConfig>;
