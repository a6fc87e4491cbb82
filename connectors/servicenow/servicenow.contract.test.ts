import { defineHttpConnectorContract } from '../../test/connector-contract.js';
import { startFakeServiceNow } from './fake-server.js';
import { servicenowCmdbConnector, servicenowIncidentConnector, servicenowKnowledgeConnector } from './index.js';

const PASSWORD = 'contract-secret-pw';
/** The three connectors read one instance with one account. */
const instance = {
  fake: () => startFakeServiceNow({ username: 'svc_graph', password: PASSWORD }),
  config: { username: 'svc_graph', password: PASSWORD },
  secret: PASSWORD,
};

defineHttpConnectorContract(servicenowCmdbConnector, instance);
// Catalogue requests order the fixtures' "Payslip reissue" item (sc_cat_item.json).
defineHttpConnectorContract(servicenowIncidentConnector, {
  ...instance,
  config: { ...instance.config, knowledgeConnector: 'snow-kb', catalogItem: 'fe87991e10b612ece389725c1382499d' },
});
defineHttpConnectorContract(servicenowKnowledgeConnector, { ...instance, searchText: 'payroll tablespace' });
