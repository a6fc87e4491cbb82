import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeZabbix } from './fake-server.js';
import { zabbixConnector } from './index.js';

for (const mode of ['7.0', '6.0'] as const) {
  defineConnectorContract({
    label: `zabbix ${mode}`,
    kind: 'monitor',
    async start({ retryLimit, timeoutMs, cacheTtlMs }) {
      const fake = await startFakeZabbix({ mode, token: 'zbx-secret-token' });
      const config = zabbixConnector.config.parse({
        baseUrl: fake.url,
        token: 'zbx-secret-token',
        retryLimit,
        timeoutMs,
        cacheTtlMs,
        hostsTtlMs: cacheTtlMs,
      });
      // Every call is POST /api_jsonrpc.php: the write is told apart by its method.
      const write = { method: 'POST', bodyIncludes: '"method":"event.acknowledge"' };
      return {
        instance: zabbixConnector.create('zbx-test', config, contractDeps('zbx-test')),
        fake,
        secrets: ['zbx-secret-token'],
        acks: {
          acknowledgeRequest: write,
          unacknowledgeRequest: write,
          recorded: (alertId) => fake.recorded(alertId.slice(alertId.indexOf(':') + 1)),
        },
      };
    },
  });
}
