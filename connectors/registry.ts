import type { ApiByKind, Connector } from './core/connector.js';
import type { ConnectorKind } from '../kernel/model.js';
import { builtinCmdbConnector, builtinHelpdeskConnector, builtinKnowledgeConnector, builtinMonitorConnector } from './builtin/index.js';
import { confluenceConnector } from './confluence/index.js';
import { icingaConnector } from './icinga/index.js';
import { jiraConnector } from './jira/index.js';
import { mediawikiConnector } from './mediawiki/index.js';
import { netboxConnector } from './netbox/index.js';
import { prometheusConnector } from './prometheus/index.js';
import { rtConnector } from './rt/index.js';
import { servicenowCmdbConnector, servicenowIncidentConnector, servicenowKnowledgeConnector } from './servicenow/index.js';
import { zabbixConnector } from './zabbix/index.js';

/** A connector of any type: its config is whatever its own schema parses; it serves its kind's API. */
type AnyConnector = Connector<unknown, ApiByKind[ConnectorKind]>;

/** Every connector type a config may name, by kind. */
const CONNECTORS: AnyConnector[] = [
  // monitor
  builtinMonitorConnector,
  prometheusConnector,
  icingaConnector,
  zabbixConnector,
  // cmdb
  builtinCmdbConnector,
  servicenowCmdbConnector,
  netboxConnector,
  // helpdesk
  builtinHelpdeskConnector,
  servicenowIncidentConnector,
  jiraConnector,
  rtConnector,
  // knowledge
  builtinKnowledgeConnector,
  servicenowKnowledgeConnector,
  confluenceConnector,
  mediawikiConnector,
];

const BY_TYPE = new Map(CONNECTORS.map((c) => [c.type, c]));

export function findConnector(type: string): AnyConnector | undefined {
  return BY_TYPE.get(type);
}

export function connectorTypes(): string[] {
  return [...BY_TYPE.keys()];
}
