import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { FAKE_NETBOX_V1_TOKEN, startFakeNetBox } from './fake-server.js';
import { netboxConnector } from './index.js';

defineConnectorContract({
  label: 'netbox',
  kind: 'cmdb',
  async start(options) {
    const fake = await startFakeNetBox();
    const config = netboxConnector.config.parse({ baseUrl: fake.url, token: FAKE_NETBOX_V1_TOKEN, ...options });
    const instance = netboxConnector.create('netbox', config, contractDeps('netbox'));
    return { instance, fake, secrets: [FAKE_NETBOX_V1_TOKEN] };
  },
});
