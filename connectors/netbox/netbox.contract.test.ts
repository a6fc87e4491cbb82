import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { FAKE_NETBOX_V1_TOKEN, startFakeNetBox } from './fake-server.js';
import { netboxConnector } from './index.js';

defineHttpConnectorContract(netboxConnector, {
  fake: () => startFakeNetBox(),
  config: { token: FAKE_NETBOX_V1_TOKEN },
  secret: FAKE_NETBOX_V1_TOKEN,
});
