import { ERRORS } from '../../kernel/errors.js';
import { type NewRequest, type OpenedRequest, requestItem } from '../../kernel/model.js';
import type { JiraClient } from './client.js';
import type { JiraConfig } from './config.js';
import { SERVICE_LABEL, jqlString } from './mapping.js';

/** Jira labels cannot hold spaces; the correlation label keeps a safe alphabet. */
export function correlationLabel(correlationId: string): string {
  const key = correlationId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200);
  if (!key) throw ERRORS.BAD_USER_INPUT.err('correlationId is empty');
  return `sg-${key}`;
}

/**
 * The key of the issue already opened with this correlation label, if any. Looked up before every
 * create: a create whose answer was lost (timeout) already made the issue. Jira's search is
 * eventually consistent, so a retry within seconds of a lost answer can still miss it; the gateway
 * retries later than that.
 */
export async function issueWithLabel(client: JiraClient, label: string): Promise<string | null> {
  const [existing] = (await client.searchPage(`labels = ${jqlString(label)}`, ['summary'], 1)).issues;
  return existing?.key ?? null;
}

/**
 * A catalogue request in Jira Service Management: `POST /rest/servicedeskapi/request` in the
 * configured service desk, of the offering's request type (its `jsm` key, else
 * `serviceDesk.catalogRequestTypeId`), so it lands in the request type's queue and workflow, with
 * the correlation label (the request type must show the Labels field) and the service where
 * `serviceField` keeps it.
 */
export async function openJiraRequest(
  client: JiraClient,
  config: JiraConfig,
  connector: string,
  input: NewRequest,
  uiUrl: string,
): Promise<OpenedRequest> {
  const desk = config.serviceDesk;
  const requestTypeId = requestItem(input, connector, 'jsm', desk?.catalogRequestTypeId);
  if (!desk || !requestTypeId) {
    throw ERRORS.NOT_CONFIGURED.err(
      `${connector}: no JSM request type for catalogue requests (set serviceDesk with catalogRequestTypeId, or the offering's request.jsm)`,
      { extensions: { connector } },
    );
  }
  const label = correlationLabel(input.correlationId);
  const opened = (key: string): OpenedRequest => ({
    id: `${connector}:${key}`,
    connector,
    number: key,
    url: `${uiUrl}/browse/${encodeURIComponent(key)}`,
  });
  const existing = await issueWithLabel(client, label);
  if (existing) return opened(existing);

  const labels = [label];
  const extra: Record<string, unknown> = {};
  if (config.serviceField === 'label') labels.push(SERVICE_LABEL + input.serviceId);
  else if (config.serviceField === 'component') extra['components'] = [{ name: input.serviceId }];
  else extra[config.serviceField] = input.serviceId;
  const { issueKey } = await client.createRequest({
    serviceDeskId: desk.id,
    requestTypeId,
    // JSM takes plain text here, not ADF.
    requestFieldValues: {
      summary: input.title,
      description: `${input.description}\n\nRequested by ${input.caller} via servicegraph.`,
      labels,
      ...extra,
    },
  });
  return opened(issueKey);
}
