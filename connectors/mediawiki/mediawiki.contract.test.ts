import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeMediaWiki } from './fake-server.js';
import { mediawikiConnector } from './index.js';

defineHttpConnectorContract(mediawikiConnector, {
  fake: () => startFakeMediaWiki({ privateWiki: true, password: 'wiki-secret-pw' }),
  config: { username: 'Admin', password: 'wiki-secret-pw' },
  secret: 'wiki-secret-pw',
  searchText: 'DiskFull',
});
