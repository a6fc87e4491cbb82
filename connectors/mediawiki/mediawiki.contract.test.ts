import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeMediaWiki } from './fake-server.js';
import { mediawikiConnector } from './index.js';

defineConnectorContract({
  label: 'mediawiki',
  kind: 'knowledge',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakeMediaWiki({ privateWiki: true, password: 'wiki-secret-pw' });
    const config = mediawikiConnector.config.parse({
      baseUrl: fake.url,
      username: 'Admin',
      password: 'wiki-secret-pw',
      retryLimit,
      timeoutMs,
      cacheTtlMs,
    });
    return {
      instance: mediawikiConnector.create('wiki-test', config, contractDeps('wiki-test')),
      fake,
      secrets: ['wiki-secret-pw'],
      searchText: 'DiskFull',
    };
  },
});
