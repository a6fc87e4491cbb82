import type { HelpdeskApi } from '../core/connector.js';
import { httpConnector } from '../core/http-connector.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Comment, Incident, IncidentFilter, NewIncident } from '../../kernel/model.js';
import { createServiceNowClient, inList, queryValue, type ServiceNowClient, type SnRow } from './client.js';
import { ServiceNowIncidentConfig } from './config.js';
import { createIncidentLoaders } from './loaders.js';
import { openServiceNowRequest } from './request.js';
import { IMPACT_URGENCY, INCIDENT_FIELDS, SLA_FIELDS, slaByTask, toIncident, value, type IncidentContext } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';
import { splitQualifiedId } from '../../kernel/model.js';

/**
 * ServiceNow incidents (the `incident` table), their SLAs (task_sla) and linked knowledge articles
 * (m2m_kb_task). Incident ids are `<connector>:<number>` (INC0010001): stable and what people quote.
 */

/** Keeps `taskIN…` lists short enough for any proxy's URL limit. */
const CHUNK = 100;

/** Service names on the instance that may stand for one of our service ids. */
function serviceNames(serviceId: string, serviceMap: Record<string, string>): string[] {
  const mapped = Object.entries(serviceMap)
    .filter(([, id]) => id === serviceId)
    .map(([snName]) => snName);
  return [...new Set([...mapped, serviceId, serviceId.replace(/-/g, ' ')])];
}

/** One encoded query for a filter: every condition in a single request. */
export function incidentQuery(filter: IncidentFilter, serviceMap: Record<string, string>): string {
  const parts: string[] = [];
  if (filter.openOnly) parts.push('active=true');
  if (filter.ciIds?.length) parts.push(`cmdb_ci.nameIN${inList(filter.ciIds)}`);
  if (filter.serviceIds?.length) {
    parts.push(`business_service.nameIN${inList(filter.serviceIds.flatMap((id) => serviceNames(id, serviceMap)))}`);
  }
  const text = filter.text?.trim();
  if (text) {
    const t = queryValue(text);
    parts.push(`short_descriptionLIKE${t}^ORdescriptionLIKE${t}^ORnumber=${t}`);
  }
  parts.push('ORDERBYDESCopened_at');
  return parts.join('^');
}

/** Reads the SLAs and article links of the rows' tickets (in chunks) and maps each row, with them, to an incident. */
async function enricher(
  client: ServiceNowClient,
  rows: SnRow[],
  ctx: IncidentContext,
  kbConnector: string | undefined,
): Promise<(row: SnRow) => Incident> {
  const sysIds = rows.map((row) => value(row, 'sys_id'));
  const slaRows: SnRow[] = [];
  const linkRows: SnRow[] = [];
  for (let i = 0; i < sysIds.length; i += CHUNK) {
    const tasks = `taskIN${inList(sysIds.slice(i, i + CHUNK))}`;
    const [slas, links] = await Promise.all([
      client.list('task_sla', { query: tasks, fields: SLA_FIELDS }),
      kbConnector ? client.list('m2m_kb_task', { query: tasks, fields: ['task', 'kb_knowledge.number'] }) : Promise.resolve([]),
    ]);
    slaRows.push(...slas);
    linkRows.push(...links);
  }
  const slas = slaByTask(slaRows);
  const linked = new Map<string, string[]>();
  for (const row of linkRows) {
    const task = value(row, 'task');
    const number = value(row, 'kb_knowledge.number');
    if (number) linked.set(task, [...(linked.get(task) ?? []), `${kbConnector}:${number}`]);
  }
  return (row) => {
    const sysId = value(row, 'sys_id');
    return toIncident(row, ctx, slas.get(sysId), linked.get(sysId) ?? []);
  };
}

async function enrich(client: ServiceNowClient, rows: SnRow[], ctx: IncidentContext, kbConnector: string | undefined): Promise<Incident[]> {
  return rows.map(await enricher(client, rows, ctx, kbConnector));
}

async function enrichOne(client: ServiceNowClient, row: SnRow, ctx: IncidentContext, kbConnector: string | undefined): Promise<Incident> {
  return (await enricher(client, [row], ctx, kbConnector))(row);
}

