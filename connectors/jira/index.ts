import type { HelpdeskApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Incident, IncidentFilter, NewIncident } from '../../kernel/model.js';
import { adf, createJiraClient, type SlaDto } from './client.js';
import { JiraConfig } from './config.js';
import { createJiraLoaders } from './loaders.js';
import { correlationLabel, issueWithLabel, openJiraRequest } from './request.js';
import {
  ARTICLE_LINK_PREFIX,
  CI_LABEL,
  SERVICE_LABEL,
  jqlField,
  jqlString,
  toIncident,
  toPriorityName,
  type MappingContext,
} from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';
import { splitQualifiedId } from '../../kernel/model.js';

const BASE_FIELDS = [
  'summary',
  'description',
  'status',
  'priority',
  'labels',
  'components',
  'assignee',
  'created',
  'duedate',
  'resolution',
];
const SLA_CONCURRENCY = 4;

function fieldsOf(config: JiraConfig): string[] {
  const custom = [config.ciField, config.serviceField].filter((f) => f.startsWith('customfield_'));
  return [...BASE_FIELDS, ...new Set(custom)];
}

function anyOf(values: string[], clause: (v: string) => string): string {
  return `(${values.map(clause).join(' OR ')})`;
}

export function buildJql(config: JiraConfig, filter: IncidentFilter): string {
  const parts = [`project = ${jqlString(config.projectKey)}`];
  if (config.jql) parts.push(`(${config.jql})`);
  if (filter.openOnly) parts.push('statusCategory != Done');
  if (filter.ciIds?.length) {
    parts.push(
      config.ciField === 'label'
        ? `labels in (${filter.ciIds.map((id) => jqlString(CI_LABEL + id)).join(', ')})`
        : anyOf(filter.ciIds, (id) => `${jqlField(config.ciField)} ~ ${jqlString(id)}`),
    );
  }
  if (filter.serviceIds?.length) {
    const f = config.serviceField;
    parts.push(
      f === 'label'
        ? `labels in (${filter.serviceIds.map((id) => jqlString(SERVICE_LABEL + id)).join(', ')})`
        : f === 'component'
          ? `component in (${filter.serviceIds.map(jqlString).join(', ')})`
          : anyOf(filter.serviceIds, (id) => `${jqlField(f)} ~ ${jqlString(id)}`),
    );
  }
  if (filter.text?.trim()) parts.push(`text ~ ${jqlString(filter.text.trim())}`);
  return `${parts.join(' AND ')} ORDER BY created DESC`;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  // The workers share one iterator: each takes the next item as it finishes the last.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) out[i] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const jiraConnector = httpConnector('jira', 'helpdesk', JiraConfig, {
  client: createJiraClient,
  create({ name, config, deps, log, client, cachedRead }) {
    const fields = fieldsOf(config);
    const withSla = config.serviceDesk !== undefined && config.maxSlaLookups > 0;
    const ctx: MappingContext = { connector: name, uiUrl: (config.uiUrl ?? config.baseUrl).replace(/\/+$/, ''), config };

    async function searchAll(jql: string, cap: number) {
      const issues = [];
      let token: string | undefined;
      do {
        const page = await client.searchPage(jql, fields, Math.min(config.pageSize, cap - issues.length), token);
        issues.push(...page.issues);
        token = page.isLast === false || (page.isLast === undefined && page.nextPageToken) ? (page.nextPageToken ?? undefined) : undefined;
      } while (token && issues.length < cap);
      return issues.slice(0, cap);
    }

    /** One bounded SLA batch per list: the first `maxSlaLookups` issues; a failed look-up shows no SLA. */
    async function listWithSla(jql: string, filter: IncidentFilter): Promise<Incident[]> {
      const issues = await searchAll(jql, config.maxIssues);
      const slas = withSla
        ? await pooled(issues.slice(0, config.maxSlaLookups), SLA_CONCURRENCY, (issue) =>
            client.sla(issue.key).catch((): SlaDto | undefined => {
              log.debug('no SLA for issue', { connector: name });
              return undefined;
            }),
          )
        : [];
      const incidents = issues.map((issue, i) => {
        const sla = slas[i];
        return toIncident(issue, ctx, sla ? { sla } : {});
      });
      // `~` on a custom field matches words, not values: keep exact matches only.
      return incidents.filter(
        (inc) =>
          (!filter.ciIds?.length || config.ciField === 'label' || filter.ciIds.includes(inc.ci?.ciId ?? '')) &&
          (!filter.serviceIds?.length ||
            !config.serviceField.startsWith('customfield_') ||
            filter.serviceIds.includes(inc.serviceId ?? '')),
      );
    }

    const keyOf = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name && /^[A-Z][A-Z0-9_]*-\d+$/.test(parts.nativeId) ? parts.nativeId : null;
    };
    const requireKey = (id: string): string => {
      const key = keyOf(id);
      if (!key) throw ERRORS.NOT_FOUND.err(`${name}: no issue ${id}`, { extensions: { connector: name } });
      return key;
    };

    return {
      // Issues are read with the connector's own account; the caller is only named in what it writes.
      forRequest(_auth: RequestAuth): HelpdeskApi {
        const loaders = createJiraLoaders(client, ctx, fields, withSla);
        const reload = async (key: string): Promise<Incident> => {
          loaders.issueByKey.clear(key);
          const incident = await loaders.issueByKey.load(key);
          if (!incident) throw ERRORS.NOT_FOUND.err(`${name}: no issue ${key}`, { extensions: { connector: name } });
          return incident;
        };
        // A write makes every cached list wrong; the namespace is this instance's alone.
        const afterWrite = () => deps.cache.clear();

        return {
          async listIncidents(filter) {
            const jql = buildJql(config, filter);
            return (await cachedRead(`list:${jql}`, config.cacheTtlMs, 5 * 60_000, () => listWithSla(jql, filter))).value;
          },
          async incidentById(id) {
            const key = keyOf(id);
            return key ? loaders.issueByKey.load(key) : null;
          },
          async createIncident(input: NewIncident) {
            const label = correlationLabel(input.correlationId);
            const existing = await issueWithLabel(client, label);
            if (existing) return reload(existing);

            const labels = [label];
            const extra: Record<string, unknown> = {};
            if (input.ciId) {
              if (config.ciField === 'label') labels.push(CI_LABEL + input.ciId);
              else extra[config.ciField] = input.ciId;
            }
            if (input.serviceId) {
              if (config.serviceField === 'label') labels.push(SERVICE_LABEL + input.serviceId);
              else if (config.serviceField === 'component') extra['components'] = [{ name: input.serviceId }];
              else extra[config.serviceField] = input.serviceId;
            }
            const description = `${input.description}\n\nReported by ${input.caller} via servicegraph.`;
            const priority = { name: toPriorityName(input.priority, config.priorities) };
            let key: string;
            if (config.serviceDesk) {
              // JSM takes plain text here, not ADF.
              ({ issueKey: key } = await client.createRequest({
                serviceDeskId: config.serviceDesk.id,
                requestTypeId: config.serviceDesk.requestTypeId,
                requestFieldValues: { summary: input.title, description, labels, priority, ...extra },
              }));
            } else {
              ({ key } = await client.createIssue({
                project: { key: config.projectKey },
                issuetype: { name: config.issueType },
                summary: input.title,
                description: adf(description),
                labels,
                priority,
                ...extra,
              }));
            }
            await afterWrite();
            return reload(key);
          },
          async createRequest(input) {
            const opened = await openJiraRequest(client, config, name, input, ctx.uiUrl);
            await afterWrite();
            return opened;
          },
          async comment(incidentId, comment) {
            const key = requireKey(incidentId);
            await client.addComment(key, {
              body: adf(`${comment.text}\n\n-- ${comment.author} (via servicegraph)`),
              // JSM hides a comment from customers only through this entity property.
              ...(comment.internal && config.serviceDesk ? { properties: [{ key: 'sd.public.comment', value: { internal: true } }] } : {}),
            });
            await afterWrite();
            return reload(key);
          },
          async linkArticle(incidentId, article) {
            const key = requireKey(incidentId);
            // A remote link needs a URL; an article without one cannot be linked in Jira.
            if (!article.url) return false;
            await client.addRemoteLink(key, {
              // The same globalId updates the link instead of adding a second one.
              globalId: ARTICLE_LINK_PREFIX + article.id,
              application: { type: 'servicegraph', name: 'servicegraph' },
              relationship: 'knowledge article',
              object: { url: article.url, title: article.title },
            });
            loaders.issueByKey.clear(key);
            await afterWrite();
            return true;
          },
        };
      },
      async healthCheck() {
        await client.myself();
      },
    };
  },
});
