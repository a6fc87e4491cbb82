import DataLoader from 'dataloader';
import type { Incident } from '../../kernel/model.js';
import type { IssueDto, JiraClient, RemoteLinksDto, SlaDto } from './client.js';
import { toIncident, type MappingContext } from './mapping.js';

/**
 * Per-request loaders. Jira has no lookup of many keys that tolerates a missing one (JQL `key in (…)`
 * fails the whole search on an unknown key), so keys are read one by one but each key once a request.
 */
export function createJiraLoaders(client: JiraClient, ctx: MappingContext, fields: string[], withSla: boolean) {
  return {
    issueByKey: new DataLoader<string, Incident | null>(
      (keys) =>
        Promise.all(
          keys.map(async (key) => {
            let issue: IssueDto;
            try {
              issue = await client.getIssue(key, fields);
            } catch (error) {
              if ((error as { extensions?: { code?: unknown } }).extensions?.code === 'NOT_FOUND') return null;
              throw error;
            }
            // The single-issue view also shows SLAs and linked articles; either failing leaves that part empty.
            const [sla, links] = await Promise.all([
              withSla ? client.sla(key).catch((): SlaDto | undefined => undefined) : undefined,
              client.remoteLinks(key).catch((): RemoteLinksDto | undefined => undefined),
            ]);
            return toIncident(issue, ctx, { ...(sla ? { sla } : {}), ...(links ? { links } : {}) });
          }),
        ),
      { batch: false },
    ),
  };
}