export const servicenowIncidentConnector = httpConnector('servicenow-incident', 'helpdesk', ServiceNowIncidentConfig, {
  client: createServiceNowClient,
  create({ name, config, deps, client, cachedRead }) {
    const ctx: IncidentContext = { connector: name, uiUrl: config.uiUrl ?? config.baseUrl, serviceMap: config.serviceMap };
    const kb = config.knowledgeConnector;

    const fetchByNumbers = async (numbers: string[]) =>
      enrich(client, await client.list('incident', { query: `numberIN${inList(numbers)}`, fields: INCIDENT_FIELDS }), ctx, kb);
    const numberOf = (id: string): string | null => {
      const parts = splitQualifiedId(id);
      return parts && parts.connector === name ? parts.nativeId : null;
    };
    // A write makes cached lists wrong; the cache namespace is this instance's alone.
    const afterWrite = () => deps.cache.clear();
    const notFound = (what: string) => ERRORS.NOT_FOUND.err(`${name}: no ${what}`, { extensions: { connector: name } });

    /** The incident row (with sys_id) behind one of our ids. */
    async function rowOf(incidentId: string): Promise<SnRow> {
      const number = numberOf(incidentId);
      const [row] = number ? await client.list('incident', { query: `number=${queryValue(number)}`, fields: INCIDENT_FIELDS, max: 1 }) : [];
      if (!row) throw notFound(`incident ${incidentId}`);
      return row;
    }

    async function lookupSysId(table: string, query: string): Promise<string | null> {
      const [row] = await client.list(table, { query, fields: ['sys_id'], max: 1 });
      return row ? value(row, 'sys_id') : null;
    }

    async function createIncident(input: NewIncident): Promise<Incident> {
      const key = queryValue(input.correlationId.trim());
      if (!key) throw ERRORS.BAD_USER_INPUT.err('correlationId is empty', { extensions: { connector: name } });
      // Look before creating. The POST is never retried automatically (got retries GET only), but a
      // caller may retry a create whose answer it never saw (timeout, reset connection) although the
      // instance did insert the row. correlation_id carries the caller's idempotency key, so the
      // retry finds that row here and returns it instead of opening a duplicate ticket.
      const [existing] = await client.list('incident', { query: `correlation_id=${key}`, fields: INCIDENT_FIELDS, max: 1 });
      if (existing) return enrichOne(client, existing, ctx, kb);

      const notes: string[] = [];
      const body: Record<string, string> = {
        short_description: input.title,
        ...IMPACT_URGENCY[input.priority],
        correlation_id: key,
        correlation_display: 'servicegraph',
      };
      if (input.ciId) {
        const ci = queryValue(input.ciId);
        const sysId = await lookupSysId('cmdb_ci', `name=${ci}^ORsys_id=${ci}`);
        if (sysId) body['cmdb_ci'] = sysId;
        else notes.push(`CI: ${input.ciId}`);
      }
      if (input.serviceId) {
        const sysId = await lookupSysId('cmdb_ci_service', `nameIN${inList(serviceNames(input.serviceId, config.serviceMap))}`);
        if (sysId) body['business_service'] = sysId;
        else notes.push(`Service: ${input.serviceId}`);
      }
      body['description'] = [input.description, '', ...notes, `Reported by ${input.caller} via servicegraph.`].join('\n');
      const created = await client.create('incident', body, INCIDENT_FIELDS);
      await afterWrite();
      return toIncident(created, ctx, undefined, []);
    }

    async function comment(incidentId: string, c: Comment): Promise<Incident> {
      const row = await rowOf(incidentId);
      // work_notes are for agents only; comments are visible to the caller.
      const field = c.internal ? 'work_notes' : 'comments';
      const updated = await client.update(
        'incident',
        value(row, 'sys_id'),
        { [field]: `${c.text}\n\n-- ${c.author} (via servicegraph)` },
        INCIDENT_FIELDS,
      );
      await afterWrite();
      return enrichOne(client, updated, ctx, kb);
    }

    async function linkArticle(incidentId: string, article: { id: string; title: string; url: string | null }): Promise<boolean> {
      const task = value(await rowOf(incidentId), 'sys_id');
      const parts = splitQualifiedId(article.id);
      if (kb && parts?.connector === kb) {
        const kbSysId = await lookupSysId('kb_knowledge', `number=${queryValue(parts.nativeId)}`);
        if (!kbSysId) throw notFound(`article ${article.id}`);
        // Linking twice would list the article twice on the incident form.
        if (!(await lookupSysId('m2m_kb_task', `task=${task}^kb_knowledge=${kbSysId}`))) {
          await client.create('m2m_kb_task', { kb_knowledge: kbSysId, task }, ['sys_id']);
        }
      } else {
        // An article from another tool cannot go into m2m_kb_task: record it as a work note.
        const note = `Knowledge article: ${article.title}${article.url ? `\n${article.url}` : ''}\n(${article.id})`;
        await client.update('incident', task, { work_notes: note }, ['sys_id']);
      }
      await afterWrite();
      return true;
    }

    return {
      // Incidents are read with the connector's own account; the caller is only named in what it writes.
      forRequest(_auth: RequestAuth): HelpdeskApi {
        const loaders = createIncidentLoaders(fetchByNumbers);
        return {
          async listIncidents(filter) {
            const query = incidentQuery(filter, config.serviceMap);
            const read = async () =>
              enrich(client, await client.list('incident', { query, fields: INCIDENT_FIELDS, max: config.maxIncidents }), ctx, kb);
            return (await cachedRead(`list:${query}`, config.cacheTtlMs, config.staleMs, read)).value;
          },
          async incidentById(id) {
            const number = numberOf(id);
            return number ? loaders.incidentByNumber.load(number) : null;
          },
          createIncident,
          async createRequest(input) {
            const opened = await openServiceNowRequest(client, name, input, { catalogItem: config.catalogItem, uiUrl: ctx.uiUrl });
            await afterWrite();
            return opened;
          },
          comment,
          linkArticle,
        };
      },
      healthCheck: () => client.ping('incident'),
    };
  },
});
