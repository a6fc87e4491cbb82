import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeConfluence } from './fake-server.js';
import { confluenceConnector } from './index.js';

defineConnectorContract({
  label: 'confluence',
  kind: 'knowledge',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakeConfluence({ apiToken: 'confluence-secret-token' });
    const config = confluenceConnector.config.parse({
      baseUrl: fake.url,
      email: 'bot@example.com',
      apiToken: 'confluence-secret-token',
      retryLimit,
      timeoutMs,
      cacheTtlMs,
    });
    return {
      instance: confluenceConnector.create('kb-test', config, contractDeps('kb-test')),
      fake,
      secrets: ['confluence-secret-token'],
      searchText: 'payroll batch',
    };
  },
});
