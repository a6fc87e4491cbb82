/** The three ServiceNow connectors; they share one Table API client implementation (client.ts). */
export { servicenowCmdbConnector } from './cmdb.js';
export { servicenowIncidentConnector } from './incident.js';
export { servicenowKnowledgeConnector } from './knowledge.js';
