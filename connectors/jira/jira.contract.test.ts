import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeJira } from './fake-server.js';
import { jiraConnector } from './index.js';

defineHttpConnectorContract(jiraConnector, {
  fake: () => startFakeJira({ apiToken: 'jira-secret-token' }),
  config: {
    email: 'bot@example.com',
    apiToken: 'jira-secret-token',
    projectKey: 'OPS',
    serviceDesk: { id: '1', requestTypeId: '10', catalogRequestTypeId: '11' },
  },
  secret: 'jira-secret-token',
});
