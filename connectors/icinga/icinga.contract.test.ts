import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeIcinga } from './fake-server.js';
import { icingaConnector } from './index.js';

defineConnectorContract({
  label: 'icinga',
  kind: 'monitor',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakeIcinga({ password: 'icinga-secret-pw' });
    const config = icingaConnector.config.parse({
      baseUrl: fake.url,
      username: 'gateway',
      password: 'icinga-secret-pw',
      retryLimit,
      timeoutMs,
      cacheTtlMs,
    });
    return {
      instance: icingaConnector.create('icinga-test', config, contractDeps('icinga-test')),
      fake,
      secrets: ['icinga-secret-pw'],
      acks: {
        acknowledgeRequest: { method: 'POST', pathPrefix: '/v1/actions/acknowledge-problem' },
        unacknowledgeRequest: { method: 'POST', pathPrefix: '/v1/actions/remove-acknowledgement' },
        recorded: (alertId) => fake.recorded(alertId.slice(alertId.indexOf(':') + 1)),
      },
    };
  },
});
