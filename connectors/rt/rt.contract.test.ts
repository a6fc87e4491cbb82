import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeRt } from './fake-server.js';
import { rtConnector } from './index.js';

defineHttpConnectorContract(rtConnector, {
  fake: () => startFakeRt({ password: 'rt-secret-pw' }),
  config: { username: 'root', password: 'rt-secret-pw', requestQueue: 'Requests' },
  secret: 'rt-secret-pw',
});
