import { contractDeps, defineConnectorContract } from '../../test/connector-contract.js';
import { startFakeServiceNow } from './fake-server.js';
import { servicenowCmdbConnector, servicenowIncidentConnector, servicenowKnowledgeConnector } from './index.js';

const PASSWORD = 'contract-secret-pw';

async function setup(options: { retryLimit: number; timeoutMs: number; cacheTtlMs: number }) {
  const fake = await startFakeServiceNow({ username: 'svc_graph', password: PASSWORD });
  const config = { baseUrl: fake.url, username: 'svc_graph', password: PASSWORD, ...options };
  return { fake, config };
}

defineConnectorContract({
  label: 'servicenow-cmdb',
  kind: 'cmdb',
  async start(options) {
    const { fake, config } = await setup(options);
    const instance = servicenowCmdbConnector.create('snow', servicenowCmdbConnector.config.parse(config), contractDeps('snow'));
    return { instance, fake, secrets: [PASSWORD] };
  },
});

defineConnectorContract({
  label: 'servicenow-incident',
  kind: 'helpdesk',
  async start(options) {
    const { fake, config } = await setup(options);
    // Catalogue requests order the fixtures' "Payslip reissue" item (sc_cat_item.json).
    const parsed = servicenowIncidentConnector.config.parse({
      ...config,
      knowledgeConnector: 'snow-kb',
      catalogItem: 'fe87991e10b612ece389725c1382499d',
    });
    const instance = servicenowIncidentConnector.create('snow-inc', parsed, contractDeps('snow-inc'));
    return { instance, fake, secrets: [PASSWORD] };
  },
});

defineConnectorContract({
  label: 'servicenow-knowledge',
  kind: 'knowledge',
  async start(options) {
    const { fake, config } = await setup(options);
    const instance = servicenowKnowledgeConnector.create(
      'snow-kb',
      servicenowKnowledgeConnector.config.parse(config),
      contractDeps('snow-kb'),
    );
    return { instance, fake, secrets: [PASSWORD], searchText: 'payroll tablespace' };
  },
});
