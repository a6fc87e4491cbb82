import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeJira } from './fake-server.js';
import { jiraConnector } from './index.js';

defineConnectorContract({
  label: 'jira',
  kind: 'helpdesk',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakeJira({ apiToken: 'jira-secret-token' });
    const config = jiraConnector.config.parse({
      baseUrl: fake.url,
      email: 'bot@example.com',
      apiToken: 'jira-secret-token',
      projectKey: 'OPS',
      serviceDesk: { id: '1', requestTypeId: '10', catalogRequestTypeId: '11' },
      retryLimit,
      timeoutMs,
      cacheTtlMs,
    });
    return { instance: jiraConnector.create('jira-test', config, contractDeps('jira-test')), fake, secrets: ['jira-secret-token'] };
  },
});
