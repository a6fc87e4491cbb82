import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakePrometheus } from './fake-server.js';
import { prometheusConnector } from './index.js';

defineConnectorContract({
  label: 'prometheus',
  kind: 'monitor',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakePrometheus({ basic: { username: 'gateway', password: 'prom-secret-pw' } });
    const endpoint = { baseUrl: fake.url, retryLimit, timeoutMs };
    const config = prometheusConnector.config.parse({
      prometheus: endpoint,
      alertmanager: endpoint,
      auth: { kind: 'basic', username: 'gateway', password: 'prom-secret-pw' },
      cacheTtlMs,
      targetsTtlMs: cacheTtlMs,
    });
    return {
      instance: prometheusConnector.create('prom-test', config, contractDeps('prom-test')),
      fake,
      secrets: ['prom-secret-pw'],
      // An acknowledgement is a silence; taking it back expires it.
      acks: {
        acknowledgeRequest: { method: 'POST', pathPrefix: '/api/v2/silences' },
        unacknowledgeRequest: { method: 'DELETE', pathPrefix: '/api/v2/silence/' },
        recorded: (alertId) => fake.recorded(alertId.slice(alertId.indexOf(':') + 1)),
      },
    };
  },
});
