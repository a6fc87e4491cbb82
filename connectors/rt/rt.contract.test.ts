import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeRt } from './fake-server.js';
import { rtConnector } from './index.js';

defineConnectorContract({
  label: 'rt',
  kind: 'helpdesk',
  async start({ retryLimit, timeoutMs, cacheTtlMs }) {
    const fake = await startFakeRt({ password: 'rt-secret-pw' });
    const config = rtConnector.config.parse({
      baseUrl: fake.url,
      username: 'root',
      password: 'rt-secret-pw',
      requestQueue: 'Requests',
      retryLimit,
      timeoutMs,
      cacheTtlMs,
    });
    return { instance: rtConnector.create('rt-test', config, contractDeps('rt-test')), fake, secrets: ['rt-secret-pw'] };
  },
});
