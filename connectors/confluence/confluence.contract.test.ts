import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeConfluence } from './fake-server.js';
import { confluenceConnector } from './index.js';

defineHttpConnectorContract(confluenceConnector, {
  fake: () => startFakeConfluence({ apiToken: 'confluence-secret-token' }),
  config: { email: 'bot@example.com', apiToken: 'confluence-secret-token' },
  secret: 'confluence-secret-token',
  searchText: 'payroll batch',
});
