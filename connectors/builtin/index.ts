/**
 * The embedded default: four connectors that read the estate folder in-process (cmdb.yaml,
 * monitor.yaml, helpdesk.yaml, knowledge.yaml) and keep their state in SQLite in the data directory.
 * They are what `npm start` runs without a config, and the fixture of the full-stack tests.
 */
export { builtinCmdbConnector } from './cmdb.js';
export { builtinHelpdeskConnector } from './helpdesk.js';
export { builtinKnowledgeConnector } from './knowledge.js';
export { builtinMonitorConnector } from './monitor.js';
export { BuiltinConfig } from './config.js';
