import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeIcinga } from './fake-server.js';
import { icingaConnector } from './index.js';

defineHttpConnectorContract(icingaConnector, {
  fake: () => startFakeIcinga({ password: 'icinga-secret-pw' }),
  config: { username: 'gateway', password: 'icinga-secret-pw' },
  secret: 'icinga-secret-pw',
  acks: (fake) => ({
    acknowledgeRequest: { method: 'POST', pathPrefix: '/v1/actions/acknowledge-problem' },
    unacknowledgeRequest: { method: 'POST', pathPrefix: '/v1/actions/remove-acknowledgement' },
    recorded: (alertId) => fake.recorded(alertId.slice(alertId.indexOf(':') + 1)),
  }),
});
